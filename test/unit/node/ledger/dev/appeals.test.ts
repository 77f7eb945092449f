// The dev ledger's answers to a checker that rejects honest work: the
// registry binding, the slash going to the creator, and appeals, rule by
// rule and abort by abort, as the Move package's appeal_tests do it.
import { describe, expect, it } from 'vitest'
import { registryOf } from '../../../../../node/ledger/dev/chain.ts'
import { DevLedger } from '../../../../../node/ledger/dev/dev-ledger.ts'
import { pickIndex } from '../../../../../node/ledger/dev/handlers.ts'
import { taskOf } from '../../../../../node/ledger/dev/state.ts'
import { ROLE } from '../../../../../node/ledger/types.ts'
import { addr, chainPerTest, CHECKER, CHECKER2, CREATOR, expectConserved, Harness, JOB, jobIdOf, registeredActors, REGISTRY, rootOf, seed, serialise, STAKE, STRANGER, WORKER, WORKER2 } from './helpers.ts'

const FEE = 7n
const WINDOW = 60_000

/** A creator, a worker, two checkers (stake 2 x STAKE each) and a 2-task job with room for re-checks. */
function setup(checkers = [CHECKER, CHECKER2], slashAmount = STAKE, verdictTimeoutMs?: number): Harness {
  const h = new Harness({ appealWindowMs: WINDOW, slashAmount, ...(verdictTimeoutMs === undefined ? {} : { verdictTimeoutMs }) })
  for (const a of new Set([CREATOR, WORKER, WORKER2, CHECKER, CHECKER2, STRANGER, ...checkers])) h.mint(a, 100_000_000n)
  h.call(CREATOR, { call: 'register', role: ROLE.creator, stake: 0n })
  h.call(WORKER, { call: 'register', role: ROLE.worker, stake: 2n * STAKE })
  h.call(WORKER2, { call: 'register', role: ROLE.worker, stake: 2n * STAKE })
  for (const c of checkers) h.call(c, { call: 'register', role: ROLE.checker, stake: 2n * STAKE })
  h.call(CREATOR, { call: 'create_job', jobId: JOB, taskCount: 2, frameCount: 10, maxFrameCost: 100n, checkerFee: FEE, escrow: 10_000n })
  return h
}

const balance = (h: Harness, a: string) => h.state.accounts.get(a)?.balance ?? 0n
const stake = (h: Harness, a: string) => h.state.nodes.get(a)!.stake

/** Assigns task `taskIndex` to `worker`, commits, and has the drawn checker give `accepted`; returns that checker. */
function verdictBy(h: Harness, accepted: boolean, taskIndex = 0, worker = WORKER): string {
  h.call(CREATOR, { call: 'assign_task', jobId: JOB, taskIndex, worker, frames: 5, frameCost: 80n })
  const drawn = h.call(worker, { call: 'commit_result', jobId: JOB, taskIndex, merkleRoot: rootOf(taskIndex) })[1]
  if (drawn.type !== 'CheckerAssigned') throw new Error('no checker drawn')
  h.call(drawn.checker, { call: 'submit_verdict', jobId: JOB, taskIndex, accepted })
  return drawn.checker
}

/** Opens an appeal from `appellant`; returns the checker drawn to judge it. */
function appeal(h: Harness, appellant: string, taskIndex = 0): string {
  const [opened] = h.call(appellant, { call: 'appeal', jobId: JOB, taskIndex })
  if (opened.type !== 'AppealOpened') throw new Error('no appeal opened')
  return opened.checker
}

const other = (checker: string) => (checker === CHECKER ? CHECKER2 : CHECKER)

