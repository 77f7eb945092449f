// A creator's dispute of frames it had accepted (`pictor job dispute`):
// which tasks it opens, who may not judge it, how a finished full check
// settles it, and how a re-render settles it when no checker could. Pure;
// the service runs the check (and the re-render) in between.
import type { Dispute, JobRecord } from './job-record.ts'
import { banWorker, deadlineOf, revokeTask } from './scheduler.ts'
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

/** Why the job takes no dispute now, or undefined when it does. */
export function disputeClosed(job: JobRecord): string | undefined {
  if (job.acceptedMs !== undefined) return `job ${job.id} was accepted: its frames are no longer disputed`
  // A cancelled job grants no lease, so a task could not be rendered again.
  if (job.status === 'cancelled') return `job ${job.id} is cancelled: its frames are no longer disputed`
  return undefined
}

/**
 * The dispute's outcome from a full, independent check (SPEC R53 6b).
 * Accepted by an independent checker: dismissed. Refused: upheld, and the
 * worker is treated as caught cheating (banned, its work on the job
 * revoked). No independent checker (none available, none answered) or the
 * check could not run: nobody can judge the frames, so the task is rendered
 * again by another worker (revokeTask) and the dispute waits, open, until
 * finishRerender settles it as re-rendered. Past the job's deadline no task
 * is leased again (R53 step 7): then nothing can judge the frames, and they
 * stand (dismissed, saying why).
 */
export function settleDispute(job: JobRecord, dispute: Dispute, outcome: ResultOutcome, nowMs: number): { job: JobRecord; upheld: boolean; rerender: boolean } {
  const settle = (from: JobRecord, changes: Partial<Dispute>): JobRecord => ({
    ...from,
    disputes: (from.disputes ?? []).map((d) => (d.taskIndex === dispute.taskIndex && d.openedMs === dispute.openedMs ? { ...d, ...changes } : d))
  })
  const disputed = job.verified![dispute.taskIndex]!
  if (outcome.accepted && (outcome.checkedBy ?? []).length > 0) {
    return { job: settle(job, { outcome: 'dismissed', detail: 'an independent full check accepted the frames' }), upheld: false, rerender: false }
  }
  if (!outcome.accepted && !outcome.unavailable) {
    return { job: banWorker(settle(job, { outcome: 'upheld', detail: outcome.reason }), disputed.worker, `dispute: ${dispute.reason}`), upheld: true, rerender: false }
  }
  const why = outcome.accepted ? 'no independent checker was available' : `could not check: ${outcome.reason}`
  if (nowMs >= deadlineOf(job)) return { job: settle(job, { outcome: 'dismissed', detail: `${why}, and the job's deadline has passed, so the task cannot be rendered again: the frames stand` }), upheld: false, rerender: false }
  const rerender = { from: disputed.worker, pixelHashes: Object.fromEntries(disputed.frames.map((f) => [f.frame, f.pixelHash])) }
  const detail = `${why}; task ${dispute.taskIndex} is being rendered again by another worker`
  return { job: revokeTask(settle(job, { detail, rerender }), dispute.taskIndex, `dispute: ${dispute.reason}`), upheld: false, rerender: true }
}

/**
 * Once a task rendered again for a dispute has a new accepted result, the
 * dispute is re-rendered: the new frames replace the disputed ones, and the
 * detail names the new worker and the frames whose pixels changed (a
 * deterministic render repeats its pixels; a difference says one of the two
 * workers rendered it wrong, not which).
 */
export function finishRerender(job: JobRecord, taskIndex: number): JobRecord {
  const result = job.verified?.[taskIndex]
  const waiting = (d: Dispute) => d.taskIndex === taskIndex && d.outcome === 'open' && d.rerender !== undefined && d.rerender.from !== result?.worker
  if (result === undefined || job.tasks[taskIndex]?.status !== 'verified' || !(job.disputes ?? []).some(waiting)) return job
  const disputes = job.disputes!.map((d) => {
    if (!waiting(d)) return d
    const changedFrames = result.frames.filter((f) => d.rerender!.pixelHashes[f.frame] !== f.pixelHash).map((f) => f.frame)
    const detail = `rendered again by worker ${result.worker.slice(0, 12)}…: ${changedFrames.length === 0 ? 'pixels identical to the disputed result' : `frames ${changedFrames.join(',')} differ from the disputed result`}`
    return { ...d, outcome: 're-rendered' as const, detail, rerender: { ...d.rerender!, by: result.worker, changedFrames } }
  })
  return { ...job, disputes }
}
