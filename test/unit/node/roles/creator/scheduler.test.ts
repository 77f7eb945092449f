import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { viewOf } from '../../../../../node/roles/creator/job-view.ts'
import { acceptResult, cancelJob, claimTask, commitResult, expireLeases, isRefusal, type Refusal, rejectResult, renewLease, settleResult } from '../../../../../node/roles/creator/scheduler.ts'
import { newJob, W1, W2 } from './fixtures.ts'

function ok<T>(value: T): Exclude<T, Refusal> {
  if (isRefusal(value)) throw new Error(`refused: ${value.code}`)
  return value as Exclude<T, Refusal>
}

describe('creator scheduler', () => {
  it('leases tasks in order only to admitted workers', () => {
    const job = newJob()
    expect(claimTask(job, 'cc'.repeat(32), 'l0', 100, 0)).toMatchObject({ code: 'notAdmitted' })
    const a = ok(claimTask(job, W1, 'l1', 100, 0))
    expect(a.task).toMatchObject({ index: 0, status: 'leased', worker: W1 })
    const b = ok(claimTask(a.job, W2, 'l2', 100, 0))
    expect(b.task.index).toBe(1)
  })

  it('refuses renewals and commits from anyone but the lease holder', () => {
    const { job } = ok(claimTask(newJob(), W1, 'l1', 100, 0))
    expect(renewLease(job, W2, 0, 'l1', 10, 200)).toMatchObject({ code: 'notLeaseHolder' })
    expect(renewLease(job, W1, 0, 'other', 10, 200)).toMatchObject({ code: 'notLeaseHolder' })
    expect(commitResult(job, W2, 0, 'l1', 'ff', 10)).toMatchObject({ code: 'notLeaseHolder' })
    expect(renewLease(job, W1, 0, 'l1', 150, 300)).toMatchObject({ code: 'leaseExpired' })
    expect(ok(renewLease(job, W1, 0, 'l1', 10, 200)).task.expiresMs).toBe(200)
  })

  it('grants no lease once the job\'s deadline has passed (R53 step 7), and lets a lease held then finish', () => {
    // Created at 0 with a 10-minute timeout_stop: the deadline is 600 000 ms.
    const base = newJob(4, 1)
    const job = { ...base, spec: { ...base.spec, timeoutStopS: 600 } }
    const held = ok(claimTask(job, W1, 'l1', 650_000, 599_999))
    const late = claimTask(held.job, W2, 'l2', 700_000, 600_000)
    expect(late).toMatchObject({ code: 'jobDone' })
    expect((late as Refusal).reason).toMatch(/deadline passed at 1970-01-01T00:10:00.000Z \(timeout_stop 600s\)/)
    // Three hours on, still refused: the bug this rule fixes.
    expect(claimTask(held.job, W2, 'l3', 3 * 3_600_000 + 60_000, 3 * 3_600_000)).toMatchObject({ code: 'jobDone' })
    const renewed = ok(renewLease(held.job, W1, 0, 'l1', 620_000, 680_000))
    expect(ok(commitResult(renewed.job, W1, 0, 'l1', 'root', 640_000)).task.status).toBe('committed')
  })

  it('requeues a silent lease, and another worker takes it', () => {
    const { job } = ok(claimTask(newJob(2, 2), W1, 'l1', 100, 0))
    expect(expireLeases(job, 99)).toBeUndefined()
    const expired = expireLeases(job, 100)!
    expect(expired.tasks[0].status).toBe('enqueued')
    expect(ok(claimTask(expired, W2, 'l2', 300, 100)).task.worker).toBe(W2)
  })

  it('pays the admitted price per verified frame and completes the job', () => {
    let job = newJob(2, 1)
    for (const [i, w] of [W1, W2].entries()) {
      const c = ok(claimTask(job, w, `l${i}`, 100, 0))
      job = ok(commitResult(c.job, w, c.task.index, `l${i}`, `root${i}`, 10)).job
      job = acceptResult(job, c.task.index, `root${i}`, { [c.task.frameStart]: { blobId: 'b', pixelHash: 'p', worker: w } }, 20)
    }
    expect(job.status).toBe('completed')
    // 64x36 at 8 samples against 1920x1080 at 128: ceil(price * 18432 / 265420800).
    expect(job.paid).toEqual({ [W1]: '1', [W2]: '1' })
    expect(viewOf(job, 0).counts.succeeded).toBe(2)
    // Until the creator accepts it, a dispute may reopen the job: workers are told to wait, then that it is over.
    expect(claimTask(job, W1, 'l9', 100, 0)).toMatchObject({ code: 'noTask' })
    expect(claimTask({ ...job, acceptedMs: 30 }, W1, 'l9', 100, 0)).toMatchObject({ code: 'jobDone' })
  })

  it('a rejected result goes back to the queue without that worker', () => {
    const c = ok(claimTask(newJob(1, 1), W1, 'l1', 100, 0))
    const committed = ok(commitResult(c.job, W1, 0, 'l1', 'root', 10)).job
    const rejected = rejectResult(committed, 0, 'root', 'bad pixels')
    expect(rejected.tasks[0]).toMatchObject({ status: 'enqueued', excluded: [W1] })
    expect(claimTask(rejected, W1, 'l2', 100, 0)).toMatchObject({ code: 'noTask' })
    expect(ok(claimTask(rejected, W2, 'l3', 100, 0)).task.worker).toBe(W2)
  })

  it('never double-leases a task or pays twice under random operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('claim'), w: fc.constantFrom(W1, W2) }),
      fc.record({ kind: fc.constant('commit'), t: fc.nat(5) }),
      fc.record({ kind: fc.constant('accept'), t: fc.nat(5) }),
      fc.record({ kind: fc.constant('reject'), t: fc.nat(5) }),
      fc.record({ kind: fc.constant('tick'), dt: fc.nat(200) }),
      fc.record({ kind: fc.constant('cancel') })
    )
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      let job = newJob(6, 1)
      let now = 0
      let n = 0
      for (const o of ops) {
        if (o.kind === 'claim') {
          const r = claimTask(job, o.w, `l${n++}`, now + 100, now)
          if (!isRefusal(r)) job = r.job
        } else if (o.kind === 'commit') {
          const t = job.tasks[o.t]
          if (t?.worker && t.leaseId) {
            const r = commitResult(job, t.worker, o.t, t.leaseId, `r${o.t}`, now)
            if (!isRefusal(r)) job = r.job
          }
        } else if (o.kind === 'accept') job = job.tasks[o.t] ? acceptResult(job, o.t, `r${o.t}`, {}, now) : job
        else if (o.kind === 'reject') job = job.tasks[o.t] ? rejectResult(job, o.t, `r${o.t}`, 'x') : job
        else if (o.kind === 'tick') {
          now += o.dt
          job = expireLeases(job, now) ?? job
        } else job = cancelJob(job)
        const verified = job.tasks.filter((t) => t.status === 'verified').length
        const paidFrames = Object.values(job.paid).reduce((a, b) => a + Number(b), 0)
        expect(paidFrames).toBe(verified) // each verified 1-frame task costs exactly 1 here
        for (const t of job.tasks) if (t.status === 'leased') expect(t.worker && t.leaseId).toBeTruthy()
        if (job.status === 'completed') expect(verified).toBe(job.tasks.length)
      }
    }))
  })
})

