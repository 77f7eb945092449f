// @ts-check
// A worker's offer (renderer, bench score, slots, prices) with its own price
// editable, and its current and recent tasks with timings. The price is
// checked by the node (POST /api/worker/settings); a refusal is its line.
import { useState } from 'preact/hooks'
import { postJson } from '../../api.js'
import { html } from '../../html.js'
import { formatDuration, formatMicroPic, formatTime, shortId } from './format.js'

/** @param {{ settings: any, error: string | undefined }} props */
export function SettingsCard({ settings, error }) {
  if (error !== undefined) return html`<section class="card"><h2>Offer</h2><p class="error" role="alert">${error}</p></section>`
  if (settings === undefined) return html`<section class="card"><h2>Offer</h2><p class="muted">Loading…</p></section>`
  const r = settings.renderer
  return html`
    <section class="card" data-testid="worker-settings">
      <h2>Offer</h2>
      <dl class="facts">
        <dt>renderer</dt><dd data-testid="renderer">${r === null ? 'not started' : `${r.name} ${r.version} (${r.engines.join(', ')} on ${r.devices.join(', ')})`}</dd>
        <dt>bench score</dt><dd data-testid="bench-score">${settings.benchScore} (~${settings.referenceFramesPerHour} reference frames per hour per slot)</dd>
        <dt>slots</dt><dd data-testid="slots">${settings.slots} (${settings.freeSlots} free) <span class="muted">· a new count takes a restart with --slots</span></dd>
        <dt>region</dt><dd>${settings.region}</dd>
        <dt>jobs bid on</dt><dd>${settings.jobsKnown}</dd>
        <dt>network average</dt>
        <dd data-testid="network-average">
          ${settings.networkAverageBid === null ? 'no offers heard yet' : `${formatMicroPic(Math.round(settings.networkAverageBid))} per reference frame`}
          <span class="muted"> · from the recent offers of ${settings.offersSeen} other ${settings.offersSeen === 1 ? 'worker' : 'workers'}</span>
        </dd>
        <dt>own price</dt><dd data-testid="own-price">${formatMicroPic(settings.ownPrice)} per reference frame</dd>
        <dt>at full load</dt><dd>${formatMicroPic(settings.estimatedEarningsPerHour)} per hour with every slot busy at the own price</dd>
      </dl>
      <${PriceForm} ownPrice=${settings.ownPrice} />
    </section>
  `
}

/** @param {{ ownPrice: number }} props */
function PriceForm({ ownPrice }) {
  const [draft, setDraft] = useState(/** @type {string | undefined} */ (undefined))
  const [error, setError] = useState(/** @type {string | undefined} */ (undefined))
  const [saved, setSaved] = useState(/** @type {number | undefined} */ (undefined))
  const [busy, setBusy] = useState(false)
  /** @param {Event} event */
  const save = async (event) => {
    event.preventDefault()
    const text = (draft ?? String(ownPrice)).trim()
    setBusy(true)
    setError(undefined)
    setSaved(undefined)
    try {
      // Numbers go as numbers; anything else as typed, for the node to say what is wrong with it.
      const answer = await postJson('/api/worker/settings', { price: /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text })
      setDraft(undefined)
      setSaved(answer.ownPrice)
    } catch (err) {
      setError(String(/** @type {Error} */ (err).message))
    } finally {
      setBusy(false)
    }
  }
  return html`
    <form class="inline-form" onSubmit=${save} data-testid="price-form">
      <label>
        Own price (µPIC per reference frame)
        <input name="price" inputmode="numeric" value=${draft ?? String(ownPrice)} onInput=${(/** @type {any} */ e) => setDraft(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled=${busy}>Save price</button>
      ${error !== undefined ? html`<span class="error" role="alert">${error}</span>` : null}
      ${saved !== undefined ? html`<span class="ok" role="status">Saved: ${saved} µPIC, offered to the network now.</span>` : null}
    </form>
  `
}

/** @param {{ tasks: any, error: string | undefined }} props */
export function TasksCard({ tasks, error }) {
  if (error !== undefined) return html`<section class="card"><h2>Tasks</h2><p class="error" role="alert">${error}</p></section>`
  if (tasks === undefined) return html`<section class="card"><h2>Tasks</h2><p class="muted">Loading…</p></section>`
  const rows = [...tasks.current, ...tasks.recent]
  return html`
    <section class="card" data-testid="tasks">
      <h2>Tasks</h2>
      <p data-testid="task-totals">${tasks.current.length} running; ${tasks.totals.committed} committed, ${tasks.totals.lost} lost, ${tasks.totals.failed} failed in all</p>
      ${rows.length === 0
        ? html`<p class="muted">No task yet.</p>`
        : html`
            <table>
              <thead><tr><th>job</th><th>task</th><th>frames</th><th>status</th><th>done</th><th>reward</th><th>started</th><th>took</th><th>note</th></tr></thead>
              <tbody>
                ${rows.map(
                  (t) => html`<tr data-testid="task">
                    <td><code>${shortId(t.jobId)}</code></td>
                    <td>${t.taskIndex}</td>
                    <td>${t.frameStart}–${t.frameEnd}</td>
                    <td>${t.status}</td>
                    <td>${t.framesDone} / ${t.frameEnd - t.frameStart + 1}</td>
                    <td>${t.reward === undefined ? '' : `${BigInt(t.reward).toLocaleString('en-US')} µPIC`}</td>
                    <td>${formatTime(t.startedMs)}</td>
                    <td>${t.finishedMs === undefined ? `${formatDuration((Date.now() - t.startedMs) / 1000)} so far` : formatDuration((t.finishedMs - t.startedMs) / 1000)}</td>
                    <td class="muted">${t.reason ?? ''}</td>
                  </tr>`
                )}
              </tbody>
            </table>
          `}
    </section>
  `
}
