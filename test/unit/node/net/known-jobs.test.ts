import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { KNOWN_JOBS_LIMITS, KnownJobs } from '../../../../node/net/known-jobs.ts'

const job = (n: number) => new Uint8Array(32).fill(n)

describe('KnownJobs (SPEC R37)', () => {
  let now = 0
  beforeEach(() => {
    now = 0
    vi.useFakeTimers()
  })
  afterEach(() => vi.useRealTimers())

  it('knows jobs it announced and jobs it heard, until they go unannounced for the TTL', () => {
    const jobs = new KnownJobs({ now: () => now })
    jobs.noteOwn(job(1))
    jobs.noteHeard(job(2))
    expect([jobs.has(job(1)), jobs.has(job(2)), jobs.has(job(3))]).toEqual([true, true, false])
    expect([jobs.isOwn(job(1)), jobs.isOwn(job(2))]).toEqual([true, false])
    now = KNOWN_JOBS_LIMITS.ttlMs
    jobs.noteHeard(job(2))
    now += 1
    expect([jobs.has(job(1)), jobs.has(job(2))]).toEqual([false, true])
  })

  it("keeps its own jobs however many others' announcements arrive", () => {
    const jobs = new KnownJobs({ now: () => now, limits: { maxJobs: 3 } })
    jobs.noteOwn(job(1))
    jobs.noteHeard(job(2))
    for (let i = 10; i < 20; i++) jobs.noteHeard(job(i))
    expect(jobs.isOwn(job(1))).toBe(true)
    // Heard jobs: the least recently announced went first.
    expect([jobs.has(job(2)), jobs.has(job(16)), jobs.has(job(17)), jobs.has(job(19))]).toEqual([false, false, true, true])
  })

  it('lets a bid wait for its announcement: true as soon as it comes, false after the wait', async () => {
    const jobs = new KnownJobs({ now: () => now })
    const early = jobs.whenKnown(job(1), 'peer')
    const never = jobs.whenKnown(job(2), 'peer')
    expect(jobs.waitingBids).toBe(2)
    jobs.noteHeard(job(1))
    await expect(early).resolves.toBe(true)
    await vi.advanceTimersByTimeAsync(KNOWN_JOBS_LIMITS.waitMs)
    await expect(never).resolves.toBe(false)
    expect(jobs.waitingBids).toBe(0)
    await expect(jobs.whenKnown(job(1), 'peer')).resolves.toBe(true)
  })

  it('bounds the waiting: per peer and in all, past which a bid does not wait', async () => {
    const jobs = new KnownJobs({ now: () => now, limits: { maxWaiting: 5, maxWaitingPerPeer: 2 } })
    const a = [jobs.whenKnown(job(1), 'a'), jobs.whenKnown(job(1), 'a')]
    await expect(jobs.whenKnown(job(1), 'a')).resolves.toBe(false)
    const others = [jobs.whenKnown(job(1), 'b'), jobs.whenKnown(job(1), 'b'), jobs.whenKnown(job(1), 'c')]
    await expect(jobs.whenKnown(job(1), 'd')).resolves.toBe(false)
    expect(jobs.waitingBids).toBe(5)
    jobs.stop()
    expect(await Promise.all([...a, ...others])).toEqual([false, false, false, false, false])
    expect(jobs.waitingBids).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