describe('settleResult', () => {
  const committedBy = (worker: string, root: string) => {
    const claimed = ok(claimTask(newJob(2, 1), worker, 'l1', 100, 0))
    return ok(commitResult(claimed.job, worker, 0, 'l1', root, 10)).job
  }
  const result = { taskIndex: 0, merkleRoot: 'r0', worker: W1 }

  it('accepts (pays) a result, and reports completion only on the last task', () => {
    const accepted = settleResult(committedBy(W1, 'r0'), result, { accepted: true, frames: {} }, 5)
    expect(accepted.settlement).toBe('accepted')
    expect(accepted.job.tasks[0]!.status).toBe('verified')
    expect(accepted.job.paid[W1]).not.toBe('0')
    const second = ok(commitResult(ok(claimTask(accepted.job, W1, 'l2', 100, 0)).job, W1, 1, 'l2', 'r1', 10)).job
    expect(settleResult(second, { ...result, taskIndex: 1, merkleRoot: 'r1' }, { accepted: true, frames: {} }, 6)).toMatchObject({ settlement: 'completed', job: { status: 'completed', completedMs: 6 } })
  })

  it('requeues an unavailable result without blame, and bans the worker of a refused one', () => {
    const requeued = settleResult(committedBy(W1, 'r0'), result, { accepted: false, unavailable: true, reason: 'no frames' }, 5)
    expect(requeued.settlement).toBe('requeued')
    expect(requeued.job.banned ?? []).toEqual([])
    const banned = settleResult(committedBy(W1, 'r0'), result, { accepted: false, reason: 'tile differs' }, 5)
    expect(banned.settlement).toBe('banned')
    expect(banned.job.banned).toEqual([W1])
    expect(banned.job.tasks[0]).toMatchObject({ status: 'enqueued', excluded: [W1] })
  })

  it('ignores the result of a worker banned in the meantime', () => {
    const job = { ...committedBy(W1, 'r0'), banned: [W1] }
    expect(settleResult(job, result, { accepted: true, frames: {} }, 5)).toEqual({ job, settlement: 'ignored' })
  })
})
