// @ts-check
// The test-frame step: the job's first frame, rendered alone as a job of
// its own with the same settings, shown when it is done; then the creator
// releases the whole job, or goes back to the form (the test job, if it is
// still running, is cancelled).
import { postJson, useImage, useWatch } from '../../api.js'
import { html } from '../../html.js'

/**
 * @param {{ jobId: string, frame: number, onRelease: () => void, onBack: () => void, busy: boolean, error?: string }} props
 */
export function TestFrameStep({ jobId, frame, onRelease, onBack, busy, error }) {
  const path = `/api/jobs/${jobId}`
  const { values, errors } = useWatch([path])
  const job = values[path]
  const rendered = job?.frames.some((f) => f.frame === frame && f.status === 'succeeded') === true
  const image = useImage(rendered ? `${path}/frames/${frame}` : undefined)
  const ended = job !== undefined && job.status !== 'active'

  const back = () => {
    if (job?.status === 'active') postJson(`${path}/cancel`).catch(() => {})
    onBack()
  }

  let state = html`<p class="muted">Rendering test frame ${frame}…</p>`
  if (errors[path] !== undefined) state = html`<p class="error" role="alert">${errors[path]}</p>`
  else if (image !== undefined) state = html`<img class="test-frame" src=${image} alt=${`test frame ${frame}`} />`
  else if (rendered) state = html`<p class="muted">Test frame ${frame} rendered; loading it…</p>`
  else if (ended) state = html`<p class="error" role="alert">The test frame did not render (job ${job.status}).</p>`
  else if (job?.noBids !== undefined) state = html`<p class="error">No bids yet: ${job.noBids.join('; ')}</p>`

  return html`
    <section class="card" data-testid="test-frame-step">
      <h3>Test frame <a class="muted" href=${`#/jobs/${jobId}`}>${jobId.slice(0, 12)}</a></h3>
      ${state}
      <p>
        <button type="button" onClick=${onRelease} disabled=${!rendered || busy}>Release the job</button>
        <button type="button" onClick=${back} disabled=${busy}>Back to the form</button>
      </p>
      ${error !== undefined && html`<p class="error" role="alert" data-testid="submit-error">${error}</p>`}
    </section>
  `
}
