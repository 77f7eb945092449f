// The Ledger interface (../types.ts) on Sui: each call of
// contracts/LEDGER-API.md becomes one transaction built by ./contracts.ts,
// signed with the node's key and executed through an injected transport
// (a SuiGrpcClient in production, a fake in tests). Events come back
// decoded; aborts come back as the LedgerError of the same name. Gas is
// paid from the node's own SUI coins (./gas.ts). Given a place for cursors,
// the ledger also follows the package's events (./follower.ts).

import type { ClientWithCoreApi, SuiClientTypes } from '@mysten/sui/client'
import type { Signer } from '@mysten/sui/cryptography'
import type { Transaction } from '@mysten/sui/transactions'
import { normalizeSuiAddress, toHex } from '@mysten/sui/utils'
import { CallLedger } from '../call-ledger.ts'
import { ConfigError } from '../../errors.ts'
import type { Logger } from '../../log.ts'
import { LedgerError, LedgerUnavailableError } from '../errors.ts'
import type { ChainJob, ChainNode, ChainTask, EventQuery, Ledger, LedgerEvent, TxReceipt } from '../types.ts'
import { type Bytes32, isJobCall, type LedgerCall, toBytes32, transactionFor } from './calls.ts'
import { parseSuiLedgerConfig, type SuiLedgerConfig } from './config.ts'
import { errorFromExecution, errorFromTransport } from './errors.ts'
import { decodeEvents, type SuiEventBody, toLedgerBody } from './events.ts'
import { type CursorStore, type FollowOptions, SuiEventFollower, type SuiEventSource } from './follower.ts'
import { gasPayment } from './gas.ts'
import { SuiReader, type SuiTransport } from './reader.ts'
import { checkSetup } from './setup-check.ts'
import type { RegistryFields } from './state.ts'

export type { SuiTransport } from './reader.ts'

/** A receipt with the Sui-level events too (JobCreated carries the Job object's id). */
export interface SuiTxReceipt extends TxReceipt {
  suiEvents: SuiEventBody[]
}

export interface SuiLedgerInit {
  /**
   * Where event cursors are kept: a sublevel (JSON values) of the node's
   * database. With it the ledger follows its package's events from start()
   * to stop(); without it, it does not follow.
   */
  cursors?: CursorStore
  /** The streaming gRPC services; by default the transport's own (a SuiGrpcClient has them). */
  events?: SuiEventSource
  follow?: Partial<FollowOptions>
  logger?: Logger
}

export class SuiLedger extends CallLedger<SuiTxReceipt> implements Ledger {
  readonly config: SuiLedgerConfig
  readonly address: string
  /** Delivers the package's events once each, in order (when constructed with `cursors`). */
  readonly follower: SuiEventFollower | undefined
  readonly #transport: SuiTransport
  readonly #signer: Signer
  readonly #packageIds: string[]
  readonly #reader: SuiReader

  constructor(transport: SuiTransport, signer: Signer, config: SuiLedgerConfig, init: SuiLedgerInit = {}) {
    super()
    this.#transport = transport
    this.#signer = signer
    this.config = parseSuiLedgerConfig(config)
    this.address = normalizeSuiAddress(signer.toSuiAddress())
    this.#packageIds = [this.config.packageId, ...(this.config.previousPackageIds ?? [])]
    this.#reader = new SuiReader(transport, this.config)
    this.follower = init.cursors === undefined ? undefined : this.#follower(transport, init.cursors, init)
  }

  #follower(transport: SuiTransport, cursors: CursorStore, init: SuiLedgerInit): SuiEventFollower {
    const source = init.events ?? (isEventSource(transport) ? transport : undefined)
    if (source === undefined) throw new ConfigError('following Sui events needs a gRPC client (SuiGrpcClient) as the transport')
    const follower = new SuiEventFollower({
      source,
      cursors,
      // Event types keep the package's original id across upgrades; one of these is it.
      eventTypes: this.#packageIds,
      packageIds: this.#packageIds,
      ...(init.follow === undefined ? {} : { options: init.follow }),
      ...(init.logger === undefined ? {} : { logger: init.logger })
    })
    // Jobs other nodes create resolve without a registry read.
    follower.subscribe((_event, { sui }) => {
      if (sui.type === 'JobCreated') this.#reader.learnJob(sui.jobId, sui.job)
    })
    return follower
  }

  /** Starts following events (with `cursors`); a damaged saved cursor fails here. */
  async start(): Promise<void> {
    await this.follower?.start()
  }

  async stop(): Promise<void> {
    await this.follower?.stop()
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

  /** Checks the settings against the chain at `url` (setup-check.ts); a ConfigError says what to fix. */
  checkSetup(url: string): Promise<void> {
    return checkSetup({ reader: this.#reader, config: this.config, url })
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
      ...(isJobCall(call) ? { jobObjectId: await this.#reader.resolveJob(call.jobId) } : {}),
      ...(call.fn === 'appeal' ? { checkerFee: await this.#appealFee(call.jobId) } : {})
    })
  }

  /** An appeal pays exactly the job's checker fee. */
  async #appealFee(jobId: Bytes32): Promise<bigint> {
    const id = toHex(toBytes32(jobId, 'jobId'))
    const job = await this.#reader.job(id)
    if (job === undefined) throw new LedgerError('EUnknownJob', `no job ${id}`)
    return job.checkerFee
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
      const listCoins = this.#transport.listCoins?.bind(this.#transport)
      if (client !== undefined && listCoins !== undefined) {
        const source = { listCoins, getBalance: this.#transport.getBalance.bind(this.#transport) }
        tx.addBuildPlugin(gasPayment({ source, owner: this.address, network: this.config.network }))
      }
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
    // Without effects the outcome is unknown: the caller re-reads before trying again.
    if (executed.effects == null || (executed.effects.transactionDigest !== undefined && executed.effects.transactionDigest !== executed.digest)) {
      throw new LedgerUnavailableError(`Sui: transaction ${executed.digest} came back without its effects`)
    }
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

function isEventSource(transport: SuiTransport): transport is SuiTransport & SuiEventSource {
  const t = transport as Partial<SuiEventSource>
  return typeof t.ledgerService?.listEvents === 'function' && typeof t.subscriptionService?.subscribeEvents === 'function'
}
