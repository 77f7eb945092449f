// The TypeScript side against the Move sources, read with regular
// expressions: builders call only functions that exist, are callable from a
// transaction and get as many arguments as they take; abort codes, event
// layouts and object layouts name the same things in the same order.

import { Transaction, type TransactionResult } from '@mysten/sui/transactions'
import { describe, expect, it } from 'vitest'
import { ROLE } from '../../../../../node/ledger/types.ts'
import { ABORT_CODES, LEDGER_ERROR_CODES } from '../../../../../node/ledger/errors.ts'
import * as contracts from '../../../../../node/ledger/sui/contracts.ts'
import { MOVE_ABORT_CODES } from '../../../../../node/ledger/sui/errors.ts'
import { EVENT_LAYOUTS, type FieldKind, type Layout } from '../../../../../node/ledger/sui/events.ts'
import { JOB_LAYOUT, NODE_LAYOUT, REGISTRY_LAYOUT, TASK_LAYOUT } from '../../../../../node/ledger/sui/state.ts'
import { callParams, type MoveParam, type MoveStruct, readModules } from './move-source.ts'
import { COIN_TYPE, PACKAGE_ID } from './offline.ts'

const modules = readModules()
const structs = new Map<string, MoveStruct>(
  [...modules.values()].flatMap((m) => m.structs.map((s) => [`${m.name}::${s.name}`, s] as const))
)

/** Options for any builder: each field gets a value that fits its name. */
const anyOptions = new Proxy({} as Record<string, unknown>, {
  get(_, key) {
    if (key === 'package') return PACKAGE_ID
    if (key === 'coinType') return COIN_TYPE
    if (key === 'clock' || key === 'random') return undefined
    if (key === 'jobId' || key === 'root') return new Uint8Array(32)
    if (key === 'worker') return '0xb1'
    if (key === 'accepted') return true
    if (key === 'role') return ROLE.worker
    if (key === 'registry' || key === 'job' || key === 'adminCap' || key === 'stakeCoin' || key === 'escrowCoin' || key === 'feeCoin') {
      return '0x5e1'
    }
    return 1n
  }
})

type Builder = (options: unknown) => (tx: Transaction) => TransactionResult
const builders = Object.entries(contracts)
  .filter(([, value]) => typeof value === 'function')
  .map(([name, value]) => [name, value as Builder] as const)

describe('Move sources and the Sui adapter agree', () => {
  it('finds the modules, functions and structs', () => {
    expect([...modules.keys()].sort()).toEqual(['appeal', 'funds', 'job', 'registry', 'task', 'verdict', 'verify'])
    expect(builders.length).toBe(17)
  })

  for (const [name, builder] of builders) {
    it(`${name} calls a transaction-callable function with its arity and type parameters`, () => {
      const tx = new Transaction()
      tx.add(builder(anyOptions))
      const command = tx.getData().commands.find((c) => c.$kind === 'MoveCall')
      expect(command, 'one Move call').toBeDefined()
      const call = command!.MoveCall!
      const fn = modules.get(call.module)?.functions.find((f) => f.name === call.function)
      expect(fn, `${call.module}::${call.function} exists in contracts/sources`).toBeDefined()
      // public (any), or private entry: what a programmable transaction may call
      expect(fn!.visibility === 'public' || fn!.entry, 'callable from a transaction').toBe(true)
      expect(call.arguments).toHaveLength(callParams(fn!).length)
      expect(call.typeArguments).toHaveLength(fn!.typeParams.length)
    })
  }

  it('functions taking Random are private entry functions, as Sui requires', () => {
    const random = [...modules.values()].flatMap((m) => m.functions).filter((f) => f.params.some((p) => p.type === '&Random'))
    expect(random.map((f) => f.name).sort()).toEqual(['appeal', 'commit_result', 'redraw_checker'])
    for (const f of random) expect({ visibility: f.visibility, entry: f.entry }).toEqual({ visibility: 'private', entry: true })
  })

  it('abort codes: one number per name in every module, as in MOVE_ABORT_CODES', () => {
    const seen = new Map<string, bigint>()
    for (const m of modules.values()) {
      for (const [name, code] of m.constants) {
        if (seen.has(name)) expect(code, `${m.name}::${name}`).toBe(seen.get(name))
        seen.set(name, code)
      }
    }
    expect(Object.fromEntries([...seen].map(([k, v]) => [k, Number(v)]))).toEqual(MOVE_ABORT_CODES)
    expect(new Set(Object.values(MOVE_ABORT_CODES)).size).toBe(Object.keys(MOVE_ABORT_CODES).length)
  })

  it('abort names are the shared ledger error codes', () => {
    for (const name of ABORT_CODES) expect(Object.keys(MOVE_ABORT_CODES)).toContain(name)
    for (const name of Object.keys(MOVE_ABORT_CODES)) expect(LEDGER_ERROR_CODES as readonly string[]).toContain(name)
  })

  it('every event struct has a layout with its fields in order', () => {
    const eventStructs = [...structs.entries()].filter(([, s]) => s.abilities.includes('copy') && s.abilities.includes('drop'))
    const layouts = Object.entries(EVENT_LAYOUTS).flatMap(([m, events]) =>
      Object.entries(events).map(([n, layout]) => [`${m}::${n}`, layout as Layout] as const)
    )
    expect(layouts.map(([k]) => k).sort()).toEqual(eventStructs.map(([k]) => k).sort())
    for (const [key, layout] of layouts) expect(flatten(structs.get(key)!.fields), key).toEqual(kinds(layout))
  })

  it('object layouts flatten the Move structs', () => {
    const cases: [string, Layout][] = [
      ['registry::Registry', REGISTRY_LAYOUT],
      ['registry::Node', NODE_LAYOUT],
      ['job::Job', JOB_LAYOUT],
      ['task::Task', TASK_LAYOUT]
    ]
    for (const [key, layout] of cases) expect(flatten(structs.get(key)!.fields), key).toEqual(kinds(layout))
  })

  it('the documented API functions all exist in Move', () => {
    const api = ['register', 'add_stake', 'request_withdraw', 'withdraw', 'create_job', 'assign_task', 'cancel_job', 'close_job', 'reclaim_task', 'top_up_job', 'redraw_checker']
    const all = [...modules.values()].flatMap((m) => m.functions.map((f) => f.name))
    for (const name of [...api, 'commit_result', 'submit_verdict']) expect(all).toContain(name)
  })
})

/** BCS-compatible kinds of a Move struct's fields, nested framework structs flattened. */
function flatten(fields: MoveParam[]): [string, string][] {
  return fields.flatMap(({ name, type }): [string, string][] => {
    if (type === 'UID' || type === 'ID' || type === 'address') return [[name, 'address']]
    if (/^Table</.test(type)) return [[`${name}_id`, 'address'], [`${name}_size`, 'u64']]
    if (/^Balance</.test(type) || type === 'u64') return [[name, 'u64']]
    if (type === 'vector<u8>') return [[name, 'bytes']]
    if (type === 'vector<address>') return [[name, 'addresses']]
    if (type === 'u8' || type === 'bool') return [[name, type]]
    throw new Error(`no BCS kind for Move type ${type}`)
  })
}

function kinds(layout: Layout): [string, string][] {
  const bcsKind = (k: FieldKind) => (k === 'amount' || k === 'count' ? 'u64' : k)
  return Object.entries(layout).map(([name, kind]) => [name, bcsKind(kind)])
}
