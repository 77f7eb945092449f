// Every builder in node/ledger/sui/contracts.ts, built to bytes offline and
// decoded again: the Move target, the type argument and each argument are
// checked against the parameter of the Move signature in contracts/sources
// it lands on (object ref and mutability, or pure value read with the BCS
// type of that parameter).

import { Transaction, type TransactionObjectInput, type TransactionResult } from '@mysten/sui/transactions'
import { normalizeSuiAddress } from '@mysten/sui/utils'
import { describe, expect, it } from 'vitest'
import { ROLE } from '../../../../../node/ledger/types.ts'
import * as contracts from '../../../../../node/ledger/sui/contracts.ts'
import { callParams, findFunction, readModules } from './move-source.ts'
import {
  COIN_TYPE,
  decodeCall,
  decodePure,
  INITIAL_SHARED_VERSION,
  isObjectParam,
  offline,
  PACKAGE_ID,
  refFor,
  TARGET
} from './offline.ts'

const modules = readModules()

type Inputs = Record<string, TransactionObjectInput>
type Values = Record<string, unknown>

interface Case {
  target: string
  values: Values
  build: (objects: Inputs, values: Values) => (tx: Transaction) => TransactionResult
}

const JOB_ID = new Uint8Array(32).map((_, i) => i + 1)
const ROOT = new Uint8Array(32).fill(0xab)
const WORKER = normalizeSuiAddress('0xb1')

const u64 = (v: unknown) => v as bigint

const CASES: Case[] = [
  {
    target: 'registry::create_registry',
    values: {
      min_stake: 1_000_000n,
      slash_amount: 1_000_000n,
      withdraw_delay_ms: 604_800_000n,
      commit_timeout_ms: 3_600_000n,
      verdict_timeout_ms: 3_600_001n,
      tasks_per_min_stake: 4n,
      max_checkers: 10_000n,
      appeal_window_ms: 600_000n
    },
    build: (o, v) =>
      contracts.createRegistry({
        ...TARGET,
        adminCap: o._!,
        minStake: u64(v.min_stake),
        slashAmount: u64(v.slash_amount),
        withdrawDelayMs: u64(v.withdraw_delay_ms),
        commitTimeoutMs: u64(v.commit_timeout_ms),
        verdictTimeoutMs: u64(v.verdict_timeout_ms),
        tasksPerMinStake: u64(v.tasks_per_min_stake),
        maxCheckers: u64(v.max_checkers),
        appealWindowMs: u64(v.appeal_window_ms)
      })
  },
  {
    target: 'registry::register',
    values: { role: ROLE.worker },
    build: (o, v) =>
      contracts.registerNode({ ...TARGET, registry: o.registry!, role: v.role as contracts.LedgerRole, stakeCoin: o.stake! })
  },
  {
    target: 'registry::add_stake',
    values: {},
    build: (o) => contracts.addStake({ ...TARGET, registry: o.registry!, stakeCoin: o.stake! })
  },
  {
    target: 'registry::request_withdraw',
    values: {},
    build: (o) => contracts.requestWithdraw({ ...TARGET, registry: o.registry!, clock: o.clock! })
  },
  {
    target: 'registry::withdraw',
    values: {},
    build: (o) => contracts.withdraw({ ...TARGET, registry: o.registry!, clock: o.clock! })
  },
  {
    target: 'job::create_job',
    values: { job_id: JOB_ID, task_count: 2n, frame_count: 4n, max_frame_cost: 100n, checker_fee: 10n },
    build: (o, v) =>
      contracts.createJob({
        ...TARGET,
        registry: o.registry!,
        jobId: v.job_id as Uint8Array,
        taskCount: u64(v.task_count),
        frameCount: u64(v.frame_count),
        maxFrameCost: u64(v.max_frame_cost),
        checkerFee: u64(v.checker_fee),
        escrowCoin: o.escrow!
      })
  },
  {
    target: 'job::assign_task',
    values: { task_index: 1n, worker: WORKER, frames: 2n, frame_cost: 2n ** 64n - 1n },
    build: (o, v) =>
      contracts.assignTask({
        ...TARGET,
        job: o.job!,
        registry: o.registry!,
        taskIndex: u64(v.task_index),
        worker: v.worker as string,
        frames: u64(v.frames),
        frameCost: u64(v.frame_cost),
        clock: o.clock!
      })
  },
  {
    target: 'job::reclaim_task',
    values: { task_index: 2n },
    build: (o, v) =>
      contracts.reclaimTask({ ...TARGET, job: o.job!, registry: o.registry!, taskIndex: u64(v.task_index), clock: o.clock! })
  },
  {
    target: 'job::top_up_job',
    values: {},
    build: (o) => contracts.topUpJob({ ...TARGET, job: o.job!, escrowCoin: o.escrow! })
  },
  {
    target: 'verify::redraw_checker',
    values: { task_index: 4n },
    build: (o, v) =>
      contracts.redrawChecker({
        ...TARGET,
        job: o.job!,
        registry: o.registry!,
        taskIndex: u64(v.task_index),
        random: o.random!,
        clock: o.clock!
      })
  },
  {
    target: 'job::cancel_job',
    values: {},
    build: (o) => contracts.cancelJob({ ...TARGET, job: o.job! })
  },
  {
    target: 'job::close_job',
    values: {},
    build: (o) => contracts.closeJob({ ...TARGET, job: o.job! })
  },
  {
    target: 'verify::commit_result',
    values: { task_index: 0n, root: ROOT },
    build: (o, v) =>
      contracts.commitResult({
        ...TARGET,
        job: o.job!,
        registry: o.registry!,
        taskIndex: u64(v.task_index),
        root: v.root as Uint8Array,
        random: o.random!,
        clock: o.clock!
      })
  },
  {
    target: 'verify::submit_verdict',
    values: { task_index: 3n, accepted: false },
    build: (o, v) =>
      contracts.submitVerdict({
        ...TARGET,
        job: o.job!,
        registry: o.registry!,
        taskIndex: u64(v.task_index),
        accepted: v.accepted as boolean,
        clock: o.clock!
      })
  },
  {
    target: 'appeal::appeal',
    values: { task_index: 5n },
    build: (o, v) =>
      contracts.appeal({
        ...TARGET,
        job: o.job!,
        registry: o.registry!,
        taskIndex: u64(v.task_index),
        feeCoin: o.fee!,
        clock: o.clock!,
        random: o.random!
      })
  },
  {
    target: 'appeal::judge_appeal',
    values: { task_index: 6n, accepted: true },
    build: (o, v) =>
      contracts.judgeAppeal({
        ...TARGET,
        job: o.job!,
        registry: o.registry!,
        taskIndex: u64(v.task_index),
        accepted: v.accepted as boolean
      })
  },
  {
    target: 'appeal::cancel_appeal',
    values: { task_index: 7n },
    build: (o, v) =>
      contracts.cancelAppeal({
        ...TARGET,
        job: o.job!,
        registry: o.registry!,
        taskIndex: u64(v.task_index),
        clock: o.clock!
      })
  }
]

