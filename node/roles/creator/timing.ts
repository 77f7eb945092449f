// How long each attempt at each task took, and what that says: which tasks
// ran long, on which workers, against the job's median task time, and which
// crossed the creator's `--timeout-alert`. Pure: times are passed in. The
// scheduler records an attempt when it leases a task and marks it as the
// task is committed, expires or is settled; the job view reads the analysis.
import type { TaskState } from '../../../protocol/index.ts'
import type { JobRecord } from './job-record.ts'

export interface TaskAttempt {
  /** The task's `attempts` count once this lease was granted: 1 for the first. */
  attempt: number
  worker: string
  leasedMs: number
  committedMs?: number
  /** The lease ran out without a commitment. */
  expiredMs?: number
  /** When the creator decided the committed result's outcome. */
  decidedMs?: number
  outcome?: 'accepted' | 'refused' | 'unavailable'
  /** When the job's timeout alert was raised for this attempt. */
  alertedMs?: number
}

/** Attempts by task index, oldest first. */
export type JobTimings = Record<string, TaskAttempt[]>

/** Per task, only the newest attempts are kept: a task leased and lost over and over must not grow the job record without bound. */
export const MAX_TIMED_ATTEMPTS = 8
/** An attempt is long past this multiple of the job's median task time. */
export const LONG_FACTOR = 2
/** The analysis lists at most this many long attempts, longest first. */
export const MAX_LONG_ROWS = 20

export function withAttempt(job: JobRecord, taskIndex: number, attempt: TaskAttempt): JobRecord {
  const kept = [...(job.timings?.[taskIndex] ?? []), attempt].slice(-MAX_TIMED_ATTEMPTS)
  return { ...job, timings: { ...job.timings, [taskIndex]: kept } }
}

/** The job with one attempt's record updated; unchanged when that attempt was never recorded. */
export function withAttemptMarked(job: JobRecord, taskIndex: number, attempt: number, patch: Partial<TaskAttempt>): JobRecord {
  const attempts = job.timings?.[taskIndex]
  const at = attempts?.findIndex((a) => a.attempt === attempt) ?? -1
  if (attempts === undefined || at < 0) return job
  const next = attempts.slice()
  next[at] = { ...next[at], ...patch }
  return { ...job, timings: { ...job.timings, [taskIndex]: next } }
}

export type AttemptState = 'running' | 'committed' | 'expired'

/** How long the worker had the task (lease to commitment, or to expiry, or until now while it holds it); undefined when it let go otherwise. */
export function attemptSpan(task: TaskState, a: TaskAttempt, nowMs: number): { ms: number; state: AttemptState } | undefined {
  if (a.committedMs !== undefined) return { ms: a.committedMs - a.leasedMs, state: 'committed' }
  if (a.expiredMs !== undefined) return { ms: a.expiredMs - a.leasedMs, state: 'expired' }
  const holding = task.attempts === a.attempt && (task.status === 'leased' || task.status === 'rendered')
  return holding ? { ms: Math.max(0, nowMs - a.leasedMs), state: 'running' } : undefined
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2)
}

export interface TimedAttempt {
  task: number
  frameStart: number
  frameEnd: number
  attempt: number
  worker: string
  ms: number
  state: AttemptState
}

export interface LongAttempt extends TimedAttempt {
  /** ms / the job's median; undefined before any attempt was committed. */
  ratio?: number
  overAlert: boolean
}

export interface WorkerTiming {
  worker: string
  committed: number
  medianMs?: number
  /** Attempts of this worker among the long ones (committed, running or expired). */
  long: number
  expired: number
}

export interface TimingAnalysis {
  /** Median lease-to-commitment time of the committed attempts. */
  medianMs?: number
  committed: number
  long: LongAttempt[]
  workers: WorkerTiming[]
}

function timedAttempts(job: JobRecord, nowMs: number): (TimedAttempt & { record: TaskAttempt })[] {
  const out: (TimedAttempt & { record: TaskAttempt })[] = []
  for (const [index, attempts] of Object.entries(job.timings ?? {})) {
    const task = job.tasks[Number(index)]
    if (task === undefined) continue
    for (const a of attempts) {
      const span = attemptSpan(task, a, nowMs)
      if (span !== undefined) out.push({ task: task.index, frameStart: task.frameStart, frameEnd: task.frameEnd, attempt: a.attempt, worker: a.worker, ...span, record: a })
    }
  }
  return out
}

/** Long: over LONG_FACTOR x the median of committed attempts, or over the job's alert. */
export function analyseTiming(job: JobRecord, nowMs: number): TimingAnalysis {
  const attempts = timedAttempts(job, nowMs)
  const committed = attempts.filter((a) => a.state === 'committed')
  const medianMs = median(committed.map((a) => a.ms))
  const alertMs = job.timeoutAlertS === undefined ? undefined : job.timeoutAlertS * 1000
  const long: LongAttempt[] = []
  for (const { record: _r, ...a } of attempts) {
    const overMedian = medianMs !== undefined && a.ms > LONG_FACTOR * medianMs
    const overAlert = alertMs !== undefined && a.ms > alertMs
    if (overMedian || overAlert) long.push({ ...a, ratio: medianMs === undefined || medianMs === 0 ? undefined : Math.round((a.ms / medianMs) * 10) / 10, overAlert })
  }
  long.sort((a, b) => b.ms - a.ms || a.task - b.task)
  const byWorker = new Map<string, { spans: number[]; long: number; expired: number }>()
  const of = (worker: string) => byWorker.get(worker) ?? byWorker.set(worker, { spans: [], long: 0, expired: 0 }).get(worker)!
  for (const a of committed) of(a.worker).spans.push(a.ms)
  for (const a of attempts) if (a.state === 'expired') of(a.worker).expired++
  for (const a of long) of(a.worker).long++
  const workers = [...byWorker].map(([worker, w]) => ({ worker, committed: w.spans.length, medianMs: median(w.spans), long: w.long, expired: w.expired }))
  workers.sort((a, b) => b.long - a.long || b.expired - a.expired || a.worker.localeCompare(b.worker))
  return { medianMs, committed: committed.length, long: long.slice(0, MAX_LONG_ROWS), workers }
}

/** An attempt that ran longer than the job's `timeoutAlertS`. */
export interface TaskAlert extends TimedAttempt {
  alertedMs: number
}

/** The alerts raised so far, newest first. */
export function alertsOf(job: JobRecord, nowMs: number): TaskAlert[] {
  const alerts = timedAttempts(job, nowMs).flatMap(({ record, ...a }) => (record.alertedMs === undefined ? [] : [{ ...a, alertedMs: record.alertedMs }]))
  return alerts.sort((a, b) => b.alertedMs - a.alertedMs || a.task - b.task)
}

/**
 * Raises the alert on every attempt that has run longer than the job's
 * `timeoutAlertS` and has none yet (once per attempt). Returns the updated
 * job and the alerts raised, or undefined when there are none.
 */
export function raiseAlerts(job: JobRecord, nowMs: number): { job: JobRecord; raised: TaskAlert[] } | undefined {
  if (job.timeoutAlertS === undefined) return undefined
  const alertMs = job.timeoutAlertS * 1000
  const due = timedAttempts(job, nowMs).filter((a) => a.record.alertedMs === undefined && a.ms > alertMs)
  if (due.length === 0) return undefined
  let next = job
  for (const a of due) next = withAttemptMarked(next, a.task, a.attempt, { alertedMs: nowMs })
  return { job: next, raised: due.map(({ record: _r, ...a }) => ({ ...a, alertedMs: nowMs })) }
}
