// @ts-check
// Which worker rendered which frames, over time: one row per worker, one bar
// per attempt at a task from its lease to the creator's decision (the part
// after the commitment, while the result was checked, drawn lighter). A
// worker with several slots runs tasks side by side: its row splits into as
// many lanes as it ran at once. Drawn as SVG from the job view's taskAttempts.
import { html } from '../../html.js'
import { seconds, workerName } from './format.js'

const WIDTH = 1000
const LABEL = 130
const LANE = 20
const BAR = 14
const GAP = 8
const AXIS = 22

/**
 * Each attempt in the first lane free at its lease, so overlapping ones sit apart.
 * @param {any[]} attempts oldest lease first @returns {{ lanes: number, laneOf: Map<any, number> }}
 */
function lanesOf(attempts) {
  /** @type {number[]} */
  const freeAt = []
  const laneOf = new Map()
  for (const a of attempts) {
    let lane = freeAt.findIndex((end) => end <= a.leasedMs)
    if (lane < 0) lane = freeAt.push(0) - 1
    freeAt[lane] = a.endMs
    laneOf.set(a, lane)
  }
  return { lanes: Math.max(1, freeAt.length), laneOf }
}

/** @param {{ job: any }} props */
export function Distribution({ job }) {
  const attempts = /** @type {any[]} */ (job.taskAttempts ?? [])
  if (attempts.length === 0) return html`<section class="card"><h2>Task distribution</h2><p class="muted">No task leased yet.</p></section>`
  /** @type {string[]} */
  const workers = []
  for (const a of attempts) if (!workers.includes(a.worker)) workers.push(a.worker)
  const start = Math.min(...attempts.map((a) => a.leasedMs))
  const end = Math.max(start + 1, ...attempts.map((a) => a.endMs))
  const x = (/** @type {number} */ ms) => LABEL + ((ms - start) / (end - start)) * (WIDTH - LABEL - 10)
  let top = 0
  const rows = workers.map((worker) => {
    const mine = attempts.filter((a) => a.worker === worker)
    const { lanes, laneOf } = lanesOf(mine)
    const row = { worker, mine, laneOf, top, height: lanes * LANE + GAP }
    top += row.height
    return row
  })
  const height = top + AXIS
  return html`
    <section class="card">
      <h2>Task distribution</h2>
      <svg class="distribution" data-testid="distribution" viewBox=${`0 0 ${WIDTH} ${height}`} role="img" aria-label="tasks by worker over time">
        ${rows.map(
          (r) => html`
            <g data-testid="worker-row" data-worker=${r.worker}>
              <text class="row-label" x="4" y=${r.top + r.height / 2 + 4}>${workerName(job, r.worker)}</text>
              <line class="row-line" x1=${LABEL} x2=${WIDTH - 10} y1=${r.top + r.height} y2=${r.top + r.height} />
              ${r.mine.map((a) => {
                const y = r.top + GAP / 2 + r.laneOf.get(a) * LANE + (LANE - BAR) / 2
                const rendered = a.committedMs ?? a.endMs
                const frames = a.frameStart === a.frameEnd ? `frame ${a.frameStart}` : `frames ${a.frameStart}-${a.frameEnd}`
                return html`
                  <g class=${`attempt outcome-${a.outcome}`} data-testid="attempt" data-task=${a.task} data-attempt=${a.attempt} data-outcome=${a.outcome} data-worker=${r.worker}>
                    <title>task ${a.task} (${frames}), lease ${a.attempt} on ${workerName(job, r.worker)}: ${a.outcome}; rendered in ${seconds(rendered - a.leasedMs)}${a.committedMs === undefined ? '' : `, checked in ${seconds(a.endMs - a.committedMs)}`}</title>
                    <rect class="render" x=${x(a.leasedMs)} y=${y} width=${Math.max(2, x(rendered) - x(a.leasedMs))} height=${BAR} />
                    ${a.committedMs === undefined ? null : html`<rect class="check" x=${x(a.committedMs)} y=${y} width=${Math.max(1, x(a.endMs) - x(a.committedMs))} height=${BAR} />`}
                  </g>
                `
              })}
            </g>
          `
        )}
        <text class="axis" x=${LABEL} y=${height - 6}>0 s</text>
        <text class="axis" x=${WIDTH - 10} y=${height - 6} text-anchor="end">${seconds(end - start)}</text>
      </svg>
      <p class="muted">Bars run from each lease to the creator's decision; the lighter end is the check. Hover a bar for its task and times.</p>
    </section>
  `
}
