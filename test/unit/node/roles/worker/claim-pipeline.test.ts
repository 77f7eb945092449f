// The claim loop as a pipeline around the renderer, driven step by step: a
// fake creator answers claims, a fake task reports progress and the end of
// its render when the test says so, and the clock only moves when the test
// moves it. Also: the bid a claim carries until the creator leases us a task.
import { afterEach, describe, expect, it } from 'vitest'
import { bytesEqual, encode, type Lease, type LeaseRenewal, signEnvelope } from '../../../../../protocol/index.ts'
import { type CLAIM_BACKOFF, ClaimLoops, MAX_FINISHING_PER_SLOT, PREFETCH_LEAD_MS, prefetchDue, type RunHooks } from '../../../../../node/roles/worker/claim-loop.ts'
import { JobTable, type KnownJob } from '../../../../../node/roles/worker/job-table.ts'
import { TaskClient } from '../../../../../node/roles/worker/task-client.ts'
import type { TaskOutcome } from '../../../../../node/roles/worker/task-runner.ts'
import { announcement, ed, FakeCreator, leaseFor, logger, seedOf } from './fakes.ts'

const WORKER_SEED = seedOf(0x11)
const WORKER_KEY = ed.publicKey(WORKER_SEED)
const START = 1_000_000

interface FakeTask {
  lease: Lease
  hooks: RunHooks
  finish(outcome: TaskOutcome): void
  finished: boolean
}

const committed: TaskOutcome = { status: 'committed', reason: '', framesDone: 2 }

function setup(init: { backoff?: Partial<typeof CLAIM_BACKOFF>; bid?: Uint8Array; frames?: number } = {}) {
  const creator = new FakeCreator()
  const jobs = new JobTable()
  const clock = { now: START }
  const now = () => clock.now
  const client = new TaskClient({ ed, seed: WORKER_SEED, publicKey: WORKER_KEY, rpc: creator.rpc, now })
  const tasks: FakeTask[] = []
  const rebids: string[] = []
  // Each claim gets the next task, two frames each unless said otherwise.
  const leases: Lease[] = []
  creator.onClaim = () => {
    const lease = leaseFor(WORKER_KEY, { taskIndex: leases.length, leaseId: new Uint8Array(16).fill(leases.length + 1), frameEnd: init.frames ?? 2 })
    leases.push(lease)
    return { code: 'ok', lease }
  }
  creator.onRenew = (r: LeaseRenewal) => ({ code: 'ok', lease: { ...leases[r.taskIndex]!, issuedMs: Date.now(), expiresMs: Date.now() + 60_000 } })
  const loops = new ClaimLoops({
    slots: 1,
    jobs,
    client,
    run: (_job: KnownJob, lease: Lease, signal: AbortSignal, hooks: RunHooks) =>
      new Promise<TaskOutcome>((resolve) => {
        const task: FakeTask = {
          lease,
          hooks,
          finished: false,
          finish: (outcome) => {
            task.finished = true
            resolve(outcome)
          }
        }
        tasks.push(task)
        const stop = () => task.finish({ status: 'stopped', reason: 'stop', framesDone: 0 })
        if (signal.aborted) stop()
        signal.addEventListener('abort', stop, { once: true })
      }),
    rebid: (job) => rebids.push(job.id),
    bidFor: init.bid === undefined ? undefined : () => init.bid,
    now,
    logger,
    backoff: { noTask: 30, notAdmitted: 60_000, error: 30, ...init.backoff },
    renewEveryMs: 5
  })
  jobs.observe('j', announcement({ timestampMs: START }), creator.ref, START)
  running.push(loops)
  return { creator, jobs, loops, tasks, leases, rebids, clock }
}

const running: ClaimLoops[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((l) => l.stop()))
})

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 2))
}

