// Job progress as a user reads it: every frame in one of four buckets, plus
// counts, derived from task states alone. The creator's job view (what the
// API serves to the CLI, the testnet and a dashboard) is built on this, so
// every surface reports the same numbers.
import type { TaskState, TaskStatus } from '../task/state-machine.ts'

export type FrameStatus = 'enqueued' | 'processing' | 'succeeded' | 'failed'

const FRAME_STATUS: Record<TaskStatus, FrameStatus> = {
  enqueued: 'enqueued',
  leased: 'processing',
  rendered: 'processing',
  // Committed frames are not paid for until a checker accepts them.
  committed: 'processing',
  verified: 'succeeded',
  failed: 'failed',
  cancelled: 'failed'
}

export interface JobProgress {
  /** One entry per frame, ascending by frame number. */
  frames: { frame: number; status: FrameStatus }[]
  frameCounts: Record<FrameStatus, number> & { total: number }
  taskCounts: Record<TaskStatus, number> & { total: number }
  /** Every task verified or cancelled. */
  done: boolean
  /** Succeeded frames / all frames, 0 for an empty job. */
  fraction: number
}

/** A task back in the queue after a failure is still "failed" to its user until it is leased again (a retry). */
export function frameStatusOf(task: Pick<TaskState, 'status' | 'lastFailure'>): FrameStatus {
  return task.status === 'enqueued' && task.lastFailure !== undefined ? 'failed' : FRAME_STATUS[task.status]
}

export function summariseProgress(tasks: readonly TaskState[]): JobProgress {
  const frameCounts = { enqueued: 0, processing: 0, succeeded: 0, failed: 0, total: 0 }
  const taskCounts = { enqueued: 0, leased: 0, rendered: 0, committed: 0, verified: 0, failed: 0, cancelled: 0, total: 0 }
  const frames: JobProgress['frames'] = []
  for (const task of [...tasks].sort((a, b) => a.frameStart - b.frameStart)) {
    const status = frameStatusOf(task)
    taskCounts[task.status]++
    taskCounts.total++
    for (let frame = task.frameStart; frame <= task.frameEnd; frame++) {
      frames.push({ frame, status })
      frameCounts[status]++
      frameCounts.total++
    }
  }
  return {
    frames,
    frameCounts,
    taskCounts,
    done: tasks.every((t) => t.status === 'verified' || t.status === 'cancelled'),
    fraction: frameCounts.total === 0 ? 0 : frameCounts.succeeded / frameCounts.total
  }
}