describe('registry binding', () => {
  it('a job records the registry it was created in; a task call naming another aborts ERegistryMismatch', () => {
    const h = setup()
    expect(h.state.jobs.get(JOB)!.registry).toBe(REGISTRY)
    const wrong = addr(0xbad)
    const a = { call: 'assign_task', jobId: JOB, taskIndex: 0, worker: WORKER, frames: 5, frameCost: 80n } as const
    h.reject(CREATOR, { ...a, registry: wrong }, 'ERegistryMismatch')
    // Checked right after the job resolves: before who is asking, or anything about the task.
    h.reject(STRANGER, { ...a, registry: wrong, taskIndex: 99 }, 'ERegistryMismatch')
    h.reject(CREATOR, { ...a, registry: wrong, jobId: jobIdOf(2) }, 'EUnknownJob')
    h.call(CREATOR, a)
    const c = { call: 'commit_result', jobId: JOB, taskIndex: 0, merkleRoot: rootOf(0) } as const
    h.reject(WORKER, { ...c, registry: wrong }, 'ERegistryMismatch')
    const checker = (h.call(WORKER, c)[1] as { checker: string }).checker
    const v = { call: 'submit_verdict', jobId: JOB, taskIndex: 0, accepted: false } as const
    h.reject(checker, { ...v, registry: wrong }, 'ERegistryMismatch')
    h.call(checker, v)
    h.reject(WORKER, { call: 'appeal', jobId: JOB, taskIndex: 0, registry: wrong }, 'ERegistryMismatch')
    const judge = appeal(h, WORKER)
    h.reject(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true, registry: wrong }, 'ERegistryMismatch')
    h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true })
    expectConserved(h.state)
  })
})

describe('slashed stake goes to the creator', () => {
  it('a rejecting checker earns exactly the fee an accepting one does, and none of the slash', () => {
    const h = setup([CHECKER])
    const before = { checker: balance(h, CHECKER), creator: balance(h, CREATOR) }
    verdictBy(h, false)
    const afterReject = { checker: balance(h, CHECKER), creator: balance(h, CREATOR) }
    expect(afterReject.checker - before.checker).toBe(FEE)
    expect(afterReject.creator - before.creator).toBe(STAKE)
    verdictBy(h, true)
    expect(balance(h, CHECKER) - afterReject.checker).toBe(FEE)
    expectConserved(h.state)
  })
})

