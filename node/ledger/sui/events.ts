// Events of the Move package, decoded from their BCS bytes. Each layout
// lists the Move struct's fields in declaration order (BCS has no names);
// a unit test compares these lists with the structs in contracts/sources.

import { bcs } from '@mysten/sui/bcs'
import type { SuiClientTypes } from '@mysten/sui/client'
import { normalizeSuiAddress, toHex } from '@mysten/sui/utils'
import type { LedgerEventBody } from '../types.ts'

/**
 * How a field is read: `address` (also Move `ID`) as a 0x-prefixed 64-hex
 * string, `amount` (u64 money) as bigint, `count` (u64 index, count or ms)
 * as number, `bytes` (vector<u8>) as lowercase hex without 0x, `addresses`
 * (vector<address>) as an array of addresses.
 */
export type FieldKind = 'address' | 'addresses' | 'u8' | 'amount' | 'count' | 'bytes' | 'bool'
export type Layout = Readonly<Record<string, FieldKind>>

export const EVENT_LAYOUTS = {
  registry: {
    RegistryCreated: {
      registry: 'address',
      min_stake: 'amount',
      slash_amount: 'amount',
      withdraw_delay_ms: 'count',
      commit_timeout_ms: 'count',
      verdict_timeout_ms: 'count',
      tasks_per_min_stake: 'count',
      max_checkers: 'count',
      appeal_window_ms: 'count'
    },
    NodeRegistered: { node: 'address', role: 'u8', stake: 'amount' },
    StakeAdded: { node: 'address', amount: 'amount', stake: 'amount' },
    WithdrawRequested: { node: 'address', withdraw_at: 'count' },
    Withdrawn: { node: 'address', amount: 'amount' }
  },
  job: {
    JobCreated: {
      job: 'address',
      job_id: 'bytes',
      creator: 'address',
      task_count: 'count',
      frame_count: 'count',
      max_frame_cost: 'amount',
      checker_fee: 'amount',
      escrow: 'amount'
    },
    TaskAssigned: { job_id: 'bytes', task_index: 'count', worker: 'address', frames: 'count', frame_cost: 'amount' },
    JobCancelled: { job_id: 'bytes', refunded: 'amount' },
    JobClosed: { job_id: 'bytes', refunded: 'amount' },
    Refunded: { job_id: 'bytes', creator: 'address', amount: 'amount' },
    TaskReclaimed: { job_id: 'bytes', task_index: 'count', worker: 'address' },
    JobToppedUp: { job_id: 'bytes', creator: 'address', amount: 'amount', escrow: 'amount' }
  },
  verify: {
    ResultCommitted: { job_id: 'bytes', task_index: 'count', worker: 'address', root: 'bytes' },
    CheckerAssigned: { job_id: 'bytes', task_index: 'count', checker: 'address', beacon: 'bytes' },
    VerdictSubmitted: { job_id: 'bytes', task_index: 'count', checker: 'address', accepted: 'bool' },
    WorkerPaid: { job_id: 'bytes', task_index: 'count', worker: 'address', amount: 'amount' },
    CheckerPaid: { job_id: 'bytes', task_index: 'count', checker: 'address', amount: 'amount' },
    WorkerSlashed: { job_id: 'bytes', task_index: 'count', worker: 'address', amount: 'amount' },
    CheckerTimedOut: { job_id: 'bytes', task_index: 'count', checker: 'address' }
  },
  appeal: {
    AppealOpened: {
      job_id: 'bytes',
      task_index: 'count',
      appellant: 'address',
      worker: 'address',
      verdict_checker: 'address',
      root: 'bytes',
      checker: 'address',
      beacon: 'bytes',
      fee: 'amount'
    },
    AppealJudged: {
      job_id: 'bytes',
      task_index: 'count',
      checker: 'address',
      accepted: 'bool',
      overturned: 'bool',
      verdict_checker: 'address',
      slashed: 'amount',
      slashed_to: 'address',
      fee: 'amount'
    },
    AppealCancelled: { job_id: 'bytes', task_index: 'count', appellant: 'address', checker: 'address', fee: 'amount' }
  }
} as const satisfies Record<string, Record<string, Layout>>

