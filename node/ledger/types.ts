// The ledger seam: one interface, two implementations with the same
// semantics (contracts/LEDGER-API.md): the embedded dev ledger
// (node/ledger/dev/) and the Sui adapter (node/ledger/sui/).
//
// Conventions: amounts are u64 micro-PIC as bigint (decimal strings on any
// wire); counts and indexes are safe-integer numbers; addresses are Sui
// addresses (0x + 64 lowercase hex); job ids, Merkle roots and beacons are 64
// lowercase hex characters without 0x; times are ms since the epoch.
// Every transaction method throws a LedgerError (errors.ts) when the ledger
// refuses it, and then nothing changed.

export const ROLE = { creator: 1, worker: 2, checker: 3 } as const
export type LedgerRole = (typeof ROLE)[keyof typeof ROLE]
export type LedgerRoleName = keyof typeof ROLE
export const ROLE_NAMES: Record<LedgerRole, LedgerRoleName> = { 1: 'creator', 2: 'worker', 3: 'checker' }

export const U64_MAX = (1n << 64n) - 1n

/** Set once at genesis (dev ledger) or at publish/init (Move package). */
export interface LedgerParams {
  minStake: bigint
  slashAmount: bigint
  withdrawDelayMs: number
}

export const DEFAULT_LEDGER_PARAMS: LedgerParams = {
  minStake: 1_000_000n,
  slashAmount: 1_000_000n,
  withdrawDelayMs: 7 * 24 * 3600 * 1000
}

export interface ChainNode {
  address: string
  role: LedgerRole
  stake: bigint
  /** Tasks of this worker that were verified / rejected: its reputation. */
  verified: number
  rejected: number
  /** 0 until request_withdraw; afterwards the node takes no tasks and checks nothing. */
  withdrawAt: number
}

export type ChainJobStatus = 'open' | 'cancelled' | 'closed'

export interface ChainJob {
  jobId: string
  creator: string
  taskCount: number
  frameCount: number
  maxFrameCost: bigint
  checkerFee: bigint
  /** What the job still holds: locked escrow minus payouts and refunds. */
  escrow: bigint
  /** The part of `escrow` promised to Assigned/Committed tasks (frames x frame cost + checker fee each). */
  reserved: bigint
  status: ChainJobStatus
  verifiedTasks: number
  /** Tasks in Assigned or Committed state. */
  pendingTasks: number
}

interface TaskTerms {
  worker: string
  frames: number
  frameCost: bigint
}

interface TaskResult extends TaskTerms {
  merkleRoot: string
  checker: string
  beacon: string
}

/**
 * A task that was never assigned, or whose result was rejected, is Open.
 * `attempts` counts assignments (a rejection reopens the task).
 */
export type ChainTask =
  | { state: 'open'; attempts: number }
  | ({ state: 'assigned'; attempts: number } & TaskTerms)
  | ({ state: 'committed'; attempts: number } & TaskResult)
  | ({ state: 'verified'; attempts: number } & TaskResult)

export type ChainTaskState = ChainTask['state']

/**
 * Event payloads, named as in the Move package (fields camelCased; Move's
 * ResultCommitted.root is `merkleRoot` here), emitted in the same order.
 */
export type LedgerEventBody =
  | { type: 'NodeRegistered'; node: string; role: LedgerRole; stake: bigint }
  | { type: 'StakeAdded'; node: string; amount: bigint; stake: bigint }
  | { type: 'WithdrawRequested'; node: string; withdrawAt: number }
  | { type: 'Withdrawn'; node: string; amount: bigint }
  | { type: 'JobCreated'; jobId: string; creator: string; taskCount: number; frameCount: number; maxFrameCost: bigint; checkerFee: bigint; escrow: bigint }
  | { type: 'TaskAssigned'; jobId: string; taskIndex: number; worker: string; frames: number; frameCost: bigint }
  | { type: 'ResultCommitted'; jobId: string; taskIndex: number; worker: string; merkleRoot: string }
  | { type: 'CheckerAssigned'; jobId: string; taskIndex: number; checker: string; beacon: string }
  | { type: 'VerdictSubmitted'; jobId: string; taskIndex: number; checker: string; accepted: boolean }
  | { type: 'WorkerPaid'; jobId: string; taskIndex: number; worker: string; amount: bigint }
  | { type: 'CheckerPaid'; jobId: string; taskIndex: number; checker: string; amount: bigint }
  | { type: 'WorkerSlashed'; jobId: string; taskIndex: number; worker: string; amount: bigint; toChecker: bigint; toCreator: bigint }
  | { type: 'JobCancelled'; jobId: string; refunded: bigint }
  | { type: 'JobClosed'; jobId: string; refunded: bigint }
  | { type: 'Refunded'; jobId: string; creator: string; amount: bigint }
  /** Dev ledger only: the faucet. Sui has no such event. */
  | { type: 'Minted'; address: string; amount: bigint }

export type LedgerEventType = LedgerEventBody['type']

export type LedgerEvent = LedgerEventBody & {
  /** Position in the ledger's event stream, from 0, without gaps. */
  seq: number
  /** The transaction that emitted it. */
  txDigest: string
  timestampMs: number
}

export interface TxReceipt {
  digest: string
  events: LedgerEvent[]
}

export interface CommitReceipt extends TxReceipt {
  /** Chosen by the beacon after the commitment was final. */
  checker: string
  beacon: string
}

export interface CreateJobArgs {
  jobId: string
  taskCount: number
  frameCount: number
  maxFrameCost: bigint
  checkerFee: bigint
  /** Must be >= frameCount x maxFrameCost + taskCount x checkerFee. */
  escrow: bigint
}

export interface AssignTaskArgs {
  jobId: string
  taskIndex: number
  worker: string
  frames: number
  frameCost: bigint
}

export interface CommitResultArgs {
  jobId: string
  taskIndex: number
  merkleRoot: string
}

export interface SubmitVerdictArgs {
  jobId: string
  taskIndex: number
  accepted: boolean
}

export interface EventQuery {
  /** First event to return (default 0). */
  fromSeq?: number
  /** At most this many (default and cap: MAX_EVENTS_PER_QUERY). */
  limit?: number
}

export const MAX_EVENTS_PER_QUERY = 1000

/** A ledger handle acting as one node key (`address`). */
export interface Ledger {
  readonly address: string

  register(role: LedgerRole, stake: bigint): Promise<TxReceipt>
  addStake(amount: bigint): Promise<TxReceipt>
  requestWithdraw(): Promise<TxReceipt>
  withdraw(): Promise<TxReceipt>
  createJob(args: CreateJobArgs): Promise<TxReceipt>
  assignTask(args: AssignTaskArgs): Promise<TxReceipt>
  commitResult(args: CommitResultArgs): Promise<CommitReceipt>
  submitVerdict(args: SubmitVerdictArgs): Promise<TxReceipt>
  cancelJob(jobId: string): Promise<TxReceipt>
  closeJob(jobId: string): Promise<TxReceipt>

  /** Spendable balance (not counting stake). */
  balance(address: string): Promise<bigint>
  node(address: string): Promise<ChainNode | undefined>
  job(jobId: string): Promise<ChainJob | undefined>
  /** Throws EUnknownJob for an unknown job and EBadArgs for an index past its last task. */
  task(jobId: string, taskIndex: number): Promise<ChainTask>
  events(query?: EventQuery): Promise<LedgerEvent[]>

  /** Dev ledger only: mints to `address`. The Sui adapter throws. */
  faucet(address: string, amount: bigint): Promise<TxReceipt>
}
