// @ts-check
// The explorer, live: jobs this node saw announced on gossip or created on
// the ledger; workers with their latest offers and their reputation on the
// ledger; and the ledger's money events (escrow locked, payments, slashes,
// refunds), newest first. Everything comes from /api/explorer/*.
import { useWatch } from '../api.js'
import { html } from '../html.js'

const JOBS = '/api/explorer/jobs'
const WORKERS = '/api/explorer/workers'
const LEDGER = '/api/explorer/ledger'

/** @param {string | null | undefined} id @param {number} [n] */
const short = (id, n = 12) => (id == null ? '—' : id.length > n ? `${id.slice(0, n)}…` : id)
/** @param {number} ms */
const time = (ms) => new Date(ms).toLocaleTimeString()
/** @param {{ micro: string, pic: string } | null | undefined} a */
const pic = (a) => (a == null ? '—' : html`<span title=${`${a.micro} µPIC`}>${a.pic} PIC</span>`)
/** @param {number} price */
const price = (price) => `${price} µPIC/ref frame`

/** @param {{ ledger: any }} props */
function LedgerLine({ ledger }) {
  if (ledger == null) return null
  return html`<p class="muted explorer-ledger-line">
    ledger: ${ledger.scanned} events read${ledger.caughtUp ? '' : ' (catching up)'}
    ${ledger.error === undefined ? '' : html` · <span class="error" role="alert">${ledger.error}</span>`}
  </p>`
}

