// The Ledger interface over a dev chain, acting as one node key: builds each
// call, signs it with the node's seed at the sender's next nonce, and hands
// it to a transport (in-process chain, or JSON-RPC to `pictor devchain`).
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { LedgerError, LedgerUnavailableError } from '../errors.ts'
import type {
  AssignTaskArgs,
  CommitReceipt,
  CommitResultArgs,
  CreateJobArgs,
  EventQuery,
  JobRecord,
  Ledger,
  LedgerEvent,
  NodeRecord,
  Role,
  SubmitVerdictArgs,
  TaskRecord,
  TxReceipt
} from '../types.ts'
import type { Call } from './calls.ts'
import type { ChainInfo, DevReceipt } from './chain.ts'
import { type SignedTx, signTx, suiAddressOf } from './tx.ts'

/** What a SigningLedger needs from a dev chain, wherever it runs. */
export interface DevTransport {
  info(): Promise<ChainInfo>
  nonce(address: string): Promise<number>
  submit(tx: SignedTx): Promise<DevReceipt>
  faucet(address: string, amount: bigint): Promise<DevReceipt>
  balance(address: string): Promise<bigint>
  node(address: string): Promise<NodeRecord | undefined>
  job(jobId: string): Promise<JobRecord | undefined>
  task(jobId: string, taskIndex: number): Promise<TaskRecord>
  events(fromSeq: number, limit?: number): Promise<LedgerEvent[]>
}

export interface SigningLedgerInit {
  transport: DevTransport
  /** The node's 32-byte Ed25519 seed. */
  seed: Uint8Array
  /**
   * How long to keep re-sending a signed transaction while the chain is
   * unreachable. Safe: the chain answers a transaction it already applied
   * with its original receipt, so a retry never applies twice.
   */
  retryForMs?: number
}

const RETRY_PAUSE_MS = 200

export class SigningLedger implements Ledger {
  readonly address: string
  protected readonly transport: DevTransport
  private readonly seed: Uint8Array
  private readonly retryForMs: number
  private chainId?: string
  /** One transaction of this key in flight at a time: nonces are sequential. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(init: SigningLedgerInit) {
    this.transport = init.transport
    this.seed = init.seed
    this.retryForMs = init.retryForMs ?? 5_000
    this.address = suiAddressOf(nodeEd25519.publicKey(init.seed))
  }

  register(role: Role, stake: bigint): Promise<TxReceipt> {
    return this.send({ call: 'register', role, stake })
  }

  addStake(amount: bigint): Promise<TxReceipt> {
    return this.send({ call: 'add_stake', amount })
  }

  requestWithdraw(): Promise<TxReceipt> {
    return this.send({ call: 'request_withdraw' })
  }

  withdraw(): Promise<TxReceipt> {
    return this.send({ call: 'withdraw' })
  }

  createJob(args: CreateJobArgs): Promise<TxReceipt> {
    return this.send({ call: 'create_job', ...args })
  }

  assignTask(args: AssignTaskArgs): Promise<TxReceipt> {
    return this.send({ call: 'assign_task', ...args })
  }

  async commitResult(args: CommitResultArgs): Promise<CommitReceipt> {
    const receipt = await this.send({ call: 'commit_result', ...args })
    const assigned = receipt.events.find((e) => e.type === 'CheckerAssigned')
    if (assigned?.type !== 'CheckerAssigned') throw new LedgerUnavailableError('commit_result receipt has no CheckerAssigned event')
    return { ...receipt, checker: assigned.checker, beacon: assigned.beacon }
  }

  submitVerdict(args: SubmitVerdictArgs): Promise<TxReceipt> {
    return this.send({ call: 'submit_verdict', ...args })
  }

  cancelJob(jobId: string): Promise<TxReceipt> {
    return this.send({ call: 'cancel_job', jobId })
  }

  closeJob(jobId: string): Promise<TxReceipt> {
    return this.send({ call: 'close_job', jobId })
  }

  balance(address: string): Promise<bigint> {
    return this.transport.balance(address)
  }

  node(address: string): Promise<NodeRecord | undefined> {
    return this.transport.node(address)
  }

  job(jobId: string): Promise<JobRecord | undefined> {
    return this.transport.job(jobId)
  }

  task(jobId: string, taskIndex: number): Promise<TaskRecord> {
    return this.transport.task(jobId, taskIndex)
  }

  events(query: EventQuery = {}): Promise<LedgerEvent[]> {
    return this.transport.events(query.fromSeq ?? 0, query.limit)
  }

  async faucet(address: string, amount: bigint): Promise<TxReceipt> {
    const { digest, events } = await this.transport.faucet(address, amount)
    return { digest, events }
  }

  /** The sender's last used nonce (dev ledger only). */
  nonce(): Promise<number> {
    return this.transport.nonce(this.address)
  }

  private send(call: Call): Promise<TxReceipt> {
    const run = this.queue.then(() => this.signAndSubmit(call))
    this.queue = run.catch(() => {})
    return run
  }

  private async signAndSubmit(call: Call): Promise<TxReceipt> {
    this.chainId ??= (await this.transport.info()).chainId
    for (let attempt = 0; ; attempt++) {
      const tx = signTx(this.seed, this.chainId, (await this.transport.nonce(this.address)) + 1, call)
      try {
        const { digest, events } = await this.submitWithRetry(tx)
        return { digest, events }
      } catch (err) {
        // Another process with the same key took the nonce between our read and submit: re-read once.
        if (err instanceof LedgerError && err.code === 'EBadNonce' && attempt === 0) continue
        throw err
      }
    }
  }

  private async submitWithRetry(tx: SignedTx): Promise<DevReceipt> {
    const deadline = Date.now() + this.retryForMs
    for (;;) {
      try {
        return await this.transport.submit(tx)
      } catch (err) {
        if (!(err instanceof LedgerUnavailableError) || Date.now() + RETRY_PAUSE_MS > deadline) throw err
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS))
      }
    }
  }
}
