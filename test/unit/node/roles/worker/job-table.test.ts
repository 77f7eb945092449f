import { describe, expect, it } from 'vitest'
import { JobTable } from '../../../../../node/roles/worker/job-table.ts'
import { announcement, creatorRef, seedOf } from './fakes.ts'

const creator = creatorRef(seedOf(0xc0))

describe('JobTable', () => {
  it('adds a job once and refreshes it on re-announcement', () => {
    const t = new JobTable()
    expect(t.observe('j', announcement(), creator, 0)?.isNew).toBe(true)
    const again = t.observe('j', announcement({ timestampMs: 5_000 }), creator, 5)
    expect(again?.isNew).toBe(false)
    expect(again?.job.lastSeenMs).toBe(5)
    expect(again?.job.announcement.timestampMs).toBe(5_000)
  })

  it('ignores an announcement for a known id signed by another key', () => {
    const t = new JobTable()
    t.observe('j', announcement(), creator, 0)
    expect(t.observe('j', announcement(), creatorRef(seedOf(0xd0)), 1)).toBeUndefined()
  })

  it('forgets a job for good, or for a while', () => {
    const t = new JobTable()
    t.observe('done', announcement(), creator, 0)
    t.forget('done', 0)
    expect(t.observe('done', announcement(), creator, 1e12)).toBeUndefined()
    t.observe('unknown', announcement(), creator, 0)
    t.forget('unknown', 0, 1000)
    expect(t.observe('unknown', announcement(), creator, 500)).toBeUndefined()
    expect(t.observe('unknown', announcement(), creator, 1500)?.isNew).toBe(true)
  })

  it('drops jobs that are no longer announced', () => {
    const t = new JobTable({ staleMs: 100 })
    t.observe('j', announcement(), creator, 0)
    t.prune(50)
    expect(t.size).toBe(1)
    t.prune(101)
    expect(t.size).toBe(0)
  })

  it('spreads claims over jobs and lets only one slot probe a starved job', () => {
    const t = new JobTable()
    t.observe('a', announcement(), creator, 0)
    t.observe('b', announcement(), creator, 0)
    const first = t.takeClaimable(0)!
    t.endClaim(first, 0, 1000)
    // a is backed off: b is next, then nothing until a's backoff ends.
    const second = t.takeClaimable(10)!
    expect(second.id).not.toBe(first.id)
    t.endClaim(second, 10, 1000)
    expect(t.takeClaimable(20)).toBeUndefined()
    expect(t.nextWakeMs()).toBe(1000)
    // After the backoff one slot probes a; a second slot must wait for that probe.
    const probe = t.takeClaimable(1010)!
    expect(probe.id).toBe(first.id)
    expect(t.takeClaimable(1010)?.id).toBe(second.id)
    expect(t.takeClaimable(1010)).toBeUndefined()
    // The probe found work: now every slot may claim it at once.
    t.endClaim(probe, 1010, 0)
    expect(t.takeClaimable(1010)?.id).toBe(first.id)
    expect(t.takeClaimable(1010)?.id).toBe(first.id)
  })

  it('claims nothing from a job past its deadline, counted from the earliest announcement (R53 step 7)', () => {
    const t = new JobTable()
    // Announced at 1 000 with a one-hour timeout_stop: the deadline is 3 601 000.
    const seen = t.observe('j', announcement({ timestampMs: 1_000, timeoutStopS: 3600 }), creator, 1_000)!
    // A re-announcement carries a fresh timestamp; the deadline stays with the first.
    t.observe('j', announcement({ timestampMs: 3_000_000, timeoutStopS: 3600 }), creator, 3_000_000)
    expect(seen.job.deadlineMs).toBe(3_601_000)
    expect(t.takeClaimable(3_600_999)?.id).toBe('j')
    t.endClaim(seen.job, 3_600_999, 0)
    expect(t.takeClaimable(3_601_000)).toBeUndefined()
    t.prune(3_601_000)
    expect(t.size).toBe(0)
    expect(t.observe('j', announcement({ timestampMs: 3_601_000, timeoutStopS: 3600 }), creator, 3_601_000)).toBeUndefined()
  })

  it('does not take on a job whose announcement is already past its deadline', () => {
    const t = new JobTable()
    expect(t.observe('late', announcement({ timestampMs: 1_000, timeoutStopS: 10 }), creator, 11_000)).toBeUndefined()
    expect(t.size).toBe(0)
    expect(t.observe('ok', announcement({ timestampMs: 1_000, timeoutStopS: 10 }), creator, 10_999)?.isNew).toBe(true)
  })
})
