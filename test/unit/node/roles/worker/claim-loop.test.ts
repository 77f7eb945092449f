import { describe, expect, it } from 'vitest'
import type { Lease } from '../../../../../protocol/index.ts'
import { ClaimLoops } from '../../../../../node/roles/worker/claim-loop.ts'
import { JobTable, type KnownJob } from '../../../../../node/roles/worker/job-table.ts'
import { TaskClient } from '../../../../../node/roles/worker/task-client.ts'
import type { TaskOutcome } from '../../../../../node/roles/worker/task-runner.ts'
import { VirtualClock } from '../../../../../testnet/sim/virtual-clock.ts'
import { announcement, ed, FakeCreator, leaseFor, logger, seedOf } from './fakes.ts'

const WORKER_SEED = seedOf(0x11)
const WORKER_KEY = ed.publicKey(WORKER_SEED)

function setup(slots: number) {
  const creator = new FakeCreator()
  const jobs = new JobTable()
  const client = new TaskClient({ ed, seed: WORKER_SEED, publicKey: WORKER_KEY, rpc: creator.rpc, now: Date.now })
  const ran: Lease[] = []
  const rebids: string[] = []
  let release: () => void = () => {}
  const gate = new Promise<void>((r) => {
    release = r
  })
  let holdTasks = false
  const loops = new ClaimLoops({
    slots,
    jobs,
    client,
    run: async (_job: KnownJob, lease: Lease, signal: AbortSignal): Promise<TaskOutcome> => {
      ran.push(lease)
      if (holdTasks) await Promise.race([gate, new Promise((r) => signal.addEventListener('abort', r))])
      return signal.aborted ? { status: 'stopped', reason: 'stop', framesDone: 0 } : { status: 'committed', reason: '', framesDone: 2 }
    },
    rebid: (job) => rebids.push(job.id),
    now: Date.now,
    logger,
    backoff: { noTask: 30, notAdmitted: 30, error: 30 }
  })
  jobs.observe('j', announcement({ timestampMs: Date.now() }), creator.ref, Date.now())
  return { creator, jobs, loops, ran, rebids, release, hold: () => (holdTasks = true) }
}

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('claim loops', () => {
  it('runs leased tasks on every slot and stops cleanly mid-task', async () => {
    const s = setup(3)
    s.hold()
    let index = 0
    s.creator.onClaim = () => ({ code: 'ok', lease: leaseFor(WORKER_KEY, { taskIndex: index++ }) })
    s.loops.start()
    await until(() => s.ran.length === 3)
    expect(s.loops.busySlots).toBe(3)
    await s.loops.stop()
    expect(s.loops.busySlots).toBe(0)
  })

  it('backs off on noTask with a single probe, and keeps asking', async () => {
    const s = setup(8)
    s.loops.start()
    await until(() => s.creator.claims >= 3)
    await s.loops.stop()
    // 8 slots, but a starved job is probed by one slot at a time (~one claim per 30 ms backoff).
    expect(s.creator.claims).toBeLessThan(12)
  })

  it('re-bids on notAdmitted', async () => {
    const s = setup(1)
    s.creator.onClaim = () => 'notAdmitted'
    s.loops.start()
    await until(() => s.rebids.length >= 2)
    await s.loops.stop()
    expect(s.rebids[0]).toBe('j')
  })

  it('forgets a finished job', async () => {
    const s = setup(2)
    s.creator.onClaim = () => 'jobDone'
    s.loops.start()
    await until(() => s.jobs.size === 0)
    await s.loops.stop()
    expect(s.jobs.isForgotten('j', Date.now())).toBe(true)
  })

  it('does not run a lease signed by someone other than the creator', async () => {
    const s = setup(1)
    const other = new FakeCreator(0xd0)
    s.creator.signLease = (lease) => other.signLease(lease)
    s.creator.onClaim = () => ({ code: 'ok', lease: leaseFor(WORKER_KEY) })
    s.loops.start()
    await until(() => s.creator.claims >= 2)
    await s.loops.stop()
    expect(s.ran).toHaveLength(0)
  })
})

/**
 * One slot claiming one job on virtual time until `claims` claims went out,
 * each answered by `answer(n)` (n from 0); returns the gaps between claims.
 */
async function claimGaps(claims: number, answer: (n: number) => ReturnType<FakeCreator['onClaim']>): Promise<number[]> {
  const clock = new VirtualClock(Date.now())
  const creator = new FakeCreator()
  const jobs = new JobTable()
  const client = new TaskClient({ ed, seed: WORKER_SEED, publicKey: WORKER_KEY, rpc: creator.rpc, now: () => clock.now() })
  const claimedAt: number[] = []
  creator.onClaim = () => {
    claimedAt.push(clock.now())
    return answer(claimedAt.length - 1)
  }
  const run = async (): Promise<TaskOutcome> => ({ status: 'committed', reason: '', framesDone: 2 })
  const loops = new ClaimLoops({ slots: 1, jobs, client, run, rebid: () => {}, now: () => clock.now(), clock, logger, prefetch: false, backoff: { noTask: 1_000, maxNoTask: 8_000 } })
  jobs.observe('j', announcement({ timestampMs: clock.now() }), creator.ref, clock.now())
  loops.start()
  await clock.run({ done: () => claimedAt.length >= claims })
  const stopping = loops.stop()
  await clock.run()
  await stopping
  return claimedAt.slice(1).map((t, i) => t - claimedAt[i]!)
}

describe('claim backoff on virtual time', () => {
  it('noTask answers in a row double the wait up to maxNoTask, and a lease resets it', async () => {
    const answers: ('noTask' | 'ok')[] = ['noTask', 'noTask', 'noTask', 'noTask', 'noTask', 'noTask', 'ok', 'noTask', 'noTask']
    const gaps = await claimGaps(answers.length, (n) => (answers[n] === 'ok' ? { code: 'ok', lease: leaseFor(WORKER_KEY, { taskIndex: n + 1 }) } : 'noTask'))
    // 1, 2, 4, 8 s, then the cap; after the lease the next claim goes at once and the doubling starts again.
    expect(gaps.slice(0, 5)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000])
    expect(gaps[6]).toBe(0)
    expect(gaps[7]).toBe(1_000)
  })

  it("waits for the creator's retry_after_ms when it is longer than its own backoff (SPEC R62)", async () => {
    const hints = [30_000, 0, 500, 45_000]
    const gaps = await claimGaps(5, (n) => ({ code: 'noTask', retryAfterMs: hints[n] ?? 0 }))
    // The creator's 30 s, then the loop's own 2 s and 4 s (longer than 0 and 500 ms), then the creator's 45 s.
    expect(gaps).toEqual([30_000, 2_000, 4_000, 45_000])
  })
})
