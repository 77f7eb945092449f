// The dev ledger's rules that keep money from being locked forever, rule by
// rule and abort by abort, as the Move package's deadline_tests and
// stake_tests do it: task deadlines (reclaim_task, redraw_checker), the open
// work that keeps a node from withdrawing, the bounded set of active
// checkers, a worker's exposure bounded by its stake, and the escrow a job
// must hold (top_up_job). Time is the Harness's injected clock.
import { describe, expect, it } from 'vitest'
import { MAX_REDRAWS, pickIndex } from '../../../../../node/ledger/dev/handlers.ts'
import { taskOf } from '../../../../../node/ledger/dev/state.ts'
import { ROLE } from '../../../../../node/ledger/types.ts'
import { addr, CHECKER, CHECKER2, CHECKER3, CREATOR, expectConserved, Harness, JOB, jobIdOf, rootOf, STAKE, STRANGER, WORKER, WORKER2 } from './helpers.ts'

const FEE = 7n
const COMMIT_TIMEOUT = 1_000
const VERDICT_TIMEOUT = 2_000

/** A creator, two workers (stake 2 x STAKE) and `checkers`, and a 2-task job whose escrow is exactly the minimum. */
function setup(checkers = [CHECKER], params: { maxCheckers?: number; tasksPerMinStake?: number } = {}): Harness {
  const h = new Harness({ commitTimeoutMs: COMMIT_TIMEOUT, verdictTimeoutMs: VERDICT_TIMEOUT, ...params })
  for (const a of [CREATOR, WORKER, WORKER2, CHECKER, CHECKER2, CHECKER3, STRANGER]) h.mint(a, 100_000_000n)
  h.call(CREATOR, { call: 'register', role: ROLE.creator, stake: 0n })
  h.call(WORKER, { call: 'register', role: ROLE.worker, stake: 2n * STAKE })
  h.call(WORKER2, { call: 'register', role: ROLE.worker, stake: 2n * STAKE })
  for (const c of checkers) h.call(c, { call: 'register', role: ROLE.checker, stake: STAKE })
  h.call(CREATOR, { call: 'create_job', jobId: JOB, taskCount: 2, frameCount: 10, maxFrameCost: 100n, checkerFee: FEE, escrow: 1000n + 4n * FEE })
  return h
}

const assign = (h: Harness, taskIndex = 0, worker = WORKER) => h.call(CREATOR, { call: 'assign_task', jobId: JOB, taskIndex, worker, frames: 5, frameCost: 80n })
/** Commits task `taskIndex`; returns the checker drawn. */
function commit(h: Harness, taskIndex = 0, worker = WORKER): string {
  const drawn = h.call(worker, { call: 'commit_result', jobId: JOB, taskIndex, merkleRoot: rootOf(taskIndex) })[1]
  if (drawn.type !== 'CheckerAssigned') throw new Error('no checker drawn')
  return drawn.checker
}
const reclaim = (h: Harness, taskIndex = 0) => h.call(CREATOR, { call: 'reclaim_task', jobId: JOB, taskIndex })
const redraw = (h: Harness, taskIndex = 0, sender = STRANGER) => h.call(sender, { call: 'redraw_checker', jobId: JOB, taskIndex })
const balance = (h: Harness, a: string) => h.state.accounts.get(a)?.balance ?? 0n
const openTasks = (h: Harness, a: string) => h.state.nodes.get(a)!.openTasks

