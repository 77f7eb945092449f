// The creator's persistent view of one job: everything needed to resume it
// after a restart lives in this one JSON document (one LevelDB key per job,
// so every update is written whole or not at all).
import type { JobSpec } from '../../../protocol/job/spec.ts'
import type { TaskState } from '../../../protocol/task/state-machine.ts'

export type JobStatus = 'active' | 'completed' | 'cancelled'

export interface AdmittedWorker {
  peerId: string
  /** Admitted bid, micro-PIC per reference frame. */
  price: number
  admittedMs: number
}

export interface FrameRecord {
  blobId: string
  pixelHash: string
  /** Hex public key of the worker whose result was accepted. */
  worker: string
  /** Hex public keys of the checkers whose verdicts accepted it. */
  checkedBy?: string[]
}

/** A creator's challenge of frames it already accepted (`pictor job reject`). */
export interface Dispute {
  taskIndex: number
  frames: number[]
  reason: string
  openedMs: number
  outcome: 'open' | 'upheld' | 'dismissed'
  detail?: string
}

export interface JobRecord {
  id: string
  spec: JobSpec
  nonce: string
  createdMs: number
  status: JobStatus
  tasks: TaskState[]
  /** By worker public key (hex). */
  admitted: Record<string, AdmittedWorker>
  /** By frame number. */
  frames: Record<string, FrameRecord>
  /** Micro-PIC owed per worker public key (decimal string: may exceed 2^53). */
  paid: Record<string, string>
  /** Results committed but not yet verified, by task index: re-verified after a restart. */
  pending: Record<string, PendingResult>
  /** Workers caught cheating on this job (hex public keys): excluded from it for good. */
  banned?: string[]
  /** Accepted results, by task index: what a dispute re-checks. */
  verified?: Record<string, PendingResult>
  disputes?: Dispute[]
  /** On-chain terms when the job's escrow is locked on a ledger. */
  ledger?: { maxFrameCost: string; checkerFee: string; escrow: string; refunded?: string }
  completedMs?: number
}

export interface PendingResult {
  worker: string
  workerPeer: string
  merkleRoot: string
  frames: { frame: number; blobId: string; pixelHash: string }[]
  /** The signed ResultCommitment envelope, hex. */
  envelope: string
}

export type FrameStatus = 'enqueued' | 'processing' | 'succeeded' | 'failed'

export interface JobView {
  id: string
  status: JobStatus
  spec: JobSpec
  createdMs: number
  completedMs?: number
  counts: Record<FrameStatus, number>
  frames: { frame: number; status: FrameStatus; worker?: string; attempts: number; checkedBy?: string[] }[]
  disputes: Dispute[]
  workers: { publicKey: string; peerId: string; price: number; frames: number; paid: string; banned: boolean }[]
  ledger?: JobRecord['ledger']
}

function frameStatus(task: TaskState): FrameStatus {
  switch (task.status) {
    case 'verified':
      return 'succeeded'
    case 'enqueued':
      return task.lastFailure === undefined ? 'enqueued' : 'failed'
    case 'failed':
    case 'cancelled':
      return 'failed'
    default:
      return 'processing'
  }
}

export function viewOf(job: JobRecord): JobView {
  const counts: Record<FrameStatus, number> = { enqueued: 0, processing: 0, succeeded: 0, failed: 0 }
  const frames: JobView['frames'] = []
  for (const task of job.tasks) {
    const status = frameStatus(task)
    for (let f = task.frameStart; f <= task.frameEnd; f++) {
      counts[status]++
      frames.push({ frame: f, status, worker: job.frames[f]?.worker ?? task.worker, attempts: task.attempts, checkedBy: job.frames[f]?.checkedBy })
    }
  }
  const framesBy: Record<string, number> = {}
  for (const f of Object.values(job.frames)) framesBy[f.worker] = (framesBy[f.worker] ?? 0) + 1
  const workers = Object.entries(job.admitted).map(([key, w]) => ({ publicKey: key, peerId: w.peerId, price: w.price, frames: framesBy[key] ?? 0, paid: job.paid[key] ?? '0', banned: (job.banned ?? []).includes(key) }))
  return { id: job.id, status: job.status, spec: job.spec, createdMs: job.createdMs, completedMs: job.completedMs, counts, frames, workers, ledger: job.ledger, disputes: job.disputes ?? [] }
}
