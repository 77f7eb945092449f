import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../../../node/log.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { claimTask, commitResult, expireLeases, isRefusal, settleResult } from '../../../../../node/roles/creator/scheduler.ts'
import { LeaseExpiry } from '../../../../../node/roles/creator/lease-expiry.ts'
import { alertsOf, analyseTiming, MAX_TIMED_ATTEMPTS, median, raiseAlerts } from '../../../../../node/roles/creator/timing.ts'
import { newJob, W1, W2 } from './fixtures.ts'

let n = 0
function lease(job: JobRecord, worker: string, leasedMs: number, expiresMs = leasedMs + 60_000) {
  const claimed = claimTask(job, worker, `l${n++}`, expiresMs, leasedMs)
  if (isRefusal(claimed)) throw new Error(claimed.reason)
  return claimed
}

/** `worker` leases the lowest free task at `leasedMs` and commits it at `committedMs`. */
function rendered(job: JobRecord, worker: string, leasedMs: number, committedMs: number): JobRecord {
  const { job: leased, task } = lease(job, worker, leasedMs)
  const committed = commitResult(leased, worker, task.index, task.leaseId!, `root${task.index}`, committedMs)
  if (isRefusal(committed)) throw new Error(committed.reason)
  return committed.job
}

describe('task timing', () => {
  it('records each attempt: lease, commitment, expiry and outcome', () => {
    let job = rendered(newJob(4, 2), W1, 100, 1_100)
    job = lease(job, W2, 200, 2_000).job
    job = expireLeases(job, 2_000)!
    job = settleResult(job, { taskIndex: 0, merkleRoot: 'root0', worker: W1 }, { accepted: true, frames: {} }, 1_500).job
    expect(job.timings).toEqual({
      0: [{ attempt: 1, worker: W1, leasedMs: 100, committedMs: 1_100, decidedMs: 1_500, outcome: 'accepted' }],
      1: [{ attempt: 1, worker: W2, leasedMs: 200, expiredMs: 2_000 }]
    })
    // The expired task is leased again: a second attempt, kept beside the first.
    job = rendered(job, W1, 2_100, 3_100)
    job = settleResult(job, { taskIndex: 1, merkleRoot: 'root1', worker: W1 }, { accepted: false, unavailable: true, reason: 'gone' }, 3_200).job
    expect(job.timings![1]).toEqual([
      { attempt: 1, worker: W2, leasedMs: 200, expiredMs: 2_000 },
      { attempt: 2, worker: W1, leasedMs: 2_100, committedMs: 3_100, decidedMs: 3_200, outcome: 'unavailable' }
    ])
  })

  it('keeps only the newest attempts of a task leased over and over', () => {
    let job = newJob(1, 1)
    for (let i = 0; i < MAX_TIMED_ATTEMPTS + 2; i++) job = expireLeases(lease(job, W1, i * 100, i * 100 + 50).job, i * 100 + 50)!
    expect(job.timings![0]!.map((a) => a.attempt)).toEqual(Array.from({ length: MAX_TIMED_ATTEMPTS }, (_, i) => i + 3))
  })

  it('finds the tasks that ran long against the median, on which workers', () => {
    let job = newJob(7, 1)
    job = rendered(job, W1, 0, 1_000) // task 0
    job = rendered(job, W1, 0, 1_200) // task 1
    job = rendered(job, W1, 0, 1_100) // task 2
    job = rendered(job, W2, 0, 1_000) // task 3
    job = rendered(job, W2, 0, 5_000) // task 4: 4.5x the median
    job = lease(job, W1, 0).job // task 5: still rendering
    job = lease(job, W2, 0, 2_500).job // task 6: lease ran out
    job = expireLeases(job, 2_500)!
    const analysis = analyseTiming(job, 3_000)
    expect(analysis.medianMs).toBe(1_100)
    expect(analysis.committed).toBe(5)
    expect(analysis.long).toEqual([
      { task: 4, frameStart: 5, frameEnd: 5, attempt: 1, worker: W2, ms: 5_000, state: 'committed', ratio: 4.5, overAlert: false },
      { task: 5, frameStart: 6, frameEnd: 6, attempt: 1, worker: W1, ms: 3_000, state: 'running', ratio: 2.7, overAlert: false },
      { task: 6, frameStart: 7, frameEnd: 7, attempt: 1, worker: W2, ms: 2_500, state: 'expired', ratio: 2.3, overAlert: false }
    ])
    expect(analysis.workers).toEqual([
      { worker: W2, committed: 2, medianMs: 3_000, long: 2, expired: 1 },
      { worker: W1, committed: 3, medianMs: 1_100, long: 1, expired: 0 }
    ])
    // Under twice the median nothing is long, and with no alert set nothing is over it.
    expect(analyseTiming(job, 2_000).long.map((a) => a.task)).toEqual([4, 6])
  })

  it('has no median and no long task before any commitment, unless over the alert', () => {
    const job = { ...lease(newJob(2, 1), W1, 0).job, timeoutAlertS: 2 }
    expect(analyseTiming(job, 1_000)).toEqual({ medianMs: undefined, committed: 0, long: [], workers: [] })
    expect(analyseTiming(job, 2_001).long).toMatchObject([{ task: 0, ms: 2_001, state: 'running', ratio: undefined, overAlert: true }])
  })

  it('median of an even count is the mean of the middle two', () => {
    expect(median([])).toBeUndefined()
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(3)
  })
})

