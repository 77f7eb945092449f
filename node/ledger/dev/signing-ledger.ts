// The Ledger interface over a dev chain, acting as one node key: takes each
// call from ../call-ledger.ts, signs it with the node's seed at the sender's
// next nonce, and hands it to a transport (in-process chain, or JSON-RPC to
// `pictor devchain`).
//
// Transactions are pipelined: each takes the nonce after the last one's
// and is submitted at once, without waiting for the one before to be final,
// so a key lands as many transactions a block as it makes (a creator
// assigning hundreds of tasks at once; on Sui, too, one sender's
// transactions need not wait for each other). They are submitted in nonce
// order, which an in-process chain keeps (over JSON-RPC, which may reorder
// them, they go one at a time). When one fails, those after it fail their
// nonce; the nonce is then read again from the chain once nothing is in
// flight, and each transaction refused for its nonce is signed again.
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
  /** The chain applies submissions in the order they were made (in process): transactions may then be pipelined. Absent: one at a time. */
  keepsOrder?: boolean
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
/** Times a transaction is signed again after its nonce was refused (one before it failed, or another process used the key). */
const NONCE_ATTEMPTS = 8

export class SigningLedger extends CallLedger implements Ledger {
  readonly address: string
  protected readonly transport: DevTransport
  private readonly seed: Uint8Array
  private readonly retryForMs: number
  private chainId?: string
  /** The chain's registry, which calls on a job's tasks name (the Move functions take the Registry object). */
  private registry?: string
  /** The nonce the next transaction signs with; undefined: read from the chain once nothing is in flight. */
  private nextNonce?: number
  /** Transactions submitted and not yet answered. */
  private inFlight = 0
  /** Settled when inFlight drops to 0; made by the first caller that waits. */
  private whenIdle?: PromiseWithResolvers<void>
  /** Signing and submitting, one transaction at a time, so that they reach the chain in nonce order. */
  private submitting: Promise<unknown> = Promise.resolve()

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

  protected async send({ fn, ...args }: LedgerCall): Promise<TxReceipt> {
    // The dev chain names a call by `call`, the key of its signed wire form.
    const unbound = { call: fn, ...args } as Call
    for (let attempt = 1; ; attempt++) {
      const { receipt } = await this.submitNext(unbound)
      try {
        const { digest, events } = await receipt
        return { digest, events }
      } catch (err) {
        if (err instanceof LedgerError && err.code === 'EBadNonce' && attempt < NONCE_ATTEMPTS) continue
        throw err
      } finally {
        this.settled()
      }
    }
  }

  /** Signs the call at the next nonce and submits it, after the transactions made before it; the receipt is not waited for. */
  private submitNext(unbound: Call): Promise<{ receipt: Promise<DevReceipt> }> {
    const next = this.submitting.then(async () => {
      if (this.chainId === undefined || this.registry === undefined) ({ chainId: this.chainId, registry: this.registry } = await this.transport.info())
      // Over a connection that may reorder submissions (JSON-RPC), one at a time.
      if (this.nextNonce === undefined || this.transport.keepsOrder !== true) {
        while (this.inFlight > 0) await this.idle()
        this.nextNonce = (await this.transport.nonce(this.address)) + 1
      }
      const call = isRegistryBound(unbound.call) ? { ...unbound, registry: this.registry } : unbound
      const tx = signTx(this.seed, this.chainId, this.nextNonce++, call)
      this.inFlight++
      // Submitted here, before the next transaction is signed: the chain gets them in nonce order.
      const receipt = this.submitWithRetry(tx)
      // A failed transaction leaves its nonce unused: read it again before the next.
      receipt.catch(() => {
        this.nextNonce = undefined
      })
      return { receipt }
    })
    this.submitting = next.catch(() => {})
    return next
  }

  private settled(): void {
    this.inFlight--
    if (this.inFlight > 0) return
    this.whenIdle?.resolve()
    this.whenIdle = undefined
  }

  /** Resolves once no transaction is in flight. */
  private idle(): Promise<void> {
    this.whenIdle ??= Promise.withResolvers<void>()
    return this.whenIdle.promise
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
