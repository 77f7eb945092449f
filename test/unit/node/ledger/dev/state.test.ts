// The dev ledger's state machine, path by path and abort by abort, as the
// Move package's unit tests do it.
import { describe, expect, it } from 'vitest'
import { taskOf } from '../../../../../node/ledger/dev/state.ts'
import { ROLE, U64_MAX } from '../../../../../node/ledger/types.ts'
import { addr, CHECKER, CHECKER2, CREATOR, expectConserved, Harness, JOB, jobIdOf, rootOf, STAKE, STRANGER, WORKER } from './helpers.ts'


/** A creator, a worker and a checker, funded and registered. */
function setup(): Harness {
  const h = new Harness()
  for (const a of [CREATOR, WORKER, CHECKER, STRANGER]) h.mint(a, 100_000_000n)
  h.call(CREATOR, { call: 'register', role: ROLE.creator, stake: 0n })
  h.call(WORKER, { call: 'register', role: ROLE.worker, stake: 2n * STAKE })
  h.call(CHECKER, { call: 'register', role: ROLE.checker, stake: STAKE })
  return h
}

// 10 frames at the cap and two checker fees per task (a re-check each).
const createJob = (h: Harness, escrow = 10n * 100n + 2n * 2n * 7n) =>
  h.call(CREATOR, { call: 'create_job', jobId: JOB, taskCount: 2, frameCount: 10, maxFrameCost: 100n, checkerFee: 7n, escrow })
const assign = (h: Harness, taskIndex = 0, frames = 5, frameCost = 80n, worker = WORKER) => h.call(CREATOR, { call: 'assign_task', jobId: JOB, taskIndex, worker, frames, frameCost })
const commit = (h: Harness, taskIndex = 0, sender = WORKER) => h.call(sender, { call: 'commit_result', jobId: JOB, taskIndex, merkleRoot: rootOf(taskIndex) })
const verdict = (h: Harness, accepted: boolean, taskIndex = 0, sender = CHECKER) => h.call(sender, { call: 'submit_verdict', jobId: JOB, taskIndex, accepted })

