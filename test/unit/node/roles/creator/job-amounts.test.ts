// The escrow figures of the job view: locked, owed to workers, checkers'
// fees, held for undone frames and what comes back, on records driven
// through the scheduler; none without a ledger.
import { describe, expect, it } from 'vitest'
import { amountsOf } from '../../../../../node/roles/creator/job-amounts.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { viewOf } from '../../../../../node/roles/creator/job-view.ts'
import { claimTask, commitResult, isRefusal, settleResult } from '../../../../../node/roles/creator/scheduler.ts'
import { newJob, W1, W2, withVerifiedTask } from './fixtures.ts'

/** 6 frames in 3 tasks; escrow = 6 frames at the cap + 2 fees per task. */
const onLedger = (job: JobRecord): JobRecord => ({ ...job, ledger: { maxFrameCost: '100', checkerFee: '30', escrow: String(6 * 100 + 2 * 3 * 30) } })

describe('job amounts', () => {
  it('is absent without a ledger, and "no ledger" is what the view says', () => {
    expect(amountsOf(newJob())).toBeUndefined()
    expect(viewOf(newJob(), 0).amounts).toBeUndefined()
  })

  it('holds every frame at the cap before anything is done', () => {
    expect(amountsOf(onLedger(newJob(6, 2)))).toEqual({ escrow: '780', paid: '0', checkerFees: '0', reserved: String(3 * (2 * 100 + 30)), refundable: String(780 - 690) })
  })

  it('counts worker pay, a fee per checked task and per refused result, and what is left to hold', () => {
    let job = withVerifiedTask(onLedger(newJob(6, 2)), W1)
    const claimed = claimTask(job, W2, 'l2', 1_000, 0)
    if (isRefusal(claimed)) throw new Error(claimed.reason)
    const committed = commitResult(claimed.job, W2, 1, 'l2', 'ee'.repeat(32), 10)
    if (isRefusal(committed)) throw new Error(committed.reason)
    job = settleResult(committed.job, { taskIndex: 1, merkleRoot: 'ee'.repeat(32), worker: W2 }, { accepted: false, reason: 'pixels differ' }, 20).job
    const paid = BigInt(job.paid[W1]!)
    expect(paid).toBeGreaterThan(0n)
    const a = amountsOf(job)!
    expect(a).toMatchObject({ escrow: '780', paid: String(paid), checkerFees: '60', reserved: String(2 * (2 * 100 + 30)) })
    expect(BigInt(a.refundable)).toBe(780n - paid - 60n - 460n > 0n ? 780n - paid - 60n - 460n : 0n)
  })

  it('reports the refund once the ledger made it', () => {
    const job = withVerifiedTask(onLedger(newJob(2, 2)), W1)
    const closed = { ...job, ledger: { ...job.ledger!, refunded: '123' } }
    expect(amountsOf(closed)).toMatchObject({ reserved: '0', refunded: '123' })
  })
})
