// What `pictor job status` and `pictor job watch` say about a job's time:
// its deadline (SPEC R53 step 7) and the frames left undone after it, the
// tasks that ran longer than `--timeout-alert`, and the tasks that ran long
// against the job's median task time, on which workers. Built from the job
// view alone, as lines and table rows, so the output is tested without a node.
import type { JobView } from '../roles/creator/index.ts'
import { formatDuration } from './duration.ts'
import { printTable } from './table.ts'

/** Ascending frame numbers as ranges: [3, 4, 5, 9] -> "3-5, 9". */
export function frameRanges(frames: readonly number[]): string {
  const parts: string[] = []
  for (let i = 0; i < frames.length; ) {
    let j = i
    while (j + 1 < frames.length && frames[j + 1] === frames[j]! + 1) j++
    parts.push(i === j ? String(frames[i]) : `${frames[i]}-${frames[j]}`)
    i = j + 1
  }
  return parts.join(', ')
}

const short = (key: string) => `${key.slice(0, 12)}…`
const span = (a: { frameStart: number; frameEnd: number }) => (a.frameStart === a.frameEnd ? String(a.frameStart) : `${a.frameStart}-${a.frameEnd}`)

export function deadlineLine(view: JobView): string {
  const at = new Date(view.deadline.atMs).toISOString()
  if (!view.deadline.passed || (view.status !== 'active' && view.status !== 'expired')) return `${at} (timeout_stop ${formatDuration(view.spec.timeoutStopS * 1000)})`
  const undone = view.deadline.undone
  return `passed at ${at}: no new leases; ${undone.length} frame${undone.length === 1 ? '' : 's'} undone${undone.length === 0 ? '' : ` (${frameRanges(undone)})`}`
}

/** A job that ended at its deadline, or is about to (past it, nothing in flight): nothing more will happen to it. */
export const stoppedAtDeadline = (view: JobView): boolean => view.status === 'expired' || (view.status === 'active' && view.deadline.passed && view.counts.processing === 0)

export function alertLines(view: JobView): string[] {
  if (view.timeoutAlertS === undefined) return []
  const head = `tasks over ${formatDuration(view.timeoutAlertS * 1000)} (--timeout-alert): ${view.alerts.length}`
  return [head, ...view.alerts.map((a) => `  task ${a.task} (frames ${span(a)}) on ${short(a.worker)}: ${formatDuration(a.ms)}, ${a.state}, alerted ${new Date(a.alertedMs).toISOString()}`)]
}

export function timingLine(view: JobView): string {
  const t = view.timing
  if (t.medianMs === undefined) return `no task committed yet; ${t.long.length} over the alert`
  return `median task ${formatDuration(t.medianMs)} over ${t.committed} committed; ${t.long.length} ran long (over 2x the median or the alert)`
}

export const LONG_TASK_HEADER = ['task', 'frames', 'worker', 'time', 'x median', 'state']
export const longTaskRows = (view: JobView): string[][] =>
  view.timing.long.map((a) => [String(a.task), span(a), short(a.worker), formatDuration(a.ms), a.ratio === undefined ? '-' : `${a.ratio}x`, a.overAlert ? `${a.state}, alert` : a.state])

export const WORKER_TIMING_HEADER = ['worker', 'committed', 'median', 'long', 'expired']
export const workerTimingRows = (view: JobView): string[][] =>
  view.timing.workers.map((w) => [short(w.worker), String(w.committed), w.medianMs === undefined ? '-' : formatDuration(w.medianMs), String(w.long), String(w.expired)])

/** The `job status` section: deadline, alerts, the long tasks and each worker's task times. */
export function printTimeouts(view: JobView): void {
  console.log(`deadline ${deadlineLine(view)}`)
  for (const [i, line] of alertLines(view).entries()) console.log(i === 0 ? `alerts   ${line}` : line)
  console.log(`timing   ${timingLine(view)}`)
  if (view.timing.long.length > 0) printTable(LONG_TASK_HEADER, longTaskRows(view))
  if (view.timing.workers.length > 0) printTable(WORKER_TIMING_HEADER, workerTimingRows(view))
}