/** Lets every pending callback run, so that something that should not happen would have. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

const rendering = (task: FakeTask, framesDone: number) => task.hooks.onProgress({ phase: 'rendering', framesDone })

describe('claim loop pipeline', () => {
  it('claims the next lease during the last frame and renders it once the renderer is free, while the previous task commits', async () => {
    const s = setup()
    s.loops.start()
    await until(() => s.tasks.length === 1)
    const [first] = s.tasks
    expect(first!.hooks.keeper).toBeUndefined()
    rendering(first!, 0)
    await settle()
    // Frame 1 of 2 is rendering: too early to claim.
    expect(s.creator.claims).toBe(1)
    rendering(first!, 1)
    await until(() => s.loops.heldLeases === 1)
    expect(s.creator.claims).toBe(2)
    // The next lease waits for the renderer.
    expect(s.tasks).toHaveLength(1)
    first!.hooks.onRendered()
    await until(() => s.tasks.length === 2)
    const second = s.tasks[1]!
    expect(second.lease.taskIndex).toBe(1)
    expect(second.hooks.keeper?.lease.taskIndex).toBe(1)
    expect(s.loops.heldLeases).toBe(0)
    // The first task is still storing and committing: it does not hold the slot.
    expect(first!.finished).toBe(false)
    expect(s.loops.busySlots).toBe(1)

    // At most MAX_FINISHING_PER_SLOT tasks finish beside the render: the fourth waits for the first's commit.
    expect(MAX_FINISHING_PER_SLOT).toBe(2)
    rendering(second, 1)
    await until(() => s.loops.heldLeases === 1)
    second.hooks.onRendered()
    await until(() => s.tasks.length === 3)
    const third = s.tasks[2]!
    rendering(third, 1)
    await until(() => s.loops.heldLeases === 1)
    third.hooks.onRendered()
    await settle()
    expect(s.tasks).toHaveLength(3)
    first!.finish(committed)
    await until(() => s.tasks.length === 4)
    expect(s.tasks[3]!.lease.taskIndex).toBe(3)
  })

  it('claims early when the frames so far say the render ends within PREFETCH_LEAD_MS, and at the last frame otherwise', async () => {
    const slow = setup({ frames: 4 })
    slow.loops.start()
    await until(() => slow.tasks.length === 1)
    rendering(slow.tasks[0]!, 0)
    slow.clock.now += 10_000
    rendering(slow.tasks[0]!, 1)
    slow.clock.now += 10_000
    rendering(slow.tasks[0]!, 2)
    await settle()
    // 10 s a frame: two frames left is far more than the lead.
    expect(slow.creator.claims).toBe(1)
    rendering(slow.tasks[0]!, 3)
    await until(() => slow.creator.claims === 2)

    const fast = setup({ frames: 4 })
    fast.loops.start()
    await until(() => fast.tasks.length === 1)
    rendering(fast.tasks[0]!, 0)
    fast.clock.now += 100
    rendering(fast.tasks[0]!, 1)
    // 100 ms a frame: the other three end within the lead.
    await until(() => fast.creator.claims === 2)
  })

  it('prefetchDue: the last frame, or an estimated end within the lead', () => {
    expect(prefetchDue(1, 0, 0)).toBe(true)
    expect(prefetchDue(4, 0, 0)).toBe(false)
    expect(prefetchDue(4, 3, 1e9)).toBe(true)
    expect(prefetchDue(4, 1, PREFETCH_LEAD_MS / 3)).toBe(true)
    expect(prefetchDue(4, 1, PREFETCH_LEAD_MS / 3 + 1)).toBe(false)
    expect(prefetchDue(10, 5, 5 * PREFETCH_LEAD_MS)).toBe(false)
  })

  it('renews a prefetched lease while it waits', async () => {
    const s = setup()
    s.loops.start()
    await until(() => s.tasks.length === 1)
    rendering(s.tasks[0]!, 1)
    await until(() => s.creator.renewals.some((r) => r.taskIndex === 1))
    const renewal = s.creator.renewals.find((r) => r.taskIndex === 1)!
    expect(bytesEqual(renewal.leaseId, s.leases[1]!.leaseId)).toBe(true)
    expect(renewal.framesDone).toBe(0)
    expect(s.tasks).toHaveLength(1)
  })

  it('still runs the prefetched lease when the render fails', async () => {
    const s = setup()
    s.loops.start()
    await until(() => s.tasks.length === 1)
    rendering(s.tasks[0]!, 1)
    await until(() => s.loops.heldLeases === 1)
    s.tasks[0]!.finish({ status: 'failed', reason: 'renderer crashed', framesDone: 1 })
    await until(() => s.tasks.length === 2)
    expect(s.tasks[1]!.lease.taskIndex).toBe(1)
    expect(s.tasks[1]!.hooks.keeper).toBeDefined()
  })

  it('releases the prefetched lease when the job is left for failing here, and when the worker stops', async () => {
    const s = setup({ backoff: { maxFailures: 1 } })
    s.loops.start()
    await until(() => s.tasks.length === 1)
    rendering(s.tasks[0]!, 1)
    await until(() => s.loops.heldLeases === 1)
    s.tasks[0]!.finish({ status: 'failed', reason: 'scene refused', framesDone: 0 })
    await until(() => s.loops.heldLeases === 0)
    expect(s.jobs.isForgotten('j', s.clock.now)).toBe(true)
    expect(s.tasks).toHaveLength(1)

    const t = setup()
    t.loops.start()
    await until(() => t.tasks.length === 1)
    rendering(t.tasks[0]!, 1)
    await until(() => t.loops.heldLeases === 1)
    await t.loops.stop()
    expect(t.loops.heldLeases).toBe(0)
    expect(t.tasks).toHaveLength(1)
    // Its keeper stopped with it: no renewal after stop.
    const renewals = t.creator.renewals.length
    await settle()
    expect(t.creator.renewals.length).toBe(renewals)
  })

  it('does not count a creator it could not reach to commit as the job failing here', async () => {
    const s = setup({ backoff: { maxFailures: 1 } })
    s.loops.start()
    await until(() => s.tasks.length === 1)
    s.tasks[0]!.finish({ status: 'failed', reason: 'commitment not delivered before the lease ran out', framesDone: 2, creatorUnreachable: true })
    await settle()
    expect(s.jobs.isForgotten('j', s.clock.now)).toBe(false)
    // Tried again after the error backoff (30 ms here), not left for failedJobForget.
    await until(() => {
      s.clock.now += 10
      s.loops.wake()
      return s.tasks.length === 2
    })
    s.tasks[1]!.finish({ status: 'failed', reason: 'scene refused', framesDone: 0 })
    await until(() => s.jobs.isForgotten('j', s.clock.now))
  })

  it('does not prefetch for a job that is backed off', async () => {
    const s = setup()
    s.loops.start()
    await until(() => s.tasks.length === 1)
    const job = s.jobs.get('j')!
    job.nextClaimMs = s.clock.now + 10_000
    rendering(s.tasks[0]!, 1)
    await settle()
    expect(s.creator.claims).toBe(1)
    expect(s.loops.heldLeases).toBe(0)
  })
})

describe('claims carrying the bid (R46)', () => {
  const bid = signEnvelope(ed, WORKER_SEED, 'Bid', { jobId: new Uint8Array(32).fill(7), price: 1000, benchScore: 1, slots: 1, timestampMs: START, region: '' })

  it('sends the bid with claims until the creator answers noTask or grants a lease (either says it admitted us), then claims without it', async () => {
    const s = setup({ bid })
    const answers = ['noTask', 'ok', 'ok'] as const
    const grant = s.creator.onClaim
    s.creator.onClaim = () => (answers[s.creator.claims - 1] === 'noTask' ? 'noTask' : grant())
    s.loops.start()
    // noTask backs the job off; the test's clock moves past it.
    await until(() => s.jobs.get('j')!.starved)
    s.clock.now += 1_000
    s.loops.wake()
    await until(() => s.tasks.length === 1)
    s.tasks[0]!.finish(committed)
    await until(() => s.creator.claims === 3)
    expect(s.creator.claimBids.map((b) => b !== undefined)).toEqual([true, false, false])
    expect(bytesEqual(encode('Envelope', s.creator.claimBids[0]!), bid)).toBe(true)
  })

  it('claims again at once with the bid after a notAdmitted without it, and backs off when the bid is refused', async () => {
    const s = setup({ bid })
    const grant = s.creator.onClaim
    s.creator.onClaim = () => (s.creator.claims === 1 ? grant() : 'notAdmitted')
    s.loops.start()
    await until(() => s.tasks.length === 1)
    s.tasks[0]!.finish(committed)
    await until(() => s.creator.claims === 3)
    // Claim 2 (no bid, we held a lease) was refused: claim 3 went out at once, with the bid.
    expect(s.creator.claimBids.map((b) => b !== undefined)).toEqual([true, false, true])
    expect(s.rebids.length).toBeGreaterThanOrEqual(1)
    // Refused with the bid: the full notAdmitted backoff, and no fourth claim before it.
    await until(() => s.jobs.get('j')!.nextClaimMs === s.clock.now + 60_000)
    await settle()
    expect(s.creator.claims).toBe(3)
  })

  it('backs off on notAdmitted when it has no bid to send', async () => {
    const s = setup()
    s.creator.onClaim = () => 'notAdmitted'
    s.loops.start()
    await until(() => s.jobs.get('j')!.nextClaimMs === s.clock.now + 60_000)
    expect(s.creator.claims).toBe(1)
    expect(s.creator.claimBids).toEqual([undefined])
  })
})
