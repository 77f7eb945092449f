// @ts-check
// The creator's New job page: every setting `pictor job submit` takes, the
// scene uploaded with a progress bar, the plan and cost estimate the node
// answers for the form as it stands (its one-line refusal when the spec is
// wrong), and the optional test frame: the first frame rendered alone and
// shown before the whole job is released. A submitted job opens its page.
import { useState } from 'preact/hooks'
import { postJson } from '../api.js'
import { html } from '../html.js'
import { JobFields } from './new-job/fields.js'
import { INITIAL_FORM, jobBody, testFrameBody } from './new-job/form-state.js'
import { PlanSummary, usePlan } from './new-job/plan.js'
import { SceneField } from './new-job/scene-field.js'
import { TestFrameStep } from './new-job/test-frame.js'

/** @typedef {import('./new-job/form-state.js').JobForm} JobForm */
/** @typedef {import('./new-job/form-state.js').StoredScene} StoredScene */
/** @typedef {{ kind: 'form' } | { kind: 'test', jobId: string, frame: number, body: Record<string, unknown> }} Step */

/** Submits the job and opens its page. @param {Record<string, unknown>} body */
async function submitJob(body) {
  const view = await postJson('/api/jobs', body)
  location.hash = `#/jobs/${view.id}`
}

export function NewJobPage() {
  const [form, setForm] = useState(/** @type {JobForm} */ (INITIAL_FORM))
  const [scene, setScene] = useState(/** @type {StoredScene | undefined} */ (undefined))
  const [step, setStep] = useState(/** @type {Step} */ ({ kind: 'form' }))
  const [busy, setBusy] = useState(false)
  const [submitError, setSubmitError] = useState(/** @type {string | undefined} */ (undefined))
  const body = scene === undefined ? undefined : jobBody(form, scene)
  const answer = usePlan(body)

  /** @type {import('./new-job/fields.js').SetField} */
  const set = (key, value) => {
    setForm((f) => ({ ...f, [key]: value }))
    setSubmitError(undefined)
  }
  /** @param {StoredScene | undefined} stored @param {string} [renderer] */
  const onScene = (stored, renderer) => {
    setScene(stored)
    if (renderer !== undefined) set('renderer', renderer)
  }

  /** Runs one submission step, its refusal shown by the form. @param {() => Promise<void>} action */
  const run = async (action) => {
    if (busy) return
    setBusy(true)
    setSubmitError(undefined)
    try {
      await action()
    } catch (err) {
      setSubmitError(err.message)
    } finally {
      setBusy(false)
    }
  }

  const onSubmit = (e) => {
    e.preventDefault()
    if (body === undefined) return
    run(async () => {
      // Asked again now, not taken from the live answer: nothing is submitted that the server refuses.
      await postJson('/api/jobs/plan', body)
      if (!form.testFrame) return submitJob(body)
      const test = await postJson('/api/jobs', testFrameBody(body))
      setStep({ kind: 'test', jobId: test.id, frame: test.spec.frameStart, body })
    })
  }

  const error = submitError ?? answer.error
  const editing = step.kind === 'form'
  return html`
    <h2>New job</h2>
    <div class="new-job">
      <form class="card" onSubmit=${onSubmit} data-testid="new-job-form">
        <${SceneField} onScene=${onScene} disabled=${!editing} />
        <${JobFields} form=${form} set=${set} disabled=${!editing} />
        <fieldset disabled=${!editing}>
          <label><input type="checkbox" name="testFrame" checked=${form.testFrame} onChange=${(e) => set('testFrame', e.currentTarget.checked)} /> Render a test frame first</label>
          <button type="submit" disabled=${body === undefined || busy}>${form.testFrame ? 'Render the test frame' : 'Submit the job'}</button>
          ${body === undefined && html` <span class="muted">Upload a scene first.</span>`}
          ${editing && error !== undefined && html`<p class="error" role="alert" data-testid="form-error">${error}</p>`}
        </fieldset>
      </form>
      <aside>
        <section class="card">
          <h3>Plan and estimate</h3>
          ${answer.plan !== undefined ? html`<${PlanSummary} plan=${answer.plan} />` : html`<p class="muted">${body === undefined ? 'Upload a scene to see what the job takes and costs.' : answer.error === undefined ? 'Asking the node…' : 'The node refuses the job as it stands (see the form).'}</p>`}
        </section>
        ${step.kind === 'test' &&
        html`<${TestFrameStep}
          jobId=${step.jobId}
          frame=${step.frame}
          busy=${busy}
          error=${submitError}
          onRelease=${() => run(() => submitJob(step.body))}
          onBack=${() => setStep({ kind: 'form' })}
        />`}
      </aside>
    </div>
  `
}
