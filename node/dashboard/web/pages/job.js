// @ts-check
// One of the creator's jobs, live (#/jobs/<id>): the frame grid by stage,
// the task distribution over workers and time, the escrow, the review
// (accept, or send selected frames back for a re-render) and the downloads.
// The sections live in pages/job/.
import { useEffect, useState } from 'preact/hooks'
import { useWatch } from '../api.js'
import { html } from '../html.js'
import { Amounts } from './job/amounts.js'
import { Distribution } from './job/distribution.js'
import { Downloads } from './job/downloads.js'
import { FrameGrid } from './job/frame-grid.js'
import { Review } from './job/review.js'

/** @param {{ params: string[] }} props */
export function JobPage({ params }) {
  const id = params[0] ?? ''
  const path = `/api/jobs/${id}`
  const { values, errors } = useWatch([path])
  const [selected, setSelected] = useState(() => new Set(/** @type {number[]} */ ([])))
  useEffect(() => setSelected(new Set()), [id])
  const job = values[path]
  if (errors[path] !== undefined) return html`<p class="error" role="alert">${errors[path]}</p>`
  if (job === undefined) return html`<p class="muted">Loading job…</p>`
  const toggle = (/** @type {number} */ frame) =>
    setSelected((s) => {
      const next = new Set(s)
      if (!next.delete(frame)) next.add(frame)
      return next
    })
  const c = job.counts
  return html`
    <div class="job-page">
      <p><a href="#/jobs">← Jobs</a></p>
      <h1 class="job-title">Job <code>${job.id.slice(0, 16)}…</code> <span data-testid="job-status" class=${`status status-${job.status}`}>${job.status}</span></h1>
      <p class="muted">
        ${job.spec.renderer}, ${job.spec.width}×${job.spec.height}, ${c.total} frames (${c.succeeded ?? 0} done, ${c.processing ?? 0} in progress, ${c.failed ?? 0} retrying),
        created ${new Date(job.createdMs).toLocaleString()}${job.completedMs === undefined ? '' : `, completed ${new Date(job.completedMs).toLocaleString()}`}
      </p>
      ${job.noBids === undefined ? null : html`<p class="error" data-testid="no-bids">No bids: ${job.noBids.join('; ')}</p>`}
      <${FrameGrid} job=${job} selected=${selected} onToggle=${toggle} />
      <${Review} job=${job} selected=${selected} onDisputed=${() => setSelected(new Set())} />
      <${Distribution} job=${job} />
      <div class="job-columns">
        <${Amounts} job=${job} />
        <${Downloads} job=${job} />
      </div>
    </div>
  `
}