describe('deadlines and open work', () => {
  it('assign and commit set the deadlines; a node has open work until the verdict', () => {
    const h = setup()
    h.now = 50_000
    assign(h)
    expect(taskOf(h.state, JOB, 0)).toMatchObject({ state: 'assigned', deadline: 50_000 + COMMIT_TIMEOUT })
    expect(openTasks(h, WORKER)).toBe(1)
    h.now = 50_500
    const checker = commit(h)
    expect(taskOf(h.state, JOB, 0)).toMatchObject({ state: 'committed', deadline: 50_500 + VERDICT_TIMEOUT, redraws: 0 })
    expect([openTasks(h, WORKER), openTasks(h, checker)]).toEqual([1, 1])
    h.call(checker, { call: 'submit_verdict', jobId: JOB, taskIndex: 0, accepted: true })
    expect(taskOf(h.state, JOB, 0)).toMatchObject({ state: 'verified', deadline: 0 })
    expect([openTasks(h, WORKER), openTasks(h, checker)]).toEqual([0, 0])
  })

  it('no withdrawal completes with open work: a worker with a task, a checker owing a verdict (EOpenWork)', () => {
    const h = setup()
    assign(h)
    h.call(WORKER, { call: 'request_withdraw' })
    h.now += 1000
    h.reject(WORKER, { call: 'withdraw' }, 'EOpenWork')
    const checker = commit(h)
    h.call(checker, { call: 'request_withdraw' })
    h.now += 1000
    h.reject(checker, { call: 'withdraw' }, 'EOpenWork')
    // The withdrawing checker still owes, and may give, its verdict; then both may leave.
    h.call(checker, { call: 'submit_verdict', jobId: JOB, taskIndex: 0, accepted: true })
    expect(h.call(WORKER, { call: 'withdraw' })).toEqual([{ type: 'Withdrawn', node: WORKER, amount: 2n * STAKE }])
    h.call(checker, { call: 'withdraw' })
    expectConserved(h.state)
  })
})

describe('reclaim_task', () => {
  it('after the commit deadline: Open again, its reservation released, the worker free to leave, no slash', () => {
    const h = setup()
    assign(h)
    h.call(WORKER, { call: 'request_withdraw' })
    h.now += COMMIT_TIMEOUT
    expect(reclaim(h)).toEqual([{ type: 'TaskReclaimed', jobId: JOB, taskIndex: 0, worker: WORKER }])
    expect(taskOf(h.state, JOB, 0)).toEqual({ state: 'open', attempts: 1 })
    expect(h.state.jobs.get(JOB)).toMatchObject({ escrow: 1028n, reserved: 0n, pendingTasks: 0 })
    expect(h.state.nodes.get(WORKER)).toMatchObject({ stake: 2n * STAKE, rejected: 0, openTasks: 0 })
    h.call(WORKER, { call: 'withdraw' })
    // Another worker takes the task.
    assign(h, 0, WORKER2)
    expect(taskOf(h.state, JOB, 0)).toMatchObject({ state: 'assigned', worker: WORKER2, attempts: 2 })
    expectConserved(h.state)
  })

  it('is refused before the deadline, from anyone but the creator, and on a task not Assigned', () => {
    const h = setup()
    const r = { call: 'reclaim_task', jobId: JOB, taskIndex: 0 } as const
    h.reject(CREATOR, r, 'ETaskState') // never assigned
    h.reject(CREATOR, { ...r, taskIndex: 99 }, 'ETaskState')
    assign(h)
    h.now += COMMIT_TIMEOUT - 1
    h.reject(CREATOR, r, 'ETooEarly')
    h.now += 1
    h.reject(STRANGER, r, 'ENotCreator')
    h.reject(CREATOR, { ...r, registry: addr(0xbad) }, 'ERegistryMismatch')
    h.reject(CREATOR, { ...r, jobId: jobIdOf(2) }, 'EUnknownJob')
    commit(h)
    h.reject(CREATOR, r, 'ETaskState')
  })

  it('lets a cancelled job whose worker went silent close, refunding the whole escrow', () => {
    const h = setup()
    const before = balance(h, CREATOR)
    assign(h)
    h.call(CREATOR, { call: 'cancel_job', jobId: JOB })
    h.reject(CREATOR, { call: 'close_job', jobId: JOB }, 'ETasksPending')
    h.now += COMMIT_TIMEOUT
    reclaim(h)
    h.call(CREATOR, { call: 'close_job', jobId: JOB })
    // Everything the job locked (setup) came back.
    expect(balance(h, CREATOR)).toBe(before + 1028n)
    expectConserved(h.state)
  })
})

