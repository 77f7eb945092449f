// Reads of the Sui ledger: the registry and its tables (dynamic fields), job
// objects, balances, and the event stream. The registry's table ids and the
// job id -> object id index never change once written, so they are cached.

import { bcs } from '@mysten/sui/bcs'
import type { SuiClientTypes } from '@mysten/sui/client'
import { normalizeSuiAddress, toHex } from '@mysten/sui/utils'
import { LedgerError, LedgerUnavailableError } from '../errors.ts'
import type { ChainJob, ChainNode, ChainTask, EventQuery, LedgerEvent } from '../types.ts'
import { MAX_EVENTS_PER_QUERY } from '../types.ts'
import { type Bytes32, toAddress, toBytes32 } from './calls.ts'
import type { SuiLedgerConfig } from './config.ts'
import { errorFromTransport } from './errors.ts'
import { decodeEvents, toLedgerBody } from './events.ts'
import {
  type JobFields,
  parseJob,
  parseNode,
  parseRegistry,
  parseTask,
  type RegistryFields,
  toChainJob,
  toChainNode,
  toChainTask
} from './state.ts'

type WithEvents = { events: true }

/** What the ledger needs of a Sui client; `SuiGrpcClient` has all of it. */
export interface SuiTransport {
  /** Resolves object versions, coins and gas while building; without it every input must be a full ref. */
  readonly core?: unknown
  executeTransaction(options: {
    transaction: Uint8Array
    signatures: string[]
    include: { events: true; effects: true }
  }): Promise<SuiClientTypes.TransactionResult<{ events: true; effects: true }>>
  /** When present, called after execution so that reads see the new state. */
  waitForTransaction?(options: { digest: string }): Promise<unknown>
  /** The owner's coins of a type, paged; with `core`, gas is paid from them (./gas.ts). */
  listCoins?(options: { owner: string; coinType: string; limit: number; cursor: string | null }): Promise<SuiClientTypes.ListCoinsResponse>
  getObject(options: { objectId: string; include: { content: true } }): Promise<{ object: { type: string; content: Uint8Array } }>
  /** The base58 digest of the chain's genesis checkpoint: which network this is. */
  getChainIdentifier(): Promise<{ chainIdentifier: string }>
  getDynamicField(options: {
    parentId: string
    name: { type: string; bcs: Uint8Array }
  }): Promise<{ dynamicField: { value: { bcs: Uint8Array } } }>
  getBalance(options: { owner: string; coinType: string }): Promise<{ balance: { balance: string; addressBalance?: string } }>
  listTransactions(options: {
    filter: { function: string }
    after: string | null
    limit: number
    include: WithEvents
  }): Promise<{
    transactions: SuiClientTypes.TransactionResult<WithEvents>[]
    hasNextPage: boolean
    endCursor: string | null
  }>
}

const PAGE = 50

export class SuiReader {
  readonly #transport: SuiTransport
  readonly #config: SuiLedgerConfig
  readonly #packageIds: string[]
  readonly #jobs = new Map<string, string>()
  #registry: Promise<RegistryFields> | undefined
  // The event stream: every event of every successful transaction that
  // called the package, in ledger order; `seq` is the index here.
  readonly #log: LedgerEvent[] = []
  #cursor: string | null = null
  #syncing: Promise<void> = Promise.resolve()

  constructor(transport: SuiTransport, config: SuiLedgerConfig) {
    this.#transport = transport
    this.#config = config
    this.#packageIds = [config.packageId, ...(config.previousPackageIds ?? [])]
  }

  registry(): Promise<RegistryFields> {
    this.#registry ??= this.#object(this.#config.registryId)
      .then(parseRegistry)
      .catch((error: unknown) => {
        this.#registry = undefined
        throw error
      })
    return this.#registry
  }

