// @ts-check
// What the ledger has paid this node (GET /api/earnings): totals by kind,
// earnings per hour and the latest payments; on a node without a ledger,
// that nothing pays it.
import { html } from '../../html.js'
import { formatDuration, formatMicroPic, formatTime, shortId } from './format.js'

/** @param {{ earnings: any, error: string | undefined }} props */
export function EarningsCard({ earnings, error }) {
  return html`
    <section class="card" data-testid="earnings">
      <h2>Earnings</h2>
      ${error !== undefined
        ? html`<p class="error" role="alert">${error}</p>`
        : earnings === undefined
          ? html`<p class="muted">Reading the ledger…</p>`
          : earnings.ledger === false
            ? html`<p data-testid="no-ledger">No ledger: ${earnings.reason}.</p>`
            : html`<${EarningsFacts} e=${earnings} />`}
    </section>
  `
}

/** @param {{ e: any }} props */
function EarningsFacts({ e }) {
  return html`
    <dl class="facts">
      <dt>earned</dt><dd data-testid="earned-total" data-micro=${e.total}>${formatMicroPic(e.total)}</dd>
      <dt>as a worker</dt><dd data-testid="earned-worker" data-micro=${e.byKind.worker}>${formatMicroPic(e.byKind.worker)}</dd>
      <dt>as a checker</dt><dd>${formatMicroPic(e.byKind.checker)}</dd>
      <dt>slash shares</dt><dd>${formatMicroPic(e.byKind.slashShares)}</dd>
      <dt>own stake slashed</dt><dd>${formatMicroPic(e.slashed)}</dd>
      <dt>per hour</dt>
      <dd data-testid="per-hour">${formatMicroPic(e.perHour)} <span class="muted">· paid over the last ${formatDuration(e.perHourWindowS)}, counted from this node's start and over an hour at most</span></dd>
      <dt>payments</dt><dd>${e.payments}${e.catchingUp ? html` <span class="muted">(still reading older ledger events: ${e.eventsRead} so far)</span>` : ''}</dd>
    </dl>
    ${e.recent.length === 0
      ? html`<p class="muted">No payment yet.</p>`
      : html`
          <table data-testid="payments">
            <thead><tr><th>when</th><th>event</th><th>job</th><th>task</th><th>amount</th></tr></thead>
            <tbody>
              ${e.recent.map((p) => html`<tr><td>${formatTime(p.timestampMs)}</td><td>${p.type}</td><td><code>${shortId(p.jobId)}</code></td><td>${p.taskIndex ?? ''}</td><td>${formatMicroPic(p.amount)}</td></tr>`)}
            </tbody>
          </table>
        `}
  `
}
