// A frame's stage, finer than the protocol's four progress buckets
// (summariseProgress), for the dashboard's frame grid. Read from what the
// creator already keeps: the task's state machine, the result it is
// verifying (`pending`), the outcome of the task's last attempt (timings)
// and open disputes. Pure.
import type { TaskState } from '../../../protocol/index.ts'
import type { JobRecord } from './job-record.ts'

/**
 * queued: waiting for a worker. rendering: a worker holds the lease.
 * committed: the worker committed a result the creator has not taken up yet.
 * checking: the result (or, for a disputed frame, the accepted one) is being
 * verified. verified: accepted. rejected: back in the queue because its
 * result was refused, or taken back (a worker caught cheating, a dispute
 * sent for a re-render). failed: back in the queue after a result that could
 * not be had, or ended undone (cancelled, expired).
 */
export const FRAME_STAGES = ['queued', 'rendering', 'committed', 'checking', 'verified', 'rejected', 'failed'] as const
export type FrameStage = (typeof FRAME_STAGES)[number]

/** The stage every frame of `task` is in (a task's frames move together). */
export function stageOf(job: JobRecord, task: TaskState): FrameStage {
  switch (task.status) {
    case 'enqueued':
      return task.lastFailure === undefined ? 'queued' : requeuedStage(job, task)
    case 'leased':
    case 'rendered':
      return 'rendering'
    case 'committed':
      return job.pending[task.index] === undefined ? 'committed' : 'checking'
    case 'verified':
      // A dispute re-checks the accepted result before it decides anything.
      return (job.disputes ?? []).some((d) => d.taskIndex === task.index && d.outcome === 'open' && d.rerender === undefined) ? 'checking' : 'verified'
    case 'failed':
    case 'cancelled':
      return 'failed'
  }
}

/**
 * A task back in the queue after a failure. Its last attempt says why:
 * refused by a check, or accepted and then taken back (only revocation
 * requeues an accepted task), is a rejection; anything else (the result
 * could not be fetched, the lease ran out) a failure.
 */
function requeuedStage(job: JobRecord, task: TaskState): FrameStage {
  const last = job.timings?.[task.index]?.at(-1)
  return last?.outcome === 'refused' || last?.outcome === 'accepted' ? 'rejected' : 'failed'
}
