// What the job API serves for one job: the CLI, the testnet and (later) the
// dashboard all read this. Frame states and counts come from the protocol's
// summariseProgress, so every surface reports the same numbers.
import { type FrameStatus, type JobSpec, summariseProgress, type TaskState } from '../../../protocol/index.ts'
import type { RemoteRef } from '../../blobs/index.ts'
import { type FrameStage, stageOf } from './frame-stage.ts'
import { amountsOf, type JobAmounts } from './job-amounts.ts'
import type { Dispute, JobRecord, JobStatus } from './job-record.ts'
import { deadlineOf } from './scheduler.ts'
import { type AttemptSpan, attemptSpans } from './task-attempts.ts'
import { alertsOf, analyseTiming, type TaskAlert, type TimingAnalysis } from './timing.ts'

export interface JobView {
  id: string
  status: JobStatus
  spec: JobSpec
  createdMs: number
  completedMs?: number
  /** When the creator signed the job off (`pictor job accept`). */
  acceptedMs?: number
  counts: Record<FrameStatus, number> & { total: number }
  /** `walrus`: where the accepted frame also lives on Walrus (the worker published it there). `stage`: finer than `status` (frame-stage.ts). */
  frames: { frame: number; status: FrameStatus; stage?: FrameStage; worker?: string; attempts: number; checkedBy?: string[]; unchecked?: boolean; walrus?: RemoteRef }[]
  /** Accepted frames that no checker saw (accepted on integrity alone: none was available). */
  unchecked: number
  disputes: Dispute[]
  workers: { publicKey: string; peerId: string; price: number; frames: number; paid: string; banned: boolean }[]
  ledger?: JobRecord['ledger']
  /** Escrow, paid and refundable amounts, when the job's escrow is on a ledger (job-amounts.ts). */
  amounts?: JobAmounts
  /** Each recorded attempt at each task as a span on its worker, oldest first (task-attempts.ts). */
  taskAttempts?: AttemptSpan[]
  /** Why no worker has bid, one line each (bid-watch.ts); present only while an active job has had no bid for a while. */
  noBids?: string[]
  /** SPEC R53 step 7: no new leases from `atMs` on; once passed, the frames not done (none will be leased again). */
  deadline: { atMs: number; passed: boolean; undone: number[] }
  /** The creator's `--timeout-alert`, seconds. */
  timeoutAlertS?: number
  /** Tasks that ran longer than timeoutAlertS, newest first. */
  alerts: TaskAlert[]
  /** Which tasks ran long, on which workers, against the job's median task time. */
  timing: TimingAnalysis
}

/** `nowMs` decides whether the deadline has passed and how long running tasks have taken. */
export function viewOf(job: JobRecord, nowMs: number, noBids?: string[]): JobView {
  const progress = summariseProgress(job.tasks)
  const taskOf = new Map<number, TaskState>()
  for (const t of job.tasks) for (let f = t.frameStart; f <= t.frameEnd; f++) taskOf.set(f, t)
  const frames = progress.frames.map(({ frame, status }) => {
    const task = taskOf.get(frame)!
    const done = job.frames[frame]
    return { frame, status, stage: stageOf(job, task), worker: done?.worker ?? task.worker, attempts: task.attempts, checkedBy: done?.checkedBy, unchecked: done?.unchecked, walrus: done?.walrus }
  })
  const passed = nowMs >= deadlineOf(job)
  const framesBy: Record<string, number> = {}
  for (const f of Object.values(job.frames)) framesBy[f.worker] = (framesBy[f.worker] ?? 0) + 1
  const workers = Object.entries(job.admitted).map(([key, w]) => ({ publicKey: key, peerId: w.peerId, price: w.price, frames: framesBy[key] ?? 0, paid: job.paid[key] ?? '0', banned: (job.banned ?? []).includes(key) }))
  return {
    id: job.id,
    status: job.status,
    spec: job.spec,
    createdMs: job.createdMs,
    completedMs: job.completedMs,
    acceptedMs: job.acceptedMs,
    counts: progress.frameCounts,
    frames,
    unchecked: Object.values(job.frames).filter((f) => f.unchecked === true).length,
    workers,
    ledger: job.ledger,
    amounts: amountsOf(job),
    taskAttempts: attemptSpans(job, nowMs),
    noBids,
    disputes: job.disputes ?? [],
    deadline: { atMs: deadlineOf(job), passed, undone: passed ? frames.filter((f) => f.status !== 'succeeded').map((f) => f.frame) : [] },
    timeoutAlertS: job.timeoutAlertS,
    alerts: alertsOf(job, nowMs),
    timing: analyseTiming(job, nowMs)
  }
}