describe('appeals', () => {
  it('a worker appeals a wrong rejection: the appeal checker, drawn without the first checker, overturns it and the first checker pays the worker', () => {
    const h = setup()
    const first = verdictBy(h, false)
    h.now += WINDOW // the last ms of the window
    const worker0 = balance(h, WORKER)
    const [opened] = h.call(WORKER, { call: 'appeal', jobId: JOB, taskIndex: 0 })
    expect(opened).toEqual({
      type: 'AppealOpened',
      jobId: JOB,
      taskIndex: 0,
      appellant: WORKER,
      worker: WORKER,
      verdictChecker: first,
      merkleRoot: rootOf(0),
      checker: other(first),
      beacon: expect.stringMatching(/^[0-9a-f]{64}$/),
      fee: FEE
    })
    expect(balance(h, WORKER)).toBe(worker0 - FEE)
    expect(h.state.jobs.get(JOB)!.appealFees).toBe(FEE)
    expect(h.state.nodes.get(other(first))!.openTasks).toBe(1)
    expectConserved(h.state)
    const judge = other(first)
    const judge0 = balance(h, judge)
    const firstStake = stake(h, first)
    const task = taskOf(h.state, JOB, 0)
    const events = h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true })
    expect(events).toEqual([
      { type: 'AppealJudged', jobId: JOB, taskIndex: 0, checker: judge, accepted: true, overturned: true, verdictChecker: first, slashed: STAKE, slashedTo: WORKER, fee: FEE }
    ])
    expect(balance(h, judge) - judge0).toBe(FEE)
    expect(stake(h, first)).toBe(firstStake - STAKE)
    expect(balance(h, WORKER)).toBe(worker0 - FEE + STAKE)
    expect(h.state.jobs.get(JOB)!.appealFees).toBe(0n)
    expect(h.state.nodes.get(judge)!.openTasks).toBe(0)
    // The task is not touched: what the verdict paid stands, the slash is the compensation.
    expect(taskOf(h.state, JOB, 0)).toEqual(task)
    expectConserved(h.state)
  })

  it('a creator appeals a wrong acceptance: the first checker pays the creator', () => {
    const h = setup()
    const first = verdictBy(h, true)
    const judge = appeal(h, CREATOR)
    const creator0 = balance(h, CREATOR)
    const [judged] = h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: false })
    expect(judged).toMatchObject({ overturned: true, verdictChecker: first, slashed: STAKE, slashedTo: CREATOR })
    expect(balance(h, CREATOR) - creator0).toBe(STAKE)
    expect(taskOf(h.state, JOB, 0).state).toBe('verified')
    expectConserved(h.state)
  })

  it('an appeal that agrees with the verdict slashes nobody and still pays the appeal checker its fee', () => {
    const h = setup()
    const first = verdictBy(h, false)
    const judge = appeal(h, WORKER)
    const stakes = [stake(h, first), stake(h, judge)]
    const [judged] = h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: false })
    expect(judged).toMatchObject({ overturned: false, slashed: 0n, slashedTo: `0x${'0'.repeat(64)}`, fee: FEE })
    expect([stake(h, first), stake(h, judge)]).toEqual(stakes)
    expectConserved(h.state)
  })

  it('slashes at most the first checker’s stake, even after it asked to withdraw', () => {
    const h = setup([CHECKER, CHECKER2], 5n * STAKE)
    const first = verdictBy(h, false)
    h.call(first, { call: 'request_withdraw' })
    const judge = appeal(h, WORKER)
    const [judged] = h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true })
    expect(judged).toMatchObject({ slashed: 2n * STAKE, slashedTo: WORKER })
    expect(stake(h, first)).toBe(0n)
    expectConserved(h.state)
  })

  it('the appeal checker is the beacon’s pick among active checkers other than the first checker, the worker and the creator', () => {
    const h = setup()
    const more = [addr(6), addr(7), addr(8)]
    for (const c of more) {
      h.mint(c, 10_000_000n)
      h.call(c, { call: 'register', role: ROLE.checker, stake: STAKE })
    }
    h.call(addr(7), { call: 'request_withdraw' })
    const first = verdictBy(h, false)
    const [opened] = h.call(WORKER, { call: 'appeal', jobId: JOB, taskIndex: 0 })
    if (opened.type !== 'AppealOpened') throw new Error('no appeal')
    const eligible = h.state.checkers.filter((c) => c !== first && c !== addr(7))
    expect(eligible).toHaveLength(3)
    expect(opened.checker).toBe(eligible[pickIndex(Buffer.from(opened.beacon, 'hex'), eligible.length)])
  })

  it('refuses every wrong appeal with its typed error and no state change', () => {
    const h = setup()
    const a = { call: 'appeal', jobId: JOB, taskIndex: 0 } as const
    h.reject(WORKER, a, 'ENoVerdict')
    h.reject(WORKER, { ...a, jobId: jobIdOf(2) }, 'EUnknownJob')
    const first = verdictBy(h, false)
    h.reject(STRANGER, a, 'ENotAppellant')
    h.reject(first, a, 'ENotAppellant')
    h.reject(WORKER2, a, 'ENotAppellant')
    h.now += WINDOW + 1
    h.reject(WORKER, a, 'EAppealWindow')
    h.reject(CREATOR, a, 'EAppealWindow')
    // A fresh verdict opens a fresh window.
    const first2 = verdictBy(h, false, 0, WORKER2)
    h.reject(WORKER, a, 'ENotAppellant') // the last verdict is WORKER2's now
    const judge = appeal(h, WORKER2)
    h.reject(CREATOR, a, 'EAppealExists')
    h.reject(WORKER2, a, 'EAppealExists')
    const j = { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true } as const
    h.reject(STRANGER, j, 'ENotAppealChecker')
    h.reject(first2, j, 'ENotAppealChecker')
    h.reject(judge, { ...j, taskIndex: 1 }, 'ENotAppealChecker')
    h.call(judge, j)
    h.reject(judge, j, 'ENotAppealChecker') // judged once
    h.reject(WORKER2, a, 'EAppealExists') // one appeal per verdict, judged or not
    expectConserved(h.state)
  })

  it('ENoChecker when no active checker is left besides the first; EInsufficientBalance when the appellant cannot pay', () => {
    const h = setup([CHECKER])
    verdictBy(h, false)
    h.reject(WORKER, { call: 'appeal', jobId: JOB, taskIndex: 0 }, 'ENoChecker')
    h.call(CHECKER2, { call: 'register', role: ROLE.checker, stake: STAKE })
    const poor = addr(0x99)
    h.mint(poor, 2n * STAKE)
    h.call(poor, { call: 'register', role: ROLE.worker, stake: 2n * STAKE })
    verdictBy(h, false, 1, poor)
    h.reject(poor, { call: 'appeal', jobId: JOB, taskIndex: 1 }, 'EInsufficientBalance')
  })

  it('an open appeal keeps judging the verdict it was opened on after the task gets a newer one; that one waits its turn', () => {
    const h = setup([CHECKER, CHECKER2, addr(6)])
    const first = verdictBy(h, false)
    const judge = appeal(h, WORKER)
    // The task reopened: WORKER2 takes it, and its result gets a verdict too.
    const second = verdictBy(h, true, 0, WORKER2)
    h.reject(CREATOR, { call: 'appeal', jobId: JOB, taskIndex: 0 }, 'EAppealExists')
    const [judged] = h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true })
    // Judged against the first verdict (a rejection of WORKER): overturned, WORKER compensated.
    expect(judged).toMatchObject({ overturned: true, verdictChecker: first, slashedTo: WORKER })
    const [opened] = h.call(CREATOR, { call: 'appeal', jobId: JOB, taskIndex: 0 })
    expect(opened).toMatchObject({ worker: WORKER2, verdictChecker: second })
    expectConserved(h.state)
  })
})