/** Sui-only: the admin's `create_registry`. Not part of the ledger's event stream. */
export interface RegistryCreated {
  type: 'RegistryCreated'
  registry: string
  minStake: bigint
  slashAmount: bigint
  withdrawDelayMs: number
  commitTimeoutMs: number
  verdictTimeoutMs: number
  tasksPerMinStake: number
  maxCheckers: number
  appealWindowMs: number
}

type JobCreated = Extract<LedgerEventBody, { type: 'JobCreated' }>

/**
 * A decoded event: the shared LedgerEventBody (../types.ts), with the Job
 * object's id added to JobCreated, or RegistryCreated.
 */
export type SuiEventBody =
  | Exclude<LedgerEventBody, { type: 'Minted' | 'JobCreated' }>
  | (JobCreated & { job: string })
  | RegistryCreated

/** The event as the Ledger interface reports it: without Sui-only fields; undefined for Sui-only events. */
export function toLedgerBody(event: SuiEventBody): LedgerEventBody | undefined {
  if (event.type === 'RegistryCreated') return undefined
  if (event.type === 'JobCreated') {
    const { job: _, ...body } = event
    return body
  }
  return event
}

/** The BCS type of each field kind; the tests encode with it too. */
export const FIELD_BCS = {
  address: bcs.Address,
  addresses: bcs.vector(bcs.Address),
  u8: bcs.u8(),
  amount: bcs.u64(),
  count: bcs.u64(),
  bytes: bcs.vector(bcs.u8()),
  bool: bcs.bool()
} as const

function readField(kind: FieldKind, value: unknown): unknown {
  switch (kind) {
    case 'address':
      return normalizeSuiAddress(value as string)
    case 'addresses':
      return (value as string[]).map((a) => normalizeSuiAddress(a))
    case 'amount':
      return BigInt(value as string)
    case 'count':
      return Number(value as string)
    case 'bytes':
      return toHex(Uint8Array.from(value as number[]))
    default:
      return value
  }
}

// Field names as ../types.ts has them: camelCase, and Move's `root` is `merkleRoot`.
const camel = (name: string) =>
  name === 'root' ? 'merkleRoot' : name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** A BCS parser for a Move struct layout, returning camelCase fields. */
export function layoutParser(name: string, layout: Layout): (bytes: Uint8Array) => Record<string, unknown> {
  const struct = bcs.struct(
    name,
    Object.fromEntries(Object.entries(layout).map(([field, kind]) => [field, FIELD_BCS[kind]]))
  )
  return (bytes) => {
    const raw = struct.parse(bytes) as Record<string, unknown>
    return Object.fromEntries(
      Object.entries(layout).map(([field, kind]) => [camel(field), readField(kind, raw[field])])
    )
  }
}

const PARSERS = new Map<string, (bytes: Uint8Array) => Record<string, unknown>>()
for (const [module, events] of Object.entries(EVENT_LAYOUTS)) {
  for (const [name, layout] of Object.entries(events)) PARSERS.set(`${module}::${name}`, layoutParser(name, layout))
}

/**
 * Decodes the package's events among `events`, in order; events of other
 * packages (a coin's, the framework's) are skipped. `packageIds` should
 * hold the id the types were first published under.
 */
export function decodeEvents(events: readonly SuiClientTypes.Event[], packageIds: readonly string[]): SuiEventBody[] {
  const ours = new Set(packageIds.map((id) => normalizeSuiAddress(id)))
  const out: SuiEventBody[] = []
  for (const event of events) {
    const [address, module, name] = event.eventType.split('::')
    if (address === undefined || module === undefined || name === undefined) continue
    if (!ours.has(normalizeSuiAddress(address))) continue
    const parse = PARSERS.get(`${module}::${name}`)
    if (parse === undefined) continue
    out.push({ type: name, ...parse(event.bcs) } as SuiEventBody)
  }
  return out
}
