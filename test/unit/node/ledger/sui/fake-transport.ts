// A SuiTransport with no network: objects and dynamic fields from maps, and
// executeTransaction answering with whatever the test queued. BCS contents
// are encoded from the same layouts the adapter decodes with.

import { bcs } from '@mysten/sui/bcs'
import type { SuiClientTypes } from '@mysten/sui/client'
import { normalizeSuiAddress, toHex } from '@mysten/sui/utils'
import { beforeEach } from 'vitest'
import { FIELD_BCS, type Layout } from '../../../../../node/ledger/sui/events.ts'
import { JOB_LAYOUT, REGISTRY_LAYOUT } from '../../../../../node/ledger/sui/state.ts'
import { SuiLedger, type SuiTransport } from '../../../../../node/ledger/sui/sui-ledger.ts'
import { COIN_TYPE, JOB_OBJECT_ID, keypair, PACKAGE_ID, REGISTRY_ID, SENDER } from './offline.ts'

type Include = { events: true; effects: true }
export type Result = SuiClientTypes.TransactionResult<Include>

/** BCS of a struct with `layout`, from snake_case values. */
export function encode(layout: Layout, values: Record<string, unknown>): Uint8Array {
  const parts = Object.entries(layout).map(([field, kind]) => {
    if (!(field in values)) throw new Error(`missing ${field}`)
    return FIELD_BCS[kind].serialize(values[field] as never).toBytes()
  })
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export function event(eventType: string, bytes: Uint8Array): SuiClientTypes.Event {
  const [pkg, module] = eventType.split('::')
  return { packageId: pkg!, module: module!, sender: normalizeSuiAddress('0x1'), eventType, bcs: bytes, json: null }
}

export function success(events: SuiClientTypes.Event[], digest = 'D1gest', timestampMs: number | null = null): Result {
  return {
    $kind: 'Transaction',
    Transaction: {
      digest,
      signatures: [],
      epoch: '1',
      timestampMs,
      checkpoint: null,
      status: { success: true, error: null },
      balanceChanges: undefined,
      effects: {} as never,
      events,
      objectTypes: undefined,
      transaction: undefined,
      bcs: undefined
    }
  }
}

export function failure(error: SuiClientTypes.ExecutionError): Result {
  const ok = success([])
  return { $kind: 'FailedTransaction', FailedTransaction: { ...ok.Transaction!, status: { success: false, error } } }
}

export class FakeTransport implements SuiTransport {
  readonly executed: { transaction: Uint8Array; signatures: string[] }[] = []
  readonly objects = new Map<string, Uint8Array>()
  /** Move types of `objects`, by id; an object without one is a registry of the fixture's package. */
  readonly types = new Map<string, string>()
  /** What getChainIdentifier answers, or throws. */
  chainIdentifier: string | Error = 'l0ca1net'
  readonly fields = new Map<string, Uint8Array>()
  readonly waited: string[] = []
  readonly balances = new Map<string, bigint>()
  /** Pages listTransactions answers, in order; each call takes the next. */
  readonly pages: { transactions: Result[]; hasNextPage: boolean; endCursor: string | null }[] = []
  readonly listedAfter: (string | null)[] = []
  fieldReads = 0
  next: Result | Error = success([])

  setField(parentId: string, nameBcs: Uint8Array, value: Uint8Array) {
    this.fields.set(`${normalizeSuiAddress(parentId)}/${toHex(nameBcs)}`, value)
  }

  async executeTransaction(options: { transaction: Uint8Array; signatures: string[] }): Promise<Result> {
    this.executed.push({ transaction: options.transaction, signatures: options.signatures })
    if (this.next instanceof Error) throw this.next
    return this.next
  }

  async waitForTransaction(options: { digest: string }) {
    this.waited.push(options.digest)
  }

  async getObject(options: { objectId: string }) {
    const content = this.objects.get(normalizeSuiAddress(options.objectId))
    if (content === undefined) throw Object.assign(new Error(`object ${options.objectId} not found`), { reason: 'notFound' })
    const type = this.types.get(normalizeSuiAddress(options.objectId)) ?? `${PACKAGE_ID}::registry::Registry<${COIN_TYPE}>`
    return { object: { type, content } }
  }

  async getChainIdentifier() {
    if (this.chainIdentifier instanceof Error) throw this.chainIdentifier
    return { chainIdentifier: this.chainIdentifier }
  }

  async getBalance(options: { owner: string; coinType: string }) {
    return { balance: { balance: String(this.balances.get(normalizeSuiAddress(options.owner)) ?? 0n) } }
  }

  async listTransactions(options: { after: string | null }) {
    this.listedAfter.push(options.after)
    return this.pages.shift() ?? { transactions: [], hasNextPage: false, endCursor: options.after }
  }

  async getDynamicField(options: { parentId: string; name: { type: string; bcs: Uint8Array } }) {
    this.fieldReads++
    const value = this.fields.get(`${normalizeSuiAddress(options.parentId)}/${toHex(options.name.bcs)}`)
    if (value === undefined) throw Object.assign(new Error('dynamic field not found'), { reason: 'notFound' })
    return { dynamicField: { value: { bcs: value } } }
  }
}

export const NODES_ID = normalizeSuiAddress('0x40de5')
export const JOBS_ID = normalizeSuiAddress('0x10b5')
export const CHECKER_SLOTS_ID = normalizeSuiAddress('0x5107')
export const TASKS_ID = normalizeSuiAddress('0x7a5c5')
/** A job the registry knows (object JOB_OBJECT_ID), and one it does not. */
export const JOB_ID = 'ab'.repeat(32)
export const OTHER_JOB_ID = 'cd'.repeat(32)
export const CONFIG = { packageId: PACKAGE_ID, coinType: COIN_TYPE, network: 'localnet' as const, registryId: REGISTRY_ID }

export const VERDICTS_ID = normalizeSuiAddress('0x7e4d')
export const APPEALS_ID = normalizeSuiAddress('0xa99e')

/** The BCS of JOB_ID's Job object (in REGISTRY_ID, created by SENDER), with `values` over the defaults. */
export function encodeJob(values: Record<string, unknown> = {}): Uint8Array {
  return encode(JOB_LAYOUT, {
    id: JOB_OBJECT_ID,
    registry: REGISTRY_ID,
    job_id: Buffer.from(JOB_ID, 'hex'),
    creator: SENDER,
    escrow: 500,
    reserved: 0,
    task_count: 2,
    frame_count: 4,
    max_frame_cost: 100,
    checker_fee: 10,
    tasks_id: TASKS_ID,
    tasks_size: 0,
    pending: 0,
    verified: 0,
    open: true,
    closed: false,
    verdicts_id: VERDICTS_ID,
    verdicts_size: 0,
    appeals_id: APPEALS_ID,
    appeals_size: 0,
    appeal_fees: 0,
    ...values
  })
}

/** A registry with one checker and one job, and a ledger over it acting as `keypair`. */
export function ledgerFixture() {
  const transport = new FakeTransport()
  transport.objects.set(
    REGISTRY_ID,
    encode(REGISTRY_LAYOUT, {
      id: REGISTRY_ID,
      nodes_id: NODES_ID,
      nodes_size: 1,
      checkers: [normalizeSuiAddress('0xcc')],
      jobs_id: JOBS_ID,
      jobs_size: 1,
      min_stake: 1_000_000,
      slash_amount: 1_000_000,
      withdraw_delay_ms: 604_800_000,
      checker_slots_id: CHECKER_SLOTS_ID,
      checker_slots_size: 1,
      commit_timeout_ms: 3_600_000,
      verdict_timeout_ms: 3_600_000,
      tasks_per_min_stake: 4,
      max_checkers: 10_000,
      appeal_window_ms: 600_000
    })
  )
  const jobKey = bcs.vector(bcs.u8()).serialize(Buffer.from(JOB_ID, 'hex')).toBytes()
  transport.setField(JOBS_ID, jobKey, bcs.Address.serialize(JOB_OBJECT_ID).toBytes())
  return { transport, ledger: new SuiLedger(transport, keypair, CONFIG) }
}

/** A fresh ledgerFixture() for each test of the file. */
export function ledgerPerTest(): ReturnType<typeof ledgerFixture> {
  const fixture = ledgerFixture()
  beforeEach(() => {
    Object.assign(fixture, ledgerFixture())
  })
  return fixture
}
