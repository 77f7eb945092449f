import { describe, expect, it } from 'vitest'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { LeaseExpiry } from '../../../../../node/roles/creator/lease-expiry.ts'
import { claimTask, isRefusal } from '../../../../../node/roles/creator/scheduler.ts'
import { createLogger } from '../../../../../node/log.ts'
import { newJob, W1 } from './fixtures.ts'

function harness(jobs: JobRecord[]) {
  const store = new Map(jobs.map((j) => [j.id, j]))
  const saved: JobRecord[] = []
  const ended: string[] = []
  let now = 0
  const expiry = new LeaseExpiry({
    onJobExpired: (job) => ended.push(job.id),
    jobs: () => [...store.values()],
    save: async (job) => {
      saved.push(job)
      store.set(job.id, job)
    },
    now: () => now,
    logger: createLogger('test', { level: 'error' })
  })
  return { expiry, saved, store, ended, setNow: (ms: number) => (now = ms) }
}

function leasedJob(id: string, expiresMs: number): JobRecord {
  const claimed = claimTask({ ...newJob(), id }, W1, 'l1', expiresMs, 0)
  if (isRefusal(claimed)) throw new Error(claimed.reason)
  return claimed.job
}

describe('lease expiry', () => {
  it('requeues a lease once it runs out, and saves only the jobs that changed', async () => {
    const h = harness([leasedJob('01', 1_000), leasedJob('02', 5_000)])
    h.setNow(999)
    expect(await h.expiry.tick()).toBe(0)
    expect(h.saved).toEqual([])
    h.setNow(1_000)
    expect(await h.expiry.tick()).toBe(1)
    expect(h.saved.map((j) => j.id)).toEqual(['01'])
    // Silence is not cheating: the worker may lease the task again.
    expect(h.store.get('01')!.tasks[0]).toMatchObject({ status: 'enqueued', excluded: [] })
    expect(h.store.get('02')!.tasks[0]).toMatchObject({ status: 'leased' })
  })

  it('leaves jobs that are not active alone', async () => {
    const h = harness([{ ...leasedJob('03', 10), status: 'cancelled' }])
    h.setNow(1_000_000)
    expect(await h.expiry.tick()).toBe(0)
  })

  it('runs on its timer between start and stop', async () => {
    const h = harness([leasedJob('04', 10)])
    h.setNow(100)
    const ticking = new LeaseExpiry({ jobs: () => [...h.store.values()], save: async (j) => void h.store.set(j.id, j), now: () => 100, logger: createLogger('test', { level: 'error' }) }, 5)
    ticking.start()
    await new Promise((resolve) => setTimeout(resolve, 50))
    ticking.stop()
    expect(h.store.get('04')!.tasks[0]!.status).toBe('enqueued')
  })

  it('ends a job at its deadline once nothing is in flight: undone tasks cancelled, verified ones kept (R53 7a)', async () => {
    // newJob: 6 frames in 3 tasks, timeoutStopS 24 h from createdMs 0.
    const deadline = 24 * 3600 * 1000
    const h = harness([leasedJob('05', deadline + 60_000)])
    h.setNow(deadline)
    await h.expiry.tick()
    // A lease still runs: the job may yet finish that task.
    expect(h.store.get('05')!.status).toBe('active')
    expect(h.ended).toEqual([])
    h.setNow(deadline + 60_000)
    await h.expiry.tick()
    const job = h.store.get('05')!
    expect(job.status).toBe('expired')
    expect(job.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect(h.ended).toEqual(['05'])
  })
})