  /** Which chain the transport reaches (networks.ts SUI_CHAIN_IDS); LedgerUnavailableError if none answers. */
  async chainIdentifier(): Promise<string> {
    return (await this.#read(() => this.#transport.getChainIdentifier())).chainIdentifier
  }

  /** The Move type of an object, e.g. `0x…::registry::Registry<0x2::sui::SUI>`; undefined if there is no such object. */
  async objectType(objectId: string): Promise<string | undefined> {
    try {
      const { object } = await this.#transport.getObject({ objectId: toAddress(objectId, 'objectId'), include: { content: true } })
      return object.type
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw errorFromTransport(error)
    }
  }

  /** Remembers a job created by a transaction this node just executed. */
  learnJob(jobId: string, objectId: string): void {
    this.#jobs.set(jobId, normalizeSuiAddress(objectId))
  }

  /** The object id of the job with this 32-byte id; EUnknownJob if there is none. */
  async resolveJob(jobId: Bytes32): Promise<string> {
    const key = toHex(toBytes32(jobId, 'jobId'))
    const known = this.#jobs.get(key)
    if (known !== undefined) return known
    const { jobsId } = await this.registry()
    const name = { type: 'vector<u8>', bcs: bcs.vector(bcs.u8()).serialize(toBytes32(key, 'jobId')).toBytes() }
    const value = await this.#field(jobsId, name)
    if (value === undefined) throw new LedgerError('EUnknownJob', `no job ${key}`)
    const objectId = normalizeSuiAddress(bcs.Address.parse(value))
    this.#jobs.set(key, objectId)
    return objectId
  }

  async node(address: string): Promise<ChainNode | undefined> {
    const owner = toAddress(address, 'address')
    const { nodesId } = await this.registry()
    const value = await this.#field(nodesId, { type: 'address', bcs: bcs.Address.serialize(owner).toBytes() })
    return value === undefined ? undefined : toChainNode(owner, parseNode(value))
  }

  async job(jobId: string): Promise<ChainJob | undefined> {
    const fields = await this.#jobFields(jobId).catch((error: unknown) => {
      if (error instanceof LedgerError && error.code === 'EUnknownJob') return undefined
      throw error
    })
    return fields === undefined ? undefined : toChainJob(fields)
  }

  async task(jobId: string, taskIndex: number): Promise<ChainTask> {
    const job = await this.#jobFields(jobId)
    if (!Number.isSafeInteger(taskIndex) || taskIndex < 0 || taskIndex >= job.taskCount) {
      throw new LedgerError('EBadArgs', `task ${taskIndex} is past the job's ${job.taskCount} tasks`)
    }
    const value = await this.#field(job.tasksId, { type: 'u64', bcs: bcs.u64().serialize(taskIndex).toBytes() })
    return toChainTask(value === undefined ? undefined : parseTask(value))
  }

  /** Spendable coins of the registry's coin type (stake is not counted). */
  async balance(address: string): Promise<bigint> {
    const owner = toAddress(address, 'address')
    const { balance } = await this.#read(() => this.#transport.getBalance({ owner, coinType: this.#config.coinType }))
    return BigInt(balance.balance)
  }

  async events(query: EventQuery = {}): Promise<LedgerEvent[]> {
    const from = Math.max(0, query.fromSeq ?? 0)
    const limit = Math.min(Math.max(1, query.limit ?? MAX_EVENTS_PER_QUERY), MAX_EVENTS_PER_QUERY)
    // One sync at a time: pages must be appended in order.
    const run = this.#syncing.then(() => this.#sync(from + limit))
    this.#syncing = run.catch(() => undefined)
    await run
    return this.#log.slice(from, from + limit)
  }

  async #sync(until: number): Promise<void> {
    for (;;) {
      if (this.#log.length >= until) return
      const page = await this.#read(() =>
        this.#transport.listTransactions({
          filter: { function: this.#config.packageId },
          after: this.#cursor,
          limit: PAGE,
          include: { events: true }
        })
      )
      for (const result of page.transactions) {
        const tx = result.$kind === 'Transaction' ? result.Transaction : result.FailedTransaction
        if (!tx.status.success) continue
        for (const decoded of decodeEvents(tx.events ?? [], this.#packageIds)) {
          const body = toLedgerBody(decoded)
          if (body === undefined) continue
          if (decoded.type === 'JobCreated') this.learnJob(decoded.jobId, decoded.job)
          this.#log.push({ ...body, seq: this.#log.length, txDigest: tx.digest, timestampMs: tx.timestampMs ?? 0 })
        }
      }
      if (page.endCursor !== null) this.#cursor = page.endCursor
      if (!page.hasNextPage) return
    }
  }

  async #jobFields(jobId: string): Promise<JobFields> {
    return parseJob(await this.#object(await this.resolveJob(jobId)))
  }

  async #object(objectId: string): Promise<Uint8Array> {
    const { object } = await this.#read(() => this.#transport.getObject({ objectId, include: { content: true } }))
    return object.content
  }

  async #field(parentId: string, name: { type: string; bcs: Uint8Array }): Promise<Uint8Array | undefined> {
    try {
      const { dynamicField } = await this.#transport.getDynamicField({ parentId, name })
      return dynamicField.value.bcs
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw errorFromTransport(error)
    }
  }

  async #read<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read()
    } catch (error) {
      if (error instanceof LedgerError) throw error
      throw new LedgerUnavailableError(`Sui read failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error
      })
    }
  }
}

function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { reason, message } = error as { reason?: unknown; message?: unknown }
  return (
    reason === 'notFound' ||
    reason === 'deleted' ||
    (typeof message === 'string' && /not.?found|does not exist/i.test(message))
  )
}