describe('appeals on a dev chain', () => {
  const dev = chainPerTest('pictor-appeals-')

  it('the client names the chain registry; verdicts and appeals persist across a restart and replay to the same state', async () => {
    const ledgerOf = (s: Uint8Array) => new DevLedger(dev.chain, s)
    const { creator, worker, checker } = await registeredActors(ledgerOf, 10_000_000n, 2_000_000n)
    const registry = registryOf(dev.chain.chainId)
    expect(dev.chain.info().registry).toBe(registry)
    const jobId = jobIdOf(1)
    await creator.createJob({ jobId, taskCount: 1, frameCount: 4, maxFrameCost: 100n, checkerFee: 10n, escrow: 1_000n })
    expect((await creator.job(jobId))?.registry).toBe(registry)
    await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 4, frameCost: 90n })
    await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
    await checker.submitVerdict({ jobId, taskIndex: 0, accepted: false })
    const judge = ledgerOf(seed(4))
    await judge.faucet(judge.address, 10_000_000n)
    await judge.register(ROLE.checker, 2_000_000n)
    const opened = await worker.appeal({ jobId, taskIndex: 0 })
    expect(opened.checker).toBe(judge.address)
    expect(opened.beacon).toMatch(/^[0-9a-f]{64}$/)

    await dev.chain.stop()
    await dev.open()
    expect(serialise(dev.chain.snapshot())).toBe(serialise(await dev.chain.replay()))
    expect(dev.chain.snapshot().appeals.get(`${jobId}:0`)).toMatchObject({ checker: judge.address, verdictChecker: checker.address, judged: false })

    const again = ledgerOf(seed(4))
    const judged = await again.judgeAppeal({ jobId, taskIndex: 0, accepted: true })
    expect(judged.events).toMatchObject([{ type: 'AppealJudged', overturned: true, slashedTo: worker.address, slashed: 1_000_000n, fee: 10n }])
    expect((await again.node(checker.address))?.stake).toBe(0n)
  })
})

