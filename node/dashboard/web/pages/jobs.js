// @ts-check
// The creator's jobs, newest first, live: status, frames done, price cap.
import { useWatch } from '../api.js'
import { html } from '../html.js'

export function JobsPage() {
  const { values, errors } = useWatch(['/api/jobs'])
  const jobs = values['/api/jobs']
  if (errors['/api/jobs'] !== undefined) return html`<p class="error" role="alert">${errors['/api/jobs']}</p>`
  if (jobs === undefined) return html`<p class="muted">Loading jobs…</p>`
  if (jobs.length === 0) return html`<p>No jobs yet. <a href="#/new">Submit one.</a></p>`
  const sorted = [...jobs].sort((a, b) => b.createdMs - a.createdMs)
  return html`
    <table data-testid="jobs">
      <thead><tr><th>job</th><th>status</th><th>frames done</th><th>created</th></tr></thead>
      <tbody>
        ${sorted.map(
          (j) => html`<tr>
            <td><a href=${`#/jobs/${j.id}`}>${j.id.slice(0, 12)}</a></td>
            <td>${j.status}</td>
            <td>${j.counts.succeeded ?? 0} / ${j.counts.total}</td>
            <td>${new Date(j.createdMs).toLocaleString()}</td>
          </tr>`
        )}
      </tbody>
    </table>
  `
}
