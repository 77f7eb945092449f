// What the job API serves for one job: the CLI, the testnet and (later) the
// dashboard all read this. Frame states and counts come from the protocol's
// summariseProgress, so every surface reports the same numbers.
import { type FrameStatus, type JobSpec, summariseProgress, type TaskState } from '../../../protocol/index.ts'
import type { Dispute, JobRecord, JobStatus } from './job-record.ts'

export interface JobView {
  id: string
  status: JobStatus
  spec: JobSpec
  createdMs: number
  completedMs?: number
  counts: Record<FrameStatus, number> & { total: number }
  frames: { frame: number; status: FrameStatus; worker?: string; attempts: number; checkedBy?: string[] }[]
  disputes: Dispute[]
  workers: { publicKey: string; peerId: string; price: number; frames: number; paid: string; banned: boolean }[]
  ledger?: JobRecord['ledger']
}

export function viewOf(job: JobRecord): JobView {
  const progress = summariseProgress(job.tasks)
  const taskOf = new Map<number, TaskState>()
  for (const t of job.tasks) for (let f = t.frameStart; f <= t.frameEnd; f++) taskOf.set(f, t)
  const frames = progress.frames.map(({ frame, status }) => {
    const task = taskOf.get(frame)!
    return { frame, status, worker: job.frames[frame]?.worker ?? task.worker, attempts: task.attempts, checkedBy: job.frames[frame]?.checkedBy }
  })
  const framesBy: Record<string, number> = {}
  for (const f of Object.values(job.frames)) framesBy[f.worker] = (framesBy[f.worker] ?? 0) + 1
  const workers = Object.entries(job.admitted).map(([key, w]) => ({ publicKey: key, peerId: w.peerId, price: w.price, frames: framesBy[key] ?? 0, paid: job.paid[key] ?? '0', banned: (job.banned ?? []).includes(key) }))
  return {
    id: job.id,
    status: job.status,
    spec: job.spec,
    createdMs: job.createdMs,
    completedMs: job.completedMs,
    counts: progress.frameCounts,
    frames,
    workers,
    ledger: job.ledger,
    disputes: job.disputes ?? []
  }
}