describe('a silent appeal checker', () => {
  const TIMEOUT = 10_000 // below WINDOW, so the verdict can be appealed again after a cancel

  it('after the deadline the appellant cancels the appeal: its fee comes back, the checker owes nothing, the task can be appealed again', () => {
    const h = setup([CHECKER, CHECKER2, addr(6)], STAKE, TIMEOUT)
    verdictBy(h, false)
    const judge = appeal(h, WORKER)
    const paid = balance(h, WORKER)
    const c = { call: 'cancel_appeal', jobId: JOB, taskIndex: 0 } as const
    h.now += TIMEOUT - 1
    h.reject(WORKER, c, 'ETooEarly')
    h.now += 1
    h.reject(CREATOR, c, 'ENotAppellant')
    h.reject(judge, c, 'ENotAppellant')
    h.reject(WORKER, { ...c, taskIndex: 1 }, 'ENotAppellant')
    h.reject(WORKER, { ...c, registry: addr(0xbad) }, 'ERegistryMismatch')
    const events = h.call(WORKER, c)
    expect(events).toEqual([{ type: 'AppealCancelled', jobId: JOB, taskIndex: 0, appellant: WORKER, checker: judge, fee: FEE }])
    expect(balance(h, WORKER)).toBe(paid + FEE)
    expect(h.state.jobs.get(JOB)!.appealFees).toBe(0n)
    expect(h.state.nodes.get(judge)!.openTasks).toBe(0)
    expect(stake(h, judge)).toBe(2n * STAKE) // silence is not a wrong verdict
    expect(h.state.appeals.get(`${JOB}:0`)).toMatchObject({ judged: true, cancelled: true })
    h.reject(WORKER, c, 'ENotAppellant') // cancelled once
    h.reject(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true }, 'ENotAppealChecker')
    expectConserved(h.state)
    const [opened] = h.call(CREATOR, { call: 'appeal', jobId: JOB, taskIndex: 0 })
    expect(opened).toMatchObject({ type: 'AppealOpened', appellant: CREATOR })
    expectConserved(h.state)
  })

  it('a judged appeal cannot be cancelled', () => {
    const h = setup([CHECKER, CHECKER2], STAKE, TIMEOUT)
    verdictBy(h, false)
    const judge = appeal(h, WORKER)
    h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: false })
    h.now += TIMEOUT
    h.reject(WORKER, { call: 'cancel_appeal', jobId: JOB, taskIndex: 0 }, 'ENotAppellant')
  })
})

describe('a checker slashed below the minimum stake', () => {
  it('leaves the active checkers (swap-remove) and is drawn no more, until add_stake brings it back to the minimum', () => {
    const h = setup([CHECKER, CHECKER2, addr(6)], (3n * STAKE) / 2n)
    const first = verdictBy(h, false)
    const judge = appeal(h, WORKER)
    h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true })
    expect(stake(h, first)).toBe(STAKE / 2n)
    expect(h.state.checkers).not.toContain(first)
    expect(h.state.checkers).toHaveLength(2)
    // Every later draw skips it: task 1's checker is never the slashed one.
    expect(verdictBy(h, true, 1, WORKER2)).not.toBe(first)
    h.call(first, { call: 'add_stake', amount: STAKE / 4n })
    expect(h.state.checkers).not.toContain(first) // still below the minimum
    h.call(first, { call: 'add_stake', amount: STAKE / 4n })
    expect(h.state.checkers.at(-1)).toBe(first)
    expect(h.state.checkers).toHaveLength(3)
    expectConserved(h.state)
  })

  it('a slash that leaves the minimum keeps the checker drawn', () => {
    const h = setup([CHECKER, CHECKER2, addr(6)], STAKE)
    const first = verdictBy(h, false)
    const judge = appeal(h, WORKER)
    h.call(judge, { call: 'judge_appeal', jobId: JOB, taskIndex: 0, accepted: true })
    expect(stake(h, first)).toBe(STAKE)
    expect(h.state.checkers).toContain(first)
  })
})
