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
  /** How long after a verdict the job's creator or the task's worker may appeal it. */
  appealWindowMs: number
  /** An Assigned task may be reclaimed by its creator this long after its assignment. */
  commitTimeoutMs: number
  /** A Committed task's checker may be redrawn by anyone this long after the commitment (or the last redraw). */
  verdictTimeoutMs: number
  /** Open tasks a worker may hold per minStake of its stake. */
  tasksPerMinStake: number
  /** At most this many active checkers (ERegistryFull). */
  maxCheckers: number
}

export const DEFAULT_LEDGER_PARAMS: LedgerParams = {
  minStake: 1_000_000n,
  slashAmount: 1_000_000n,
  withdrawDelayMs: 7 * 24 * 3600 * 1000,
  appealWindowMs: 10 * 60 * 1000,
  commitTimeoutMs: 3600 * 1000,
  verdictTimeoutMs: 3600 * 1000,
  tasksPerMinStake: 16,
  maxCheckers: 10_000
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
  /** Assigned and Committed tasks it works, and verdicts it owes: withdraw() refuses while above 0 (EOpenWork). */
  openTasks: number
}

export type ChainJobStatus = 'open' | 'cancelled' | 'closed'

export interface ChainJob {
  jobId: string
  creator: string
  /** The registry the job was created in; calls on its tasks must name it (ERegistryMismatch). */
  registry: string
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
  /** Appeal fees paid in and not yet paid to the appeal's checker (not part of `escrow`). */
  appealFees: bigint
}

/** A task's last verdict, kept for an appeal (a rejected task forgets its worker, checker and root). */
export interface ChainVerdict {
  worker: string
  checker: string
  merkleRoot: string
  accepted: boolean
  /** Ledger time of the verdict: the appeal window starts here. */
  atMs: number
  /** One appeal per verdict. */
  appealed: boolean
}

/** The last appeal on a task: a copy of the verdict it is about, and the checker drawn to judge it. */
export interface ChainAppeal {
  appellant: string
  worker: string
  verdictChecker: string
  merkleRoot: string
  verdictAccepted: boolean
  checker: string
  beacon: string
  /** Closed: judged, or cancelled (then `cancelled` too). */
  judged: boolean
  /** After it the appellant may cancelAppeal an unjudged appeal: appeal time + VERDICT_TIMEOUT_MS. */
  deadlineMs: number
  cancelled: boolean
}

interface TaskTerms {
  worker: string
  frames: number
  frameCost: bigint
  /**
   * Ledger time the next step is due by: Assigned, the commitment (then the
   * creator may reclaim_task); Committed, the verdict (then anyone may
   * redraw_checker). 0 once Verified.
   */
  deadline: number
}

interface TaskResult extends TaskTerms {
  merkleRoot: string
  checker: string
  beacon: string
  /** Checkers redrawn for this commitment after missing their deadline. */
  redraws: number
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
  /** All of `amount` went to the job's creator. */
  | { type: 'WorkerSlashed'; jobId: string; taskIndex: number; worker: string; amount: bigint }
  | { type: 'JobCancelled'; jobId: string; refunded: bigint }
  | { type: 'JobClosed'; jobId: string; refunded: bigint }
  | { type: 'Refunded'; jobId: string; creator: string; amount: bigint }
  | { type: 'TaskReclaimed'; jobId: string; taskIndex: number; worker: string }
  | { type: 'JobToppedUp'; jobId: string; creator: string; amount: bigint; escrow: bigint }
  /** Followed by CheckerAssigned (a new checker) or WorkerPaid (none left: paid unchecked). */
  | { type: 'CheckerTimedOut'; jobId: string; taskIndex: number; checker: string }
  | {
      type: 'AppealOpened'
      jobId: string
      taskIndex: number
      appellant: string
      worker: string
      verdictChecker: string
      merkleRoot: string
      checker: string
      beacon: string
      fee: bigint
    }
  /** `slashed` (0 unless overturned) went from `verdictChecker`'s stake to `slashedTo`; `fee` to `checker`. */
  | {
      type: 'AppealJudged'
      jobId: string
      taskIndex: number
      checker: string
      accepted: boolean
      overturned: boolean
      verdictChecker: string
      slashed: bigint
      slashedTo: string
      fee: bigint
    }
  /** The appellant took `fee` back from an appeal `checker` did not judge by its deadline. */
  | { type: 'AppealCancelled'; jobId: string; taskIndex: number; appellant: string; checker: string; fee: bigint }
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

/** The appeal's checker, drawn by the beacon after the appeal was final. */
export interface AppealReceipt extends TxReceipt {
  checker: string
  beacon: string
}

export interface CreateJobArgs {
  jobId: string
  taskCount: number
  frameCount: number
  maxFrameCost: bigint
  checkerFee: bigint
  /** Must be >= frameCount x maxFrameCost + 2 x taskCount x checkerFee (a re-check per task). */
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

export interface ReclaimTaskArgs {
  jobId: string
  taskIndex: number
}

export interface RedrawCheckerArgs {
  jobId: string
  taskIndex: number
}

export interface TopUpJobArgs {
  jobId: string
  amount: bigint
}

export interface AppealArgs {
  jobId: string
  taskIndex: number
}

export interface JudgeAppealArgs {
  jobId: string
  taskIndex: number
  accepted: boolean
}

export interface CancelAppealArgs {
  jobId: string
  taskIndex: number
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
  /** Background work a ledger runs while the node does (Sui: following its package's events). */
  start?(): Promise<void>
  stop?(): Promise<void>

  register(role: LedgerRole, stake: bigint): Promise<TxReceipt>
  addStake(amount: bigint): Promise<TxReceipt>
  requestWithdraw(): Promise<TxReceipt>
  withdraw(): Promise<TxReceipt>
  createJob(args: CreateJobArgs): Promise<TxReceipt>
  assignTask(args: AssignTaskArgs): Promise<TxReceipt>
  commitResult(args: CommitResultArgs): Promise<CommitReceipt>
  submitVerdict(args: SubmitVerdictArgs): Promise<TxReceipt>
  /** The job's creator or the last verdict's worker appeals it, paying one checker fee. */
  appeal(args: AppealArgs): Promise<AppealReceipt>
  judgeAppeal(args: JudgeAppealArgs): Promise<TxReceipt>
  /** The appellant, once an unjudged appeal's deadline passed: its fee back, the task appealable again. */
  cancelAppeal(args: CancelAppealArgs): Promise<TxReceipt>
  cancelJob(jobId: string): Promise<TxReceipt>
  closeJob(jobId: string): Promise<TxReceipt>
  /** The job's creator, once an Assigned task's deadline passed: Open again, its reservation released. */
  reclaimTask(args: ReclaimTaskArgs): Promise<TxReceipt>
  /** Anyone, once a Committed task's deadline passed: another checker, or the worker paid unchecked. */
  redrawChecker(args: RedrawCheckerArgs): Promise<TxReceipt>
  /** The job's creator adds escrow, until the job is closed. */
  topUpJob(args: TopUpJobArgs): Promise<TxReceipt>

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
