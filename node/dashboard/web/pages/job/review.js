// @ts-check
// The creator's review: accept the job, or send the frames selected in the
// grid back for a re-render with a reason (a dispute), and follow each
// dispute to its outcome. What the server refuses shows as its one line.
import { useState } from 'preact/hooks'
import { postJson } from '../../api.js'
import { html } from '../../html.js'

/** @param {{ job: any, selected: Set<number>, onDisputed: () => void }} props */
export function Review({ job, selected, onDisputed }) {
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(/** @type {string | undefined} */ (undefined))
  const [note, setNote] = useState(/** @type {string | undefined} */ (undefined))
  const frames = [...selected].sort((a, b) => a - b)

  /** @param {() => Promise<string>} action */
  const run = async (action) => {
    setBusy(true)
    setError(undefined)
    setNote(undefined)
    try {
      setNote(await action())
    } catch (err) {
      setError(String(/** @type {Error} */ (err).message ?? err))
    } finally {
      setBusy(false)
    }
  }
  const dispute = () =>
    run(async () => {
      const { disputes } = await postJson(`/api/jobs/${job.id}/dispute`, { frames, reason })
      onDisputed()
      setReason('')
      return `Sent back: ${disputes.map((/** @type {any} */ d) => `task ${d.taskIndex} (frames ${d.frames.join(', ')})`).join('; ')}.`
    })
  const accept = () =>
    run(async () => {
      await postJson(`/api/jobs/${job.id}/accept`)
      return 'Job accepted.'
    })

  const accepted = job.acceptedMs !== undefined
  return html`
    <section class="card review">
      <h2>Review</h2>
      ${accepted
        ? html`<p data-testid="accepted">Accepted on ${new Date(job.acceptedMs).toLocaleString()}: frames are no longer disputed.</p>`
        : html`
            <div class="inline-form">
              <span data-testid="selected-frames">${frames.length === 0 ? 'Select frames in the grid to send them back.' : `Selected: ${frames.join(', ')}`}</span>
              <label>Reason <input name="reason" value=${reason} maxlength="200" onInput=${(/** @type {any} */ e) => setReason(e.currentTarget.value)} /></label>
              <button type="button" disabled=${busy || frames.length === 0} onClick=${dispute}>Re-render selected frames</button>
              <button type="button" disabled=${busy} onClick=${accept}>Accept job</button>
            </div>
          `}
      ${error === undefined ? null : html`<p class="error" role="alert" data-testid="review-error">${error}</p>`}
      ${note === undefined ? null : html`<p class="ok" data-testid="review-note">${note}</p>`}
      ${job.disputes.length === 0
        ? null
        : html`
            <table data-testid="disputes">
              <thead><tr><th>task</th><th>frames</th><th>reason</th><th>outcome</th><th>detail</th></tr></thead>
              <tbody>
                ${job.disputes.map(
                  (/** @type {any} */ d) => html`<tr data-testid="dispute" data-task=${d.taskIndex} data-outcome=${d.outcome}>
                    <td>${d.taskIndex}</td><td>${d.frames.join(', ')}</td><td>${d.reason}</td><td>${d.outcome}</td><td>${d.detail ?? ''}</td>
                  </tr>`
                )}
              </tbody>
            </table>
          `}
    </section>
  `
}
