// The Ledger interface (../types.ts) on Sui: each call of
// contracts/LEDGER-API.md becomes one transaction built by ./contracts.ts,
// signed with the node's key and executed through an injected transport
// (a SuiGrpcClient in production, a fake in tests). Events come back
// decoded; aborts come back as the LedgerError of the same name.

import type { ClientWithCoreApi, SuiClientTypes } from '@mysten/sui/client'
import type { Signer } from '@mysten/sui/cryptography'
import type { Transaction } from '@mysten/sui/transactions'
import { normalizeSuiAddress } from '@mysten/sui/utils'
import { CallLedger } from '../call-ledger.ts'
import { LedgerError } from '../errors.ts'
import type { ChainJob, ChainNode, ChainTask, EventQuery, Ledger, LedgerEvent, TxReceipt } from '../types.ts'
import { isJobCall, type LedgerCall, transactionFor } from './calls.ts'
import { parseSuiLedgerConfig, type SuiLedgerConfig } from './config.ts'
import { errorFromExecution, errorFromTransport } from './errors.ts'
import { decodeEvents, type SuiEventBody, toLedgerBody } from './events.ts'
import { SuiReader, type SuiTransport } from './reader.ts'
import type { RegistryFields } from './state.ts'

export type { SuiTransport } from './reader.ts'

/** A receipt with the Sui-level events too (JobCreated carries the Job object's id). */
export interface SuiTxReceipt extends TxReceipt {
  suiEvents: SuiEventBody[]
}

export class SuiLedger extends CallLedger<SuiTxReceipt> implements Ledger {
  readonly config: SuiLedgerConfig
  readonly address: string
  readonly #transport: SuiTransport
  readonly #signer: Signer
  readonly #packageIds: string[]
  readonly #reader: SuiReader

  constructor(transport: SuiTransport, signer: Signer, config: SuiLedgerConfig) {
    super()
    this.#transport = transport
    this.#signer = signer
    this.config = parseSuiLedgerConfig(config)
    this.address = normalizeSuiAddress(signer.toSuiAddress())
    this.#packageIds = [this.config.packageId, ...(this.config.previousPackageIds ?? [])]
    this.#reader = new SuiReader(transport, this.config)
  }

  // === Reads ===

  balance(address: string): Promise<bigint> {
    return this.#reader.balance(address)
  }

  node(address: string): Promise<ChainNode | undefined> {
    return this.#reader.node(address)
  }

  job(jobId: string): Promise<ChainJob | undefined> {
    return this.#reader.job(jobId)
  }

  task(jobId: string, taskIndex: number): Promise<ChainTask> {
    return this.#reader.task(jobId, taskIndex)
  }

  events(query?: EventQuery): Promise<LedgerEvent[]> {
    return this.#reader.events(query)
  }

  /** The registry's constants and table ids. */
  registry(): Promise<RegistryFields> {
    return this.#reader.registry()
  }

  /** The Job object holding this job id's escrow; EUnknownJob if none. */
  resolveJob(jobId: string): Promise<string> {
    return this.#reader.resolveJob(jobId)
  }

  async faucet(): Promise<TxReceipt> {
    throw new LedgerError('EMalformed', `Sui ${this.config.network} has no pictor faucet: fund ${this.address} with ${this.config.coinType}`)
  }

  // === Transactions ===

  async send(call: LedgerCall): Promise<SuiTxReceipt> {
    return this.execute(await this.prepare(call))
  }

  /** The unsigned transaction for `call`; a job id is resolved to its object here. */
  async prepare(call: LedgerCall): Promise<Transaction> {
    return transactionFor(call, {
      packageId: this.config.packageId,
      coinType: this.config.coinType,
      registryId: this.config.registryId,
      ...(isJobCall(call) ? { jobObjectId: await this.#reader.resolveJob(call.jobId) } : {})
    })
  }

  /**
   * Signs and executes `tx` as this node; throws LedgerError if it aborts.
   * Receipt events carry `seq: -1`: a transaction's place in the event
   * stream is known once indexed, and `events()` reports it.
   */
  async execute(tx: Transaction): Promise<SuiTxReceipt> {
    tx.setSenderIfNotSet(this.address)
    if (this.config.gasBudget !== undefined) tx.setGasBudgetIfNotSet(this.config.gasBudget)
    let result: SuiClientTypes.TransactionResult<{ events: true; effects: true }>
    try {
      const client = this.#transport.core === undefined ? undefined : (this.#transport as unknown as ClientWithCoreApi)
      const bytes = await tx.build(client === undefined ? {} : { client })
      const { signature } = await this.#signer.signTransaction(bytes)
      result = await this.#transport.executeTransaction({
        transaction: bytes,
        signatures: [signature],
        include: { events: true, effects: true }
      })
    } catch (error) {
      throw errorFromTransport(error)
    }
    const executed = result.$kind === 'Transaction' ? result.Transaction : result.FailedTransaction
    if (!executed.status.success) throw errorFromExecution(executed.status.error, this.#packageIds)
    const suiEvents = decodeEvents(executed.events ?? [], this.#packageIds)
    const events: LedgerEvent[] = []
    const timestampMs = executed.timestampMs ?? Date.now()
    for (const event of suiEvents) {
      if (event.type === 'JobCreated') this.#reader.learnJob(event.jobId, event.job)
      const body = toLedgerBody(event)
      if (body !== undefined) events.push({ ...body, seq: -1, txDigest: executed.digest, timestampMs })
    }
    if (this.#transport.waitForTransaction !== undefined) {
      // The transaction is final already; waiting only makes reads see it, so a failure here is not its failure.
      await this.#transport.waitForTransaction({ digest: executed.digest }).catch(() => undefined)
    }
    return { digest: executed.digest, events, suiEvents }
  }
}