describe('timeout alerts', () => {
  it('raises an alert once per attempt that runs longer than the job\'s alert', () => {
    let job: JobRecord = { ...newJob(4, 1), timeoutAlertS: 2 }
    job = rendered(job, W1, 0, 2_500) // over the alert, committed before any tick
    job = rendered(job, W2, 0, 1_000) // under it
    job = lease(job, W2, 1_000).job // running
    expect(raiseAlerts({ ...job, timeoutAlertS: undefined }, 10_000)).toBeUndefined()
    const first = raiseAlerts(job, 3_000)!
    expect(first.raised).toEqual([{ task: 0, frameStart: 1, frameEnd: 1, attempt: 1, worker: W1, ms: 2_500, state: 'committed', alertedMs: 3_000 }])
    expect(raiseAlerts(first.job, 3_000)).toBeUndefined()
    const second = raiseAlerts(first.job, 3_001)!
    expect(second.raised).toMatchObject([{ task: 2, worker: W2, ms: 2_001, state: 'running', alertedMs: 3_001 }])
    expect(raiseAlerts(second.job, 60_000)).toBeUndefined()
    expect(alertsOf(second.job, 4_000).map((a) => [a.task, a.alertedMs, a.ms])).toEqual([
      [2, 3_001, 3_000],
      [0, 3_000, 2_500]
    ])
  })

  it('the lease expiry tick logs one warn line per alert and saves the job', async () => {
    const job: JobRecord = { ...lease(newJob(2, 1), W1, 0).job, timeoutAlertS: 5 }
    const store = new Map([[job.id, job]])
    const lines: string[] = []
    let now = 5_000
    const tick = new LeaseExpiry({
      jobs: () => [...store.values()],
      save: async (j) => void store.set(j.id, j),
      now: () => now,
      logger: createLogger('creator', { level: 'warn', write: (line) => lines.push(line) })
    })
    await tick.tick()
    expect(lines).toEqual([])
    now = 5_001
    await tick.tick()
    await tick.tick()
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([{ level: 'warn', msg: "task running longer than the job's timeout alert", job: job.id, task: 0, worker: W1, seconds: 5, alertS: 5 }])
    expect(alertsOf(store.get(job.id)!, now)).toMatchObject([{ task: 0, alertedMs: 5_001 }])
  })
})
