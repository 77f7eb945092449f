// The ledger functions as typed calls, and their wire form: the Move
// function name and its snake_case argument names, amounts as decimal
// strings, bytes as lowercase hex. Decoding is strict (exact key set, exact
// types) because the wire form is what gets signed.
import type { LedgerCallArgs, LedgerCallName, LedgerValues } from '../call-ledger.ts'
import { LedgerError } from '../errors.ts'
import { U64_MAX } from '../types.ts'

/** The dev ledger's values: a role is any u8 here, so that 0 and 4..255 reach the handler and abort EBadRole. */
type DevValues = Omit<LedgerValues, 'role'> & { role: number }

/**
 * Calls on a job's tasks also name the registry the job was created in, as
 * their Move functions take the Registry object; the handler aborts
 * ERegistryMismatch when it is not the job's. The signing client fills it in
 * from the chain's info (SigningLedger).
 */
export const REGISTRY_BOUND_CALLS = ['assign_task', 'commit_result', 'submit_verdict', 'appeal', 'judge_appeal', 'cancel_appeal', 'reclaim_task', 'redraw_checker'] as const satisfies readonly LedgerCallName[]
type RegistryBound = (typeof REGISTRY_BOUND_CALLS)[number]

export function isRegistryBound(name: LedgerCallName): name is RegistryBound {
  return (REGISTRY_BOUND_CALLS as readonly string[]).includes(name)
}

/** The calls of ../call-ledger.ts, keyed by `call` as in their signed wire form. */
export type Call = {
  [N in LedgerCallName]: { call: N } & LedgerCallArgs<DevValues>[N] & (N extends RegistryBound ? { registry: string } : unknown)
}[LedgerCallName]

export type CallName = Call['call']

type FieldKind = 'u8' | 'u64' | 'count' | 'hex32' | 'address' | 'bool'

/** Per call: wire name -> [typed name, kind]. Mirrors the Move signatures. */
const SCHEMA: { [N in CallName]: Record<string, [(keyof LedgerCallArgs[N] & string) | 'registry', FieldKind]> } = {
  register: { role: ['role', 'u8'], stake: ['stake', 'u64'] },
  add_stake: { amount: ['amount', 'u64'] },
  request_withdraw: {},
  withdraw: {},
  create_job: {
    job_id: ['jobId', 'hex32'],
    task_count: ['taskCount', 'count'],
    frame_count: ['frameCount', 'count'],
    max_frame_cost: ['maxFrameCost', 'u64'],
    checker_fee: ['checkerFee', 'u64'],
    escrow: ['escrow', 'u64']
  },
  assign_task: {
    job_id: ['jobId', 'hex32'],
    task_index: ['taskIndex', 'count'],
    worker: ['worker', 'address'],
    frames: ['frames', 'count'],
    frame_cost: ['frameCost', 'u64'],
    registry: ['registry', 'address']
  },
  commit_result: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], merkle_root: ['merkleRoot', 'hex32'], registry: ['registry', 'address'] },
  submit_verdict: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], accepted: ['accepted', 'bool'], registry: ['registry', 'address'] },
  cancel_job: { job_id: ['jobId', 'hex32'] },
  close_job: { job_id: ['jobId', 'hex32'] },
  appeal: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], registry: ['registry', 'address'] },
  judge_appeal: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], accepted: ['accepted', 'bool'], registry: ['registry', 'address'] },
  cancel_appeal: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], registry: ['registry', 'address'] },
  reclaim_task: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], registry: ['registry', 'address'] },
  redraw_checker: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], registry: ['registry', 'address'] },
  top_up_job: { job_id: ['jobId', 'hex32'], amount: ['amount', 'u64'] }
}

export const CALL_NAMES = Object.keys(SCHEMA) as CallName[]

export type WireArgs = Record<string, string | number | boolean>

const HEX32 = /^[0-9a-f]{64}$/
const ADDRESS = /^0x[0-9a-f]{64}$/
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/

export function isAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS.test(value)
}

export function isHex32(value: unknown): value is string {
  return typeof value === 'string' && HEX32.test(value)
}

/** A u64 from its decimal string: EMalformed if not one, EOverflow if above 2^64 - 1. */
export function parseU64(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !DECIMAL.test(value)) throw new LedgerError('EMalformed', `${what} must be a decimal string`)
  const n = BigInt(value)
  if (n > U64_MAX) throw new LedgerError('EOverflow', `${what} ${value} exceeds u64`)
  return n
}

function decodeField(kind: FieldKind, value: unknown, what: string): unknown {
  const bad = (expected: string) => new LedgerError('EMalformed', `${what} must be ${expected}`)
  switch (kind) {
    case 'u8':
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 255) throw bad('an integer 0-255')
      return value
    case 'count':
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw bad('a non-negative safe integer')
      return value
    case 'u64':
      return parseU64(value, what)
    case 'hex32':
      if (!isHex32(value)) throw bad('64 lowercase hex characters')
      return value
    case 'address':
      if (!isAddress(value)) throw bad('a Sui address (0x + 64 lowercase hex)')
      return value
    case 'bool':
      if (typeof value !== 'boolean') throw bad('a boolean')
      return value
  }
}

export function decodeCall(name: unknown, args: unknown): Call {
  if (typeof name !== 'string' || !Object.hasOwn(SCHEMA, name)) throw new LedgerError('EMalformed', `unknown call ${JSON.stringify(name)}`)
  const schema = SCHEMA[name as CallName]
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new LedgerError('EMalformed', `${name} args must be an object`)
  const given = Object.keys(args)
  const extra = given.find((k) => !Object.hasOwn(schema, k))
  if (extra !== undefined) throw new LedgerError('EMalformed', `${name} takes no argument ${extra}`)
  const out: Record<string, unknown> = { call: name }
  for (const [wire, [typed, kind]] of Object.entries(schema)) {
    if (!Object.hasOwn(args, wire)) throw new LedgerError('EMalformed', `${name} needs ${wire}`)
    out[typed] = decodeField(kind, (args as Record<string, unknown>)[wire], `${name}.${wire}`)
  }
  return out as Call
}

export function encodeCall(call: Call): { call: CallName; args: WireArgs } {
  const args: WireArgs = {}
  const fields = call as unknown as Record<string, unknown>
  for (const [wire, [typed, kind]] of Object.entries(SCHEMA[call.call])) {
    const value = fields[typed]
    args[wire] = kind === 'u64' ? (value as bigint).toString() : (value as string | number | boolean)
  }
  return { call: call.call, args }
}
