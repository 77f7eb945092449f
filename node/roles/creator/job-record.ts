// The creator's persistent view of one job: everything needed to resume it
// after a restart. The creator works on it as one plain object, never
// changed in place (each update is a new object), but for its two
// per-worker maps, `admitted` and `paid`: a job's successive records share
// them and they are updated in place, an entry replaced whole, so that a
// bid or a payment costs O(1) and not a copy of every worker's entry (a job
// may have thousands of bidders). The job store keeps the record in LevelDB
// in parts, per task and per worker, so that an update writes what changed
// (job-layout.ts, job-store.ts), atomically.
import type { JobSpec, TaskState } from '../../../protocol/index.ts'
import type { RemoteRef } from '../../blobs/index.ts'
import type { PendingResult } from './committed-result.ts'
import type { JobTimings } from './timing.ts'

/** `expired`: its deadline passed with frames undone (SPEC R53 7a). */
export type JobStatus = 'active' | 'completed' | 'cancelled' | 'expired'

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
  /** Bytes of the frame file and where it also lives on Walrus, when the worker said. */
  size?: number
  walrus?: RemoteRef
  /** Hex public keys of the checkers whose verdicts accepted it. */
  checkedBy?: string[]
  /** Accepted on integrity alone: no checker was available, or none answered. */
  unchecked?: boolean
}

/** A creator's challenge of frames it already accepted (`pictor job dispute`). */
export interface Dispute {
  taskIndex: number
  frames: number[]
  reason: string
  openedMs: number
  /** 're-rendered': no independent checker could judge it, so another worker rendered the task again. */
  outcome: 'open' | 'upheld' | 'dismissed' | 're-rendered'
  detail?: string
  /** Set while the task is rendered again: whose result was disputed, its pixel hashes by frame (to tell what changed). */
  rerender?: { from: string; pixelHashes: Record<string, string>; by?: string; changedFrames?: number[] }
}

/**
 * Whether the ledger agrees that a completed job is done: every task
 * verified there (its worker and checker paid) and the job closed. Until
 * then it says which tasks the ledger still holds back, and why.
 */
export interface LedgerSettlement {
  /** settled: closed, every task paid; pending: closing is retried while verdicts arrive; failed: the ledger will not settle on its own. */
  state: 'settled' | 'pending' | 'failed'
  /** Indexes of the tasks the ledger has not verified, lowest first (at most MAX_LISTED_UNSETTLED of them). */
  unsettledTasks: number[]
  /** How many tasks the ledger has not verified in all. */
  unsettledCount: number
  /** Why, in one line; empty once settled. */
  reason: string
  checkedMs: number
}

export interface JobRecord {
  id: string
  spec: JobSpec
  nonce: string
  createdMs: number
  status: JobStatus
  tasks: TaskState[]
  /** By worker public key (hex). Shared by the job's records and updated in place (withAdmitted). */
  admitted: Record<string, AdmittedWorker>
  /** By frame number. */
  frames: Record<string, FrameRecord>
  /** Micro-PIC owed per worker public key (decimal string: may exceed 2^53). Shared by the job's records and updated in place (acceptResult). */
  paid: Record<string, string>
  /** Results committed but not yet verified, by task index: re-verified after a restart. */
  pending: Record<string, PendingResult>
  /** Workers caught cheating on this job (hex public keys): excluded from it for good. */
  banned?: string[]
  /** Accepted results, by task index: what a dispute re-checks. */
  verified?: Record<string, PendingResult>
  disputes?: Dispute[]
  /** On-chain terms when the job's escrow is locked on a ledger. */
  ledger?: { maxFrameCost: string; checkerFee: string; escrow: string; refunded?: string; settlement?: LedgerSettlement }
  completedMs?: number
  /** Creator-side (not announced): warn when a task runs longer than this (`--timeout-alert`). */
  timeoutAlertS?: number
  /** Lease, commitment and outcome times of each task's attempts (timing.ts). */
  timings?: JobTimings
  /** When the creator signed the completed job off (`pictor job accept`); no dispute is taken after it. */
  acceptedMs?: number
}