describe('dev ledger state machine', () => {
  it('runs a job: escrow locked, worker paid its bid per verified frame, checker its fee, the rest refunded', () => {
    const h = setup()
    const creatorStart = h.state.accounts.get(CREATOR)!.balance
    createJob(h)
    expect(h.state.jobs.get(JOB)).toMatchObject({ escrow: 1028n, reserved: 0n, status: 'open' })
    assign(h, 0, 5, 80n)
    assign(h, 1, 5, 90n)
    expect(h.state.jobs.get(JOB)!.reserved).toBe(5n * 80n + 7n + 5n * 90n + 7n)
    const events = commit(h, 0)
    expect(events.map((e) => e.type)).toEqual(['ResultCommitted', 'CheckerAssigned'])
    expect(events[1]).toMatchObject({ checker: CHECKER })
    commit(h, 1)
    expect(verdict(h, true, 0).map((e) => e.type)).toEqual(['VerdictSubmitted', 'WorkerPaid', 'CheckerPaid'])
    verdict(h, true, 1)
    expect(taskOf(h.state, JOB, 0)).toMatchObject({ state: 'verified', worker: WORKER, checker: CHECKER })
    expect(h.call(CREATOR, { call: 'close_job', jobId: JOB }).map((e) => e.type)).toEqual(['Refunded', 'JobClosed'])
    const paid = 5n * 80n + 5n * 90n
    expect(h.state.accounts.get(WORKER)!.balance).toBe(100_000_000n - 2n * STAKE + paid)
    expect(h.state.accounts.get(CHECKER)!.balance).toBe(100_000_000n - STAKE + 14n)
    expect(h.state.accounts.get(CREATOR)!.balance).toBe(creatorStart - paid - 14n)
    expect(h.state.nodes.get(WORKER)).toMatchObject({ verified: 2, rejected: 0 })
    expect(h.state.jobs.get(JOB)).toMatchObject({ escrow: 0n, status: 'closed' })
    expectConserved(h.state)
  })

  it('a rejected result slashes the worker (all of it to the creator), pays the checker its fee only and reopens the task', () => {
    const h = setup()
    createJob(h)
    assign(h)
    commit(h)
    const checkerBefore = h.state.accounts.get(CHECKER)!.balance
    const creatorBefore = h.state.accounts.get(CREATOR)!.balance
    const events = verdict(h, false)
    expect(events.map((e) => e.type)).toEqual(['VerdictSubmitted', 'WorkerSlashed', 'CheckerPaid'])
    expect(events[1]).toEqual({ type: 'WorkerSlashed', jobId: JOB, taskIndex: 0, worker: WORKER, amount: STAKE })
    expect(h.state.accounts.get(CHECKER)!.balance - checkerBefore).toBe(7n)
    expect(h.state.accounts.get(CREATOR)!.balance - creatorBefore).toBe(STAKE)
    expect(h.state.nodes.get(WORKER)).toMatchObject({ stake: STAKE, rejected: 1 })
    expect(taskOf(h.state, JOB, 0)).toEqual({ state: 'open', attempts: 1 })
    expect(h.state.jobs.get(JOB)).toMatchObject({ escrow: 1028n - 7n, reserved: 0n, pendingTasks: 0 })
    // Reassigned and verified on the second attempt; the worker cannot commit twice.
    assign(h)
    expect(taskOf(h.state, JOB, 0)).toMatchObject({ state: 'assigned', attempts: 2 })
    commit(h)
    verdict(h, true)
    h.reject(WORKER, { call: 'commit_result', jobId: JOB, taskIndex: 0, merkleRoot: rootOf(0) }, 'ETaskState')
    expectConserved(h.state)
  })

  it('slashes at most the remaining stake', () => {
    const h = setup()
    h.call(WORKER, { call: 'request_withdraw' })
    h.now += 1000
    h.call(WORKER, { call: 'withdraw' })
    h.mint(addr(5), 10_000_000n)
    h.call(addr(5), { call: 'register', role: ROLE.worker, stake: STAKE })
    createJob(h)
    assign(h, 0, 5, 80n, addr(5))
    commit(h, 0, addr(5))
    verdict(h, false)
    expect(h.state.nodes.get(addr(5))!.stake).toBe(0n)
    // A worker slashed below the minimum stake takes no task until it tops up.
    h.reject(CREATOR, { call: 'assign_task', jobId: JOB, taskIndex: 0, worker: addr(5), frames: 5, frameCost: 80n }, 'ENotWorker')
    h.call(addr(5), { call: 'add_stake', amount: STAKE })
    assign(h, 0, 5, 80n, addr(5))
    expectConserved(h.state)
  })

  it('cancel refunds the unreserved escrow now and the rest at close, exactly what was unspent', () => {
    const h = setup()
    const before = h.state.accounts.get(CREATOR)!.balance
    createJob(h)
    assign(h, 0, 5, 80n)
    commit(h)
    const events = h.call(CREATOR, { call: 'cancel_job', jobId: JOB })
    expect(events).toEqual([
      { type: 'Refunded', jobId: JOB, creator: CREATOR, amount: 1028n - 407n },
      { type: 'JobCancelled', jobId: JOB, refunded: 1028n - 407n }
    ])
    h.reject(CREATOR, { call: 'assign_task', jobId: JOB, taskIndex: 1, worker: WORKER, frames: 1, frameCost: 1n }, 'EJobClosed')
    h.reject(CREATOR, { call: 'cancel_job', jobId: JOB }, 'EJobClosed')
    h.reject(CREATOR, { call: 'close_job', jobId: JOB }, 'ETasksPending')
    verdict(h, false) // the committed task still settles after the cancel
    h.call(CREATOR, { call: 'close_job', jobId: JOB })
    h.reject(CREATOR, { call: 'close_job', jobId: JOB }, 'EJobClosed')
    // Spent: one checker fee; the whole slash came to the creator.
    expect(h.state.accounts.get(CREATOR)!.balance).toBe(before - 7n + STAKE)
    expectConserved(h.state)
  })

  it('stake: register, add, withdraw only after the delay; a withdrawing node works no more', () => {
    const h = setup()
    h.call(CHECKER, { call: 'add_stake', amount: 5n })
    expect(h.state.nodes.get(CHECKER)!.stake).toBe(STAKE + 5n)
    h.reject(CHECKER, { call: 'withdraw' }, 'ENotRequested')
    h.call(CHECKER, { call: 'request_withdraw' })
    h.reject(CHECKER, { call: 'withdraw' }, 'ETooEarly')
    createJob(h)
    assign(h)
    h.reject(WORKER, { call: 'commit_result', jobId: JOB, taskIndex: 0, merkleRoot: rootOf(0) }, 'ENoChecker')
    h.now += 1000
    expect(h.call(CHECKER, { call: 'withdraw' })).toEqual([{ type: 'Withdrawn', node: CHECKER, amount: STAKE + 5n }])
    expect(h.state.nodes.get(CHECKER)!.stake).toBe(0n)
    h.call(WORKER, { call: 'request_withdraw' })
    h.reject(CREATOR, { call: 'assign_task', jobId: JOB, taskIndex: 1, worker: WORKER, frames: 1, frameCost: 1n }, 'ENotWorker')
    expectConserved(h.state)
  })

  it('the beacon picks among registered, active checkers other than the worker and the creator', () => {
    const h = setup()
    h.mint(CHECKER2, 10_000_000n)
    h.call(CHECKER2, { call: 'register', role: ROLE.checker, stake: STAKE })
    h.call(CREATOR, { call: 'create_job', jobId: JOB, taskCount: 40, frameCount: 40, maxFrameCost: 1n, checkerFee: 0n, escrow: 40n })
    const seen = new Set<string>()
    for (let i = 0; i < 40; i++) {
      assign(h, i, 1, 1n)
      const assigned = commit(h, i)[1] as { checker: string; beacon: string }
      // verify::pick: the beacon's first 8 bytes, big-endian, modulo the eligible count.
      expect(assigned.checker).toBe([CHECKER, CHECKER2][Number(BigInt('0x' + assigned.beacon.slice(0, 16)) % 2n)])
      seen.add(assigned.checker)
      // Settled before the next: the worker's stake covers only so many open tasks.
      verdict(h, true, i, assigned.checker)
    }
    expect(seen).toEqual(new Set([CHECKER, CHECKER2]))
  })

  it('refuses every wrong call with its typed error and no state change', () => {
    const h = setup()
    const big = { call: 'create_job', jobId: JOB, taskCount: 2, frameCount: 10, maxFrameCost: 100n, checkerFee: 7n } as const
    h.reject(WORKER, { call: 'register', role: ROLE.worker, stake: STAKE }, 'EAlreadyRegistered')
    h.reject(STRANGER, { call: 'register', role: 4, stake: STAKE }, 'EBadRole')
    h.reject(STRANGER, { call: 'register', role: ROLE.checker, stake: STAKE - 1n }, 'EStakeTooLow')
    h.reject(STRANGER, { call: 'register', role: ROLE.checker, stake: 10n ** 12n }, 'EInsufficientBalance')
    h.reject(STRANGER, { call: 'add_stake', amount: 1n }, 'ENotRegistered')
    h.reject(STRANGER, { call: 'request_withdraw' }, 'ENotRegistered')
    h.reject(STRANGER, { call: 'withdraw' }, 'ENotRegistered')
    h.reject(CREATOR, { ...big, escrow: 1027n }, 'EEscrowTooLow')
    h.reject(CREATOR, { ...big, taskCount: 0, escrow: 1028n }, 'EBadArgs')
    h.reject(CREATOR, { ...big, taskCount: 11, escrow: 10n ** 6n }, 'EBadArgs')
    h.reject(CREATOR, { ...big, maxFrameCost: U64_MAX, escrow: U64_MAX }, 'EOverflow')
    h.reject(CREATOR, { ...big, escrow: 10n ** 12n }, 'EInsufficientBalance')
    createJob(h)
    h.reject(STRANGER, { ...big, escrow: 1028n }, 'EJobExists')
    const a = { call: 'assign_task', jobId: JOB, taskIndex: 0, worker: WORKER, frames: 5, frameCost: 80n } as const
    h.reject(STRANGER, a, 'ENotCreator')
    h.reject(CREATOR, { ...a, jobId: jobIdOf(2) }, 'EUnknownJob')
    h.reject(CREATOR, { ...a, taskIndex: 2 }, 'EBadArgs')
    h.reject(CREATOR, { ...a, frames: 0 }, 'EBadArgs')
    h.reject(CREATOR, { ...a, frameCost: 101n }, 'EPriceAboveCap')
    h.reject(CREATOR, { ...a, worker: CHECKER }, 'ENotWorker')
    h.reject(CREATOR, { ...a, worker: STRANGER }, 'ENotWorker')
    // Payouts above the escrow are refused at assignment, before any can happen.
    h.reject(CREATOR, { ...a, frames: 11, frameCost: 100n }, 'EEscrowTooLow')
    h.reject(CREATOR, { ...a, frames: 2 ** 53 - 1, frameCost: 100n }, 'EEscrowTooLow')
    assign(h)
    h.reject(CREATOR, a, 'ETaskState')
    const c = { call: 'commit_result', jobId: JOB, taskIndex: 0, merkleRoot: rootOf(0) } as const
    h.reject(STRANGER, c, 'ENotAssignedWorker')
    h.reject(WORKER, { ...c, taskIndex: 1 }, 'ENotAssignedWorker')
    h.reject(WORKER, { ...c, taskIndex: 99 }, 'ENotAssignedWorker')
    const v = { call: 'submit_verdict', jobId: JOB, taskIndex: 0, accepted: true } as const
    h.reject(CHECKER, v, 'ENotAssignedChecker') // assigned, not committed: no checker yet
    commit(h)
    h.reject(STRANGER, v, 'ENotAssignedChecker')
    h.reject(WORKER, v, 'ENotAssignedChecker')
    h.reject(CREATOR, v, 'ENotAssignedChecker')
    h.reject(CREATOR, { call: 'close_job', jobId: JOB }, 'ETasksPending')
    h.reject(STRANGER, { call: 'close_job', jobId: JOB }, 'ENotCreator')
    h.reject(STRANGER, { call: 'cancel_job', jobId: JOB }, 'ENotCreator')
    verdict(h, true)
    h.reject(CHECKER, v, 'ETaskState') // settling twice
    // Nonces: a replay, a gap.
    const n = h.nonceOf(CHECKER)
    h.reject(CHECKER, { call: 'add_stake', amount: 1n }, 'EBadNonce', n)
    h.reject(CHECKER, { call: 'add_stake', amount: 1n }, 'EBadNonce', n + 2)
    h.reject(CHECKER, { call: 'add_stake', amount: 1n }, 'EBadNonce', 0)
    expectConserved(h.state)
  })

  it('refuses u64 overflow on every sum', () => {
    const h = new Harness()
    h.mint(WORKER, U64_MAX - 5n)
    expect(() => h.mint(CHECKER, 6n)).toThrow(expect.objectContaining({ code: 'EOverflow' }))
    h.mint(CHECKER, 5n)
    expect(h.state.minted).toBe(U64_MAX)
    expectConserved(h.state)
  })
})
