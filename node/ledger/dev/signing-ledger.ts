// The Ledger interface over a dev chain, acting as one node key: takes each
// call from ../call-ledger.ts, signs it with the node's seed at the sender's next nonce, and hands
// it to a transport (in-process chain, or JSON-RPC to `pictor devchain`).
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { CallLedger, type LedgerCall } from '../call-ledger.ts'
import { LedgerError, LedgerUnavailableError } from '../errors.ts'
import type { ChainJob, ChainNode, ChainTask, EventQuery, Ledger, LedgerEvent, TxReceipt } from '../types.ts'
import { type Call, isRegistryBound } from './calls.ts'
import type { ChainInfo, DevReceipt } from './chain.ts'
import { type SignedTx, signTx, suiAddressOf } from './tx.ts'

/** What a SigningLedger needs from a dev chain, wherever it runs. */
export interface DevTransport {
  info(): Promise<ChainInfo>
  nonce(address: string): Promise<number>
  submit(tx: SignedTx): Promise<DevReceipt>
  faucet(address: string, amount: bigint): Promise<DevReceipt>
  balance(address: string): Promise<bigint>
  node(address: string): Promise<ChainNode | undefined>
  job(jobId: string): Promise<ChainJob | undefined>
  task(jobId: string, taskIndex: number): Promise<ChainTask>
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

export class SigningLedger extends CallLedger implements Ledger {
  readonly address: string
  protected readonly transport: DevTransport
  private readonly seed: Uint8Array
  private readonly retryForMs: number
  private chainId?: string
  /** The chain's registry, which calls on a job's tasks name (the Move functions take the Registry object). */
  private registry?: string
  /** One transaction of this key in flight at a time: nonces are sequential. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(init: SigningLedgerInit) {
    super()
    this.transport = init.transport
    this.seed = init.seed
    this.retryForMs = init.retryForMs ?? 5_000
    this.address = suiAddressOf(nodeEd25519.publicKey(init.seed))
  }

  balance(address: string): Promise<bigint> {
    return this.transport.balance(address)
  }

  node(address: string): Promise<ChainNode | undefined> {
    return this.transport.node(address)
  }

  job(jobId: string): Promise<ChainJob | undefined> {
    return this.transport.job(jobId)
  }

  task(jobId: string, taskIndex: number): Promise<ChainTask> {
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

  protected send({ fn, ...args }: LedgerCall): Promise<TxReceipt> {
    // The dev chain names a call by `call`, the key of its signed wire form.
    const call = { call: fn, ...args } as Call
    const run = this.queue.then(() => this.signAndSubmit(call))
    this.queue = run.catch(() => {})
    return run
  }

  private async signAndSubmit(unbound: Call): Promise<TxReceipt> {
    if (this.chainId === undefined || this.registry === undefined) ({ chainId: this.chainId, registry: this.registry } = await this.transport.info())
    const call = isRegistryBound(unbound.call) ? { ...unbound, registry: this.registry } : unbound
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