/** @param {{ jobs: any[] | undefined, role: string }} props */
function JobsTable({ jobs, role }) {
  if (jobs === undefined) return html`<p class="muted">Loading jobs…</p>`
  if (jobs.length === 0) return html`<p class="muted">No job seen yet.</p>`
  return html`
    <table data-testid="explorer-jobs">
      <thead><tr><th>job</th><th>creator</th><th>frames</th><th>resolution</th><th>samples</th><th>price cap</th><th>first seen</th><th>gossip</th><th>ledger</th></tr></thead>
      <tbody>
        ${jobs.map((j) => {
          const g = j.gossip
          const l = j.ledger
          const link = role === 'creator' && g?.own === true
          return html`<tr data-testid=${`explorer-job-${j.jobId}`}>
            <td title=${j.jobId}>${link ? html`<a href=${`#/jobs/${j.jobId}`}>${short(j.jobId)}</a>` : html`<code>${short(j.jobId)}</code>`}</td>
            <td title=${g?.creator.peerId ?? l?.creator ?? ''}><code>${g !== null ? `…${g.creator.peerId.slice(-10)}` : short(l?.creator, 14)}</code></td>
            <td>${g !== null ? `${g.frameStart}–${g.frameEnd} (${g.frameEnd - g.frameStart + 1})` : l.frameCount}</td>
            <td>${g !== null ? `${g.width}×${g.height}` : '—'}</td>
            <td>${g !== null ? g.samples : '—'}</td>
            <td>${g !== null ? price(g.maxPrice) : '—'}</td>
            <td>${time(j.firstSeenMs)}</td>
            <td>${g === null ? html`<span class="muted">not heard</span>` : (g.notice ?? `announced ×${g.announcements}`)}</td>
            <td data-testid="ledger">
              ${l === null ? html`<span class="muted">not on the ledger</span>` : html`${l.status} · escrow ${pic(l.escrow)} · paid ${l.tasksPaid}/${l.taskCount} tasks · refunded ${pic(l.refunded)}`}
            </td>
          </tr>`
        })}
      </tbody>
    </table>
  `
}

/** @param {any} g */
function hardware(g) {
  const parts = [`${g.cpuCount}× ${g.cpuModel || 'CPU'}`]
  if (g.gpuCount > 0) parts.push(`${g.gpuCount}× ${g.gpuModel || 'GPU'}`)
  if (g.ramMib > 0) parts.push(`${Math.round(g.ramMib / 1024)} GiB`)
  return parts.join(' · ')
}

/** @param {{ workers: any[] | undefined, self: string }} props */
function WorkersTable({ workers, self }) {
  if (workers === undefined) return html`<p class="muted">Loading workers…</p>`
  if (workers.length === 0) return html`<p class="muted">No worker seen yet.</p>`
  return html`
    <table data-testid="explorer-workers">
      <thead><tr><th>worker</th><th>region</th><th>hardware</th><th>bench score</th><th>price</th><th>slots free</th><th>last offer</th><th>stake</th><th>verified / rejected</th><th>tasks paid</th><th>slashes</th></tr></thead>
      <tbody>
        ${workers.map((w) => {
          const g = w.gossip
          const l = w.ledger
          return html`<tr data-testid=${`explorer-worker-${w.peerId ?? w.address}`}>
            <td title=${`${w.peerId ?? ''} ${w.address}`}><code>${w.peerId === null ? short(w.address) : `…${w.peerId.slice(-10)}`}</code>${w.peerId === self ? html` <span class="muted">(this node)</span>` : ''}</td>
            <td>${g?.region || '—'}</td>
            <td>${g === null ? '—' : hardware(g)}</td>
            <td data-testid="bench">${g === null ? '—' : g.benchScore}</td>
            <td data-testid="price">${g === null ? '—' : price(g.price)}</td>
            <td>${g === null ? '—' : `${g.freeSlots} / ${g.slots}`}</td>
            <td>${g === null ? html`<span class="muted">not heard</span>` : time(g.lastSeenMs)}</td>
            <td>${l === null ? '—' : l.registered ? pic(l.stake) : html`<span class="muted">not registered</span>`}</td>
            <td>${l === null || l.verified === null ? '—' : `${l.verified} / ${l.rejected}`}</td>
            <td data-testid="paid">${l === null ? '—' : html`${l.tasksPaid} · ${pic(l.earned)}`}</td>
            <td>${l === null ? '—' : l.slashes === 0 ? '0' : html`${l.slashes} · ${pic(l.slashed)}`}</td>
          </tr>`
        })}
      </tbody>
    </table>
  `
}

/** @param {{ value: any }} props */
function LedgerTable({ value }) {
  if (value === undefined) return html`<p class="muted">Loading ledger…</p>`
  if (value.ledger === null) return html`<p class="muted" data-testid="no-ledger">no ledger</p>`
  if (value.events.length === 0) return html`<p class="muted">No escrow, payment, slash or refund yet.</p>`
  return html`
    <table data-testid="explorer-ledger">
      <thead><tr><th>#</th><th>time</th><th>event</th><th>job</th><th>task</th><th>account</th><th>amount</th></tr></thead>
      <tbody>
        ${value.events.map(
          (e) => html`<tr data-testid=${`ledger-event-${e.seq}`} class=${`ledger-${e.kind}`}>
            <td>${e.seq}</td>
            <td>${time(e.timestampMs)}</td>
            <td data-testid="label">${e.label}</td>
            <td data-testid="job" title=${e.jobId}><code>${short(e.jobId)}</code></td>
            <td>${e.taskIndex ?? '—'}</td>
            <td title=${e.party}><code>${short(e.party, 14)}</code></td>
            <td data-testid="amount">${pic(e.amount)}</td>
          </tr>`
        )}
      </tbody>
    </table>
  `
}

/** @param {{ status: any }} props */
export function ExplorerPage({ status }) {
  const { values, errors } = useWatch([JOBS, WORKERS, LEDGER])
  const error = errors[JOBS] ?? errors[WORKERS] ?? errors[LEDGER]
  const jobs = values[JOBS]
  return html`
    <div class="explorer">
      ${error === undefined ? '' : html`<p class="error" role="alert">${error}</p>`}
      <${LedgerLine} ledger=${jobs?.ledger} />
      <section class="card">
        <h2>Jobs on the network</h2>
        <${JobsTable} jobs=${jobs?.jobs} role=${status.role} />
      </section>
      <section class="card">
        <h2>Workers</h2>
        <${WorkersTable} workers=${values[WORKERS]?.workers} self=${status.peerId} />
      </section>
      <section class="card">
        <h2>Ledger events</h2>
        <${LedgerTable} value=${values[LEDGER]} />
      </section>
    </div>
  `
}
