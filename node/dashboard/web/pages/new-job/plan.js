// @ts-check
// What the job will take and cost, as the creator's node answers
// POST /api/jobs/plan: the server validates the spec with the protocol's
// code (its one line is the form's error) and prices it from the worker
// offers it has heard. Asked again as the form changes and every few
// seconds, as offers come and go.
import { useEffect, useState } from 'preact/hooks'
import { postJson } from '../../api.js'
import { html } from '../../html.js'
import { formatPic } from './form-state.js'

/** Typing settles for this long before the plan is asked for. */
const SETTLE_MS = 250
/** Workers offer every ~5 s: the estimate follows them. */
const REFRESH_MS = 5_000

/**
 * The plan of `body`, or the server's refusal; undefined both while there is nothing to ask about.
 * @param {Record<string, unknown> | undefined} body @returns {{ plan?: any, error?: string }}
 */
export function usePlan(body) {
  const key = body === undefined ? '' : JSON.stringify(body)
  const [answer, setAnswer] = useState(/** @type {{ key: string, plan?: any, error?: string }} */ ({ key: '' }))
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS)
    return () => clearInterval(timer)
  }, [])
  useEffect(() => {
    if (key === '') return
    let live = true
    const timer = setTimeout(() => {
      postJson('/api/jobs/plan', JSON.parse(key)).then(
        (plan) => live && setAnswer({ key, plan }),
        (err) => live && setAnswer({ key, error: err.message })
      )
    }, SETTLE_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [key, tick])
  // An answer about other values than the form's now is not shown.
  return answer.key === key && key !== '' ? answer : {}
}

const pic = (micro) => `${formatPic(micro)} PIC`

/** @param {{ plan: any }} props */
export function PlanSummary({ plan }) {
  const price = plan.workers.price
  return html`
    <dl class="plan" data-testid="plan">
      <dt>frames</dt>
      <dd>${plan.frames} in ${plan.tasks} task${plan.tasks === 1 ? '' : 's'}</dd>
      <dt>escrow</dt>
      <dd>${pic(plan.escrow)} locked at submit (every frame at the cap: ${pic(plan.maxCost)}, plus checker fees)</dd>
      <dt>workers</dt>
      <dd>${plan.workers.fitting} of ${plan.workers.heard} heard from would bid</dd>
      ${price !== undefined &&
      html`<dt>asks</dt>
        <dd>${price.min} to ${price.max} µPIC per reference frame (median ${price.median})</dd>`}
      ${plan.estimate !== undefined &&
      html`<dt>estimate</dt>
        <dd data-testid="estimate">${pic(plan.estimate.low)} at the lowest ask, ${pic(plan.estimate.typical)} at the median</dd>`}
      ${(plan.noBids ?? []).map((reason) => html`<dt>no bids</dt><dd class="error">${reason}</dd>`)}
    </dl>
  `
}
