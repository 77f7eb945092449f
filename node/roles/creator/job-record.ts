// The creator's persistent view of one job: everything needed to resume it
// after a restart lives in this one JSON document (one LevelDB key per job,
// so every update is written whole or not at all).
import type { JobSpec, TaskState } from '../../../protocol/index.ts'
import type { PendingResult } from './committed-result.ts'

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

/** A creator's challenge of frames it already accepted (`pictor job dispute`). */
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
