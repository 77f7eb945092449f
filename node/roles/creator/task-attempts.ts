// Every recorded attempt at every task as a span of time on one worker:
// what the dashboard's task distribution graph draws (a row per worker, a
// bar per attempt). Read from the timings the scheduler records (timing.ts,
// at most MAX_TIMED_ATTEMPTS per task). Pure: `nowMs` ends open spans.
import type { JobRecord } from './job-record.ts'
import type { TaskAttempt } from './timing.ts'

/**
 * running: the worker holds the lease. committed: its result is being
 * verified. accepted, refused, unavailable: the creator's decision on the
 * result. expired: the lease ran out. ended: let go otherwise (the job was
 * cancelled, or the worker was caught cheating elsewhere in the job).
 */
export type AttemptOutcome = 'running' | 'committed' | 'accepted' | 'refused' | 'unavailable' | 'expired' | 'ended'

export interface AttemptSpan {
  task: number
  frameStart: number
  frameEnd: number
  /** 1 for the task's first lease. */
  attempt: number
  /** Hex public key. */
  worker: string
  leasedMs: number
  /** When the worker committed its result, if it did. */
  committedMs?: number
  /** When the span ends: the decision, the expiry, or `nowMs` while it is still open. */
  endMs: number
  outcome: AttemptOutcome
}

function spanOf(job: JobRecord, taskIndex: number, a: TaskAttempt, nowMs: number): AttemptSpan | undefined {
  const task = job.tasks[taskIndex]
  if (task === undefined) return undefined
  const current = task.attempts === a.attempt
  let outcome: AttemptOutcome
  let endMs: number
  if (a.decidedMs !== undefined && a.outcome !== undefined) [outcome, endMs] = [a.outcome, a.decidedMs]
  else if (a.expiredMs !== undefined) [outcome, endMs] = ['expired', a.expiredMs]
  else if (current && task.status === 'committed') [outcome, endMs] = ['committed', nowMs]
  else if (current && (task.status === 'leased' || task.status === 'rendered')) [outcome, endMs] = ['running', nowMs]
  else [outcome, endMs] = ['ended', a.committedMs ?? a.leasedMs]
  return { task: taskIndex, frameStart: task.frameStart, frameEnd: task.frameEnd, attempt: a.attempt, worker: a.worker, leasedMs: a.leasedMs, committedMs: a.committedMs, endMs: Math.max(endMs, a.leasedMs), outcome }
}

/** Oldest lease first. */
export function attemptSpans(job: JobRecord, nowMs: number): AttemptSpan[] {
  const spans: AttemptSpan[] = []
  for (const [index, attempts] of Object.entries(job.timings ?? {})) {
    for (const a of attempts) {
      const span = spanOf(job, Number(index), a, nowMs)
      if (span !== undefined) spans.push(span)
    }
  }
  return spans.sort((a, b) => a.leasedMs - b.leasedMs || a.task - b.task || a.attempt - b.attempt)
}