describe('redraw_checker', () => {
  it('after the verdict deadline, anyone draws another checker, which settles; the late one no longer may', () => {
    const h = setup([CHECKER, CHECKER2])
    assign(h)
    const late = commit(h)
    const next = late === CHECKER ? CHECKER2 : CHECKER
    h.now += VERDICT_TIMEOUT
    const events = redraw(h)
    expect(events.map((e) => e.type)).toEqual(['CheckerTimedOut', 'CheckerAssigned'])
    expect(events[0]).toEqual({ type: 'CheckerTimedOut', jobId: JOB, taskIndex: 0, checker: late })
    expect(events[1]).toMatchObject({ checker: next })
    expect(taskOf(h.state, JOB, 0)).toMatchObject({ state: 'committed', checker: next, redraws: 1, deadline: h.now + VERDICT_TIMEOUT, merkleRoot: rootOf(0) })
    expect([openTasks(h, late), openTasks(h, next), openTasks(h, WORKER)]).toEqual([0, 1, 1])
    h.reject(late, { call: 'submit_verdict', jobId: JOB, taskIndex: 0, accepted: false }, 'ENotAssignedChecker')
    h.call(next, { call: 'submit_verdict', jobId: JOB, taskIndex: 0, accepted: true })
    expect(taskOf(h.state, JOB, 0).state).toBe('verified')
    expectConserved(h.state)
  })

  it('the new draw is the pick among the active checkers without the late one, the worker and the creator', () => {
    const h = setup([CHECKER, CHECKER2, CHECKER3])
    assign(h)
    const late = commit(h)
    h.now += VERDICT_TIMEOUT
    const beacon = h.ctx().beacon
    h.beaconByte-- // the redraw gets the same beacon as the ctx() just read
    const assigned = redraw(h)[1]
    const eligible = [CHECKER, CHECKER2, CHECKER3].filter((c) => c !== late)
    expect(assigned).toMatchObject({ type: 'CheckerAssigned', checker: eligible[pickIndex(beacon, eligible.length)] })
  })

  it('with no other checker, pays the worker as accepted; the checker fee stays in the escrow', () => {
    const h = setup()
    const creatorBefore = balance(h, CREATOR)
    const workerBefore = balance(h, WORKER)
    assign(h)
    const late = commit(h)
    h.now += VERDICT_TIMEOUT
    const events = redraw(h, 0, CREATOR)
    expect(events).toEqual([
      { type: 'CheckerTimedOut', jobId: JOB, taskIndex: 0, checker: late },
      { type: 'WorkerPaid', jobId: JOB, taskIndex: 0, worker: WORKER, amount: 400n }
    ])
    expect(balance(h, WORKER) - workerBefore).toBe(400n)
    expect(taskOf(h.state, JOB, 0).state).toBe('verified')
    expect(h.state.jobs.get(JOB)).toMatchObject({ escrow: 1028n - 400n, reserved: 0n, verifiedTasks: 1, pendingTasks: 0 })
    // No checker saw it: the worker's reputation does not grow.
    expect(h.state.nodes.get(WORKER)).toMatchObject({ verified: 0, openTasks: 0 })
    expect(openTasks(h, late)).toBe(0)
    h.reject(late, { call: 'submit_verdict', jobId: JOB, taskIndex: 0, accepted: true }, 'ETaskState')
    h.call(CREATOR, { call: 'cancel_job', jobId: JOB })
    h.call(CREATOR, { call: 'close_job', jobId: JOB })
    expect(balance(h, CREATOR)).toBe(creatorBefore + 1028n - 400n)
    expectConserved(h.state)
  })

  it(`after ${MAX_REDRAWS} redraws a missed verdict pays the worker unchecked, even with checkers left`, () => {
    const h = setup([CHECKER, CHECKER2])
    assign(h)
    commit(h)
    for (let i = 0; i < MAX_REDRAWS; i++) {
      h.now += VERDICT_TIMEOUT
      expect(redraw(h).map((e) => e.type)).toEqual(['CheckerTimedOut', 'CheckerAssigned'])
    }
    h.now += VERDICT_TIMEOUT
    expect(redraw(h).map((e) => e.type)).toEqual(['CheckerTimedOut', 'WorkerPaid'])
    expect(taskOf(h.state, JOB, 0)).toMatchObject({ state: 'verified', redraws: MAX_REDRAWS })
    expect([openTasks(h, CHECKER), openTasks(h, CHECKER2), openTasks(h, WORKER)]).toEqual([0, 0, 0])
    expectConserved(h.state)
  })

  it('is refused before the deadline and on a task not Committed', () => {
    const h = setup()
    const r = { call: 'redraw_checker', jobId: JOB, taskIndex: 0 } as const
    h.reject(STRANGER, r, 'ETaskState')
    assign(h)
    h.reject(STRANGER, r, 'ETaskState')
    const checker = commit(h)
    h.now += VERDICT_TIMEOUT - 1
    h.reject(STRANGER, r, 'ETooEarly')
    h.now += 1
    h.reject(STRANGER, { ...r, registry: addr(0xbad) }, 'ERegistryMismatch')
    h.call(checker, { call: 'submit_verdict', jobId: JOB, taskIndex: 0, accepted: true })
    h.reject(STRANGER, r, 'ETaskState')
  })
})