describe('Sui transaction builders, built offline and decoded', () => {
  it('cover every function a transaction can call', () => {
    const callable = [...modules.values()]
      .flatMap((m) => m.functions)
      // entry functions, and public ones that change state (take a &mut) but are not test helpers
      .filter(
        (f) =>
          f.entry ||
          (f.visibility === 'public' && !f.name.endsWith('_for_testing') && f.params.some((p) => p.type.startsWith('&mut ')))
      )
      .map((f) => `${f.module}::${f.name}`)
      .sort()
    expect(CASES.map((c) => c.target).sort()).toEqual(callable)
  })

  for (const c of CASES) {
    it(`${c.target}: target, type argument and every argument match the Move signature`, async () => {
      const [module, name] = c.target.split('::') as [string, string]
      const params = callParams(findFunction(modules, module, name))
      const objects: Inputs = {}
      params.filter(isObjectParam).forEach((p, i) => {
        objects[p.name] = refFor(p, i)
      })
      const tx = offline(new Transaction())
      tx.add(c.build(objects, c.values))
      const call = decodeCall(await tx.build())

      expect(call.package).toBe(PACKAGE_ID)
      expect(`${call.module}::${call.function}`).toBe(c.target)
      expect(call.typeArguments).toEqual([COIN_TYPE])
      expect(call.args).toHaveLength(params.length)
      params.forEach((param, i) => {
        const arg = call.args[i]!
        if (isObjectParam(param)) {
          const ref = refFor(param, params.filter(isObjectParam).indexOf(param))
          if (ref.Object.$kind === 'SharedObject') {
            expect(arg, param.name).toEqual({
              kind: 'shared',
              objectId: ref.Object.SharedObject.objectId,
              mutable: param.type.startsWith('&mut '),
              initialSharedVersion: String(INITIAL_SHARED_VERSION)
            })
          } else {
            expect(param.type.startsWith('&mut'), `${param.name} is an owned object by value or &`).toBe(false)
            expect(arg, param.name).toEqual({ kind: 'owned', objectId: ref.Object.ImmOrOwnedObject!.objectId })
          }
        } else {
          expect(arg.kind, param.name).toBe('pure')
          if (arg.kind !== 'pure') return
          expect(decodePure(param.type, arg.bytes), param.name).toEqual(c.values[param.name])
        }
      })
    })
  }

  it('defaults the clock to 0x6 (immutable) and Random to 0x8 (resolved when built online)', () => {
    const registry = refFor({ name: 'registry', type: '&mut Registry<T>' }, 0)
    const tx = new Transaction()
    tx.add(contracts.requestWithdraw({ ...TARGET, registry }))
    tx.add(
      contracts.commitResult({
        ...TARGET,
        job: refFor({ name: 'job', type: '&mut Job<T>' }, 0),
        registry,
        taskIndex: 0,
        root: ROOT
      })
    )
    const inputs = tx.getData().inputs
    const clock = inputs.find((i) => i.Object?.SharedObject?.objectId === normalizeSuiAddress('0x6'))
    expect(clock?.Object?.SharedObject?.mutable).toBe(false)
    expect(String(clock?.Object?.SharedObject?.initialSharedVersion)).toBe('1')
    const random = inputs.find((i) => i.UnresolvedObject?.objectId === normalizeSuiAddress('0x8'))
    expect(random?.UnresolvedObject?.mutable).toBe(false)
  })

  it('refuses a u64 above 2^64 - 1 while adding the call', () => {
    const tx = offline(new Transaction())
    const call = contracts.assignTask({
      ...TARGET,
      job: refFor({ name: 'job', type: '&mut Job<T>' }, 0),
      registry: refFor({ name: 'registry', type: '&Registry<T>' }, 1),
      taskIndex: 2n ** 64n,
      worker: WORKER,
      frames: 1,
      frameCost: 1
    })
    expect(() => tx.add(call)).toThrow()
  })
})
