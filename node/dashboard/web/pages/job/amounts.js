// @ts-check
// Where the job's escrow stands (the view's `amounts`, from the creator's
// record): locked, paid to workers, taken by checkers' fees, held for frames
// not done, and what comes back; "no ledger" for a job without escrow.
import { html } from '../../html.js'
import { microPic } from './format.js'

/** @param {{ job: any }} props */
export function Amounts({ job }) {
  const a = job.amounts
  if (a === undefined) return html`<section class="card"><h2>Escrow</h2><p data-testid="no-ledger">No ledger: this job locked no escrow.</p></section>`
  const settlement = job.ledger?.settlement
  return html`
    <section class="card">
      <h2>Escrow</h2>
      <dl class="facts" data-testid="amounts">
        <dt>escrow locked</dt><dd data-testid="amount-escrow" data-micro=${a.escrow}>${microPic(a.escrow)}</dd>
        <dt>paid to workers</dt><dd data-testid="amount-paid" data-micro=${a.paid}>${microPic(a.paid)}</dd>
        <dt>checker fees</dt><dd data-testid="amount-fees" data-micro=${a.checkerFees}>${microPic(a.checkerFees)} <span class="muted">(estimated)</span></dd>
        <dt>held for undone frames</dt><dd data-testid="amount-reserved" data-micro=${a.reserved}>${microPic(a.reserved)}</dd>
        ${a.refunded === undefined
          ? html`<dt>refundable</dt><dd data-testid="amount-refundable" data-micro=${a.refundable}>${microPic(a.refundable)} <span class="muted">at least, once the job closes</span></dd>`
          : html`<dt>refunded</dt><dd data-testid="amount-refunded" data-micro=${a.refunded}>${microPic(a.refunded)}</dd>`}
        ${settlement === undefined ? null : html`<dt>ledger</dt><dd data-testid="settlement">${settlement.state}${settlement.reason === '' ? '' : `: ${settlement.reason}`}</dd>`}
      </dl>
    </section>
  `
}