describe('the active checkers', () => {
  it('are bounded (ERegistryFull, for checkers only) and leave by swap-remove on request_withdraw', () => {
    const h = setup([CHECKER2, CHECKER, CHECKER3], { maxCheckers: 3 })
    expect(h.state.checkers).toEqual([CHECKER2, CHECKER, CHECKER3])
    h.mint(addr(7), 10_000_000n)
    h.reject(addr(7), { call: 'register', role: ROLE.checker, stake: STAKE }, 'ERegistryFull')
    h.call(CHECKER2, { call: 'request_withdraw' })
    // The last checker takes the leaving one's place; asking again changes nothing.
    expect(h.state.checkers).toEqual([CHECKER3, CHECKER])
    h.call(CHECKER2, { call: 'request_withdraw' })
    expect(h.state.checkers).toEqual([CHECKER3, CHECKER])
    h.call(addr(7), { call: 'register', role: ROLE.checker, stake: STAKE })
    expect(h.state.checkers).toEqual([CHECKER3, CHECKER, addr(7)])
    // A full registry still takes workers.
    h.mint(addr(8), 10_000_000n)
    h.call(addr(8), { call: 'register', role: ROLE.worker, stake: STAKE })
  })

  it('the pick indexes the vector without the excluded keys', () => {
    const h = setup([CHECKER2, CHECKER, CHECKER3])
    h.call(CHECKER2, { call: 'request_withdraw' })
    // Vector [CHECKER3, CHECKER]; the creator and worker are not in it, so both are eligible.
    assign(h)
    const beacon = h.ctx().beacon
    h.beaconByte--
    expect(commit(h)).toBe([CHECKER3, CHECKER][pickIndex(beacon, 2)])
  })
})

describe('exposure and escrow', () => {
  it(`a worker holds at most floor(stake / minStake) x tasksPerMinStake open tasks (EStakeTooLow); more stake, more room`, () => {
    const h = setup([CHECKER], { tasksPerMinStake: 1 })
    h.call(CREATOR, { call: 'create_job', jobId: jobIdOf(2), taskCount: 3, frameCount: 3, maxFrameCost: 10n, checkerFee: 0n, escrow: 30n })
    const a = (taskIndex: number) => ({ call: 'assign_task', jobId: jobIdOf(2), taskIndex, worker: WORKER, frames: 1, frameCost: 10n }) as const
    h.call(CREATOR, a(0))
    h.call(CREATOR, a(1))
    h.reject(CREATOR, a(2), 'EStakeTooLow')
    h.call(WORKER, { call: 'add_stake', amount: STAKE - 1n })
    h.reject(CREATOR, a(2), 'EStakeTooLow')
    h.call(WORKER, { call: 'add_stake', amount: 1n })
    h.call(CREATOR, a(2))
    expect(openTasks(h, WORKER)).toBe(3)
  })

  it('create_job needs two checker fees per task; top_up_job adds escrow until the job is closed', () => {
    const h = setup()
    const c = { call: 'create_job', jobId: jobIdOf(2), taskCount: 2, frameCount: 10, maxFrameCost: 100n, checkerFee: FEE } as const
    h.reject(CREATOR, { ...c, escrow: 1000n + 4n * FEE - 1n }, 'EEscrowTooLow')
    const before = balance(h, CREATOR)
    const t = { call: 'top_up_job', jobId: JOB, amount: 60n } as const
    expect(h.call(CREATOR, t)).toEqual([{ type: 'JobToppedUp', jobId: JOB, creator: CREATOR, amount: 60n, escrow: 1028n + 60n }])
    h.reject(STRANGER, t, 'ENotCreator')
    h.reject(CREATOR, { ...t, jobId: jobIdOf(3) }, 'EUnknownJob')
    h.reject(CREATOR, { ...t, amount: 10n ** 12n }, 'EInsufficientBalance')
    h.call(CREATOR, { call: 'cancel_job', jobId: JOB })
    // A top-up after a cancel comes back at close.
    h.call(CREATOR, t)
    h.call(CREATOR, { call: 'close_job', jobId: JOB })
    expect(balance(h, CREATOR)).toBe(before + 1028n)
    h.reject(CREATOR, t, 'EJobClosed')
    expectConserved(h.state)
  })
})
