// The ten transactions of the Ledger interface, written once for both
// implementations: each method becomes one call (the Move function name and
// the method's arguments) handed to `send`, which the dev ledger signs for
// its chain and the Sui adapter turns into a Sui transaction. Reads differ
// too much to share and stay with each implementation.
import { LedgerUnavailableError } from './errors.ts'
import type {
  AssignTaskArgs,
  CommitReceipt,
  CommitResultArgs,
  CreateJobArgs,
  LedgerRole,
  SubmitVerdictArgs,
  TxReceipt
} from './types.ts'

/** One ledger transaction as data, named by its Move function (contracts/LEDGER-API.md). */
export type TxCall =
  | { fn: 'register'; role: LedgerRole; stake: bigint }
  | { fn: 'add_stake'; amount: bigint }
  | { fn: 'request_withdraw' }
  | { fn: 'withdraw' }
  | ({ fn: 'create_job' } & CreateJobArgs)
  | ({ fn: 'assign_task' } & AssignTaskArgs)
  | ({ fn: 'commit_result' } & CommitResultArgs)
  | ({ fn: 'submit_verdict' } & SubmitVerdictArgs)
  | { fn: 'cancel_job'; jobId: string }
  | { fn: 'close_job'; jobId: string }

/** The transaction half of a Ledger; `R` is the implementation's receipt. */
export abstract class CallLedger<R extends TxReceipt = TxReceipt> {
  /** Executes `call` as this node; throws a LedgerError if the ledger refuses it. */
  protected abstract send(call: TxCall): Promise<R>

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
}
