// The ten ledger functions as typed calls, and their wire form: the Move
// function name and its snake_case argument names, amounts as decimal
// strings, bytes as lowercase hex. Decoding is strict (exact key set, exact
// types) because the wire form is what gets signed.
import { LedgerError } from '../errors.ts'
import { U64_MAX } from '../types.ts'

export type Call =
  | { call: 'register'; role: number; stake: bigint }
  | { call: 'add_stake'; amount: bigint }
  | { call: 'request_withdraw' }
  | { call: 'withdraw' }
  | { call: 'create_job'; jobId: string; taskCount: number; frameCount: number; maxFrameCost: bigint; checkerFee: bigint; escrow: bigint }
  | { call: 'assign_task'; jobId: string; taskIndex: number; worker: string; frames: number; frameCost: bigint }
  | { call: 'commit_result'; jobId: string; taskIndex: number; merkleRoot: string }
  | { call: 'submit_verdict'; jobId: string; taskIndex: number; accepted: boolean }
  | { call: 'cancel_job'; jobId: string }
  | { call: 'close_job'; jobId: string }

export type CallName = Call['call']

type FieldKind = 'u8' | 'u64' | 'count' | 'hex32' | 'address' | 'bool'

/** Per call: wire name -> [typed name, kind]. Mirrors the Move signatures. */
const SCHEMA: Record<CallName, Record<string, [string, FieldKind]>> = {
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
    frame_cost: ['frameCost', 'u64']
  },
  commit_result: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], merkle_root: ['merkleRoot', 'hex32'] },
  submit_verdict: { job_id: ['jobId', 'hex32'], task_index: ['taskIndex', 'count'], accepted: ['accepted', 'bool'] },
  cancel_job: { job_id: ['jobId', 'hex32'] },
  close_job: { job_id: ['jobId', 'hex32'] }
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
