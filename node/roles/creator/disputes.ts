// A creator's dispute of frames it had accepted (`pictor job dispute`):
// which tasks it opens, who may not judge it, and how a finished full check
// settles it. Pure; the service runs the check in between.
import type { Dispute, JobRecord } from './job-record.ts'
import { banWorker } from './scheduler.ts'
import type { ResultOutcome } from './verifier.ts'

/** One dispute per task holding any of `frames`, for tasks with an accepted result; empty when none qualifies. */
export function openDisputes(job: JobRecord, frames: readonly number[], reason: string, nowMs: number): Dispute[] {
  const disputes: Dispute[] = []
  for (const task of job.tasks) {
    const mine = frames.filter((f) => task.frameStart <= f && f <= task.frameEnd)
    if (mine.length === 0 || task.status !== 'verified' || job.verified?.[task.index] === undefined) continue
    disputes.push({ taskIndex: task.index, frames: [...new Set(mine)], reason, openedMs: nowMs, outcome: 'open' })
  }
  return disputes
}

/** Checkers that already passed the task's frames: a dispute is judged by others. */
export function earlierCheckers(job: JobRecord, taskIndex: number): string[] {
  const result = job.verified?.[taskIndex]
  return [...new Set((result?.frames ?? []).flatMap((f) => job.frames[f.frame]?.checkedBy ?? []))]
}

/**
 * The dispute's outcome from a full, independent check. Accepted by an
 * independent checker: dismissed. No checker, or the check could not run:
 * it stays open, with the reason. Refused: upheld, and the worker is
 * treated as caught cheating (banned, its work on the job revoked).
 */
export function settleDispute(job: JobRecord, dispute: Dispute, outcome: ResultOutcome): { job: JobRecord; upheld: boolean } {
  const settle = (result: Dispute['outcome'], detail: string): JobRecord => ({
    ...job,
    disputes: (job.disputes ?? []).map((d) => (d.taskIndex === dispute.taskIndex && d.openedMs === dispute.openedMs ? { ...d, outcome: result, detail } : d))
  })
  if (outcome.accepted) {
    const independent = (outcome.checkedBy ?? []).length > 0
    return { job: settle(independent ? 'dismissed' : 'open', independent ? 'an independent full check accepted the frames' : 'no independent checker was available'), upheld: false }
  }
  if (outcome.unavailable) return { job: settle('open', `could not check: ${outcome.reason}`), upheld: false }
  const worker = job.verified![dispute.taskIndex]!.worker
  return { job: banWorker(settle('upheld', outcome.reason), worker, `dispute: ${dispute.reason}`), upheld: true }
}
