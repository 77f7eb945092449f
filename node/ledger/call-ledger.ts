// The transactions of the Ledger interface, written once for both
// implementations: each method becomes one call (the Move function name and
// the method's arguments) handed to `send`, which the dev ledger signs for
// its chain and the Sui adapter turns into a Sui transaction. Reads differ
// too much to share and stay with each implementation.
import { LedgerUnavailableError } from './errors.ts'
import type {
  AppealArgs,
  AppealReceipt,
  AssignTaskArgs,
  CancelAppealArgs,
  CommitReceipt,
  CommitResultArgs,
  CreateJobArgs,
  JudgeAppealArgs,
  LedgerRole,
  ReclaimTaskArgs,
  RedrawCheckerArgs,
  SubmitVerdictArgs,
  TopUpJobArgs,
  TxReceipt
} from './types.ts'

/** How a call's values are written: each implementation may take them looser at its boundary. */
export interface CallValues {
  amount: unknown
  count: unknown
  bytes32: unknown
  role: unknown
}

/** The Ledger's own form (types.ts): u64 as bigint, counts as numbers, 32 bytes as hex. */
export interface LedgerValues {
  amount: bigint
  count: number
  bytes32: string
  role: LedgerRole
}

/** A call that takes nothing but its sender. */
type NoArgs = Record<never, never>

/**
 * The ledger's transactions, declared once for every implementation: the Move
 * function name (contracts/LEDGER-API.md) and its arguments. The dev ledger's
 * signed wire form and the Sui adapter's transaction builders are both typed
 * from it, so a call added here must be added to both.
 */
export interface LedgerCallArgs<V extends CallValues = LedgerValues> {
  register: { role: V['role']; stake: V['amount'] }
  add_stake: { amount: V['amount'] }
  request_withdraw: NoArgs
  withdraw: NoArgs
  create_job: {
    jobId: V['bytes32']
    taskCount: V['count']
    frameCount: V['count']
    maxFrameCost: V['amount']
    checkerFee: V['amount']
    escrow: V['amount']
  }
  assign_task: { jobId: V['bytes32']; taskIndex: V['count']; worker: string; frames: V['count']; frameCost: V['amount'] }
  commit_result: { jobId: V['bytes32']; taskIndex: V['count']; merkleRoot: V['bytes32'] }
  submit_verdict: { jobId: V['bytes32']; taskIndex: V['count']; accepted: boolean }
  cancel_job: { jobId: V['bytes32'] }
  close_job: { jobId: V['bytes32'] }
  appeal: { jobId: V['bytes32']; taskIndex: V['count'] }
  judge_appeal: { jobId: V['bytes32']; taskIndex: V['count']; accepted: boolean }
  cancel_appeal: { jobId: V['bytes32']; taskIndex: V['count'] }
  reclaim_task: { jobId: V['bytes32']; taskIndex: V['count'] }
  redraw_checker: { jobId: V['bytes32']; taskIndex: V['count'] }
  top_up_job: { jobId: V['bytes32']; amount: V['amount'] }
}

export type LedgerCallName = keyof LedgerCallArgs

/** One ledger transaction as data, named by its Move function. */
export type LedgerCall<V extends CallValues = LedgerValues> = {
  [N in LedgerCallName]: { fn: N } & LedgerCallArgs<V>[N]
}[LedgerCallName]

/** The transaction half of a Ledger; `R` is the implementation's receipt. */
export abstract class CallLedger<R extends TxReceipt = TxReceipt> {
  /** Executes `call` as this node; throws a LedgerError if the ledger refuses it. */
  protected abstract send(call: LedgerCall): Promise<R>

  register(role: LedgerRole, stake: bigint): Promise<R> {
    return this.send({ fn: 'register', role, stake })
  }

  addStake(amount: bigint): Promise<R> {
    return this.send({ fn: 'add_stake', amount })
  }

  requestWithdraw(): Promise<R> {
    return this.send({ fn: 'request_withdraw' })
  }

  withdraw(): Promise<R> {
    return this.send({ fn: 'withdraw' })
  }

  createJob(args: CreateJobArgs): Promise<R> {
    return this.send({ fn: 'create_job', ...args })
  }

  assignTask(args: AssignTaskArgs): Promise<R> {
    return this.send({ fn: 'assign_task', ...args })
  }

  async commitResult(args: CommitResultArgs): Promise<CommitReceipt & R> {
    const receipt = await this.send({ fn: 'commit_result', ...args })
    const assigned = receipt.events.find((e) => e.type === 'CheckerAssigned')
    if (assigned?.type !== 'CheckerAssigned') {
      throw new LedgerUnavailableError(`commit_result ${receipt.digest} has no CheckerAssigned event`)
    }
    return { ...receipt, checker: assigned.checker, beacon: assigned.beacon }
  }

  submitVerdict(args: SubmitVerdictArgs): Promise<R> {
    return this.send({ fn: 'submit_verdict', ...args })
  }

  cancelJob(jobId: string): Promise<R> {
    return this.send({ fn: 'cancel_job', jobId })
  }

  closeJob(jobId: string): Promise<R> {
    return this.send({ fn: 'close_job', jobId })
  }

  async appeal(args: AppealArgs): Promise<AppealReceipt & R> {
    const receipt = await this.send({ fn: 'appeal', ...args })
    const opened = receipt.events.find((e) => e.type === 'AppealOpened')
    if (opened?.type !== 'AppealOpened') throw new LedgerUnavailableError(`appeal ${receipt.digest} has no AppealOpened event`)
    return { ...receipt, checker: opened.checker, beacon: opened.beacon }
  }

  judgeAppeal(args: JudgeAppealArgs): Promise<R> {
    return this.send({ fn: 'judge_appeal', ...args })
  }

  cancelAppeal(args: CancelAppealArgs): Promise<R> {
    return this.send({ fn: 'cancel_appeal', ...args })
  }

  reclaimTask(args: ReclaimTaskArgs): Promise<R> {
    return this.send({ fn: 'reclaim_task', ...args })
  }

  redrawChecker(args: RedrawCheckerArgs): Promise<R> {
    return this.send({ fn: 'redraw_checker', ...args })
  }

  topUpJob(args: TopUpJobArgs): Promise<R> {
    return this.send({ fn: 'top_up_job', ...args })
  }
}
