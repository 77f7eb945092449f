import { describe, expect, it } from 'vitest'
import { shouldAdmit, withAdmitted } from '../../../../../node/roles/creator/admission.ts'
import { newJob, W1 } from './fixtures.ts'

const NEW = 'dd'.repeat(32)

describe('creator admission', () => {
  it('admits a bid within the price cap from a bidder at or over the bench floor', () => {
    const job = newJob()
    expect(shouldAdmit(job, { price: 100, benchScore: 0 }, NEW)).toEqual({ admit: true, reason: 'fits' })
    const admitted = withAdmitted(job, NEW, 'peer-d', 100, 42)
    expect(admitted.admitted[NEW]).toEqual({ peerId: 'peer-d', price: 100, admittedMs: 42 })
    expect(job.admitted[NEW]).toBeUndefined()
  })

  it('refuses a bid over the cap, under the bench floor, from a banned worker, or for a job that is not active', () => {
    const job = newJob()
    expect(shouldAdmit(job, { price: 101, benchScore: 0 }, NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/over the job's cap 100/) })
    const floored = { ...job, spec: { ...job.spec, minBenchScore: 50 } }
    expect(shouldAdmit(floored, { price: 10, benchScore: 49 }, NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/under the job's floor 50/) })
    expect(shouldAdmit({ ...job, banned: [NEW] }, { price: 10, benchScore: 0 }, NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/cheating/) })
    expect(shouldAdmit({ ...job, status: 'cancelled' }, { price: 10, benchScore: 0 }, NEW)).toMatchObject({ admit: false, reason: 'job is cancelled' })
  })

  it('ignores a repeated bid at the same price and takes a new price', () => {
    const job = newJob()
    expect(shouldAdmit(job, { price: 50, benchScore: 0 }, W1).admit).toBe(false)
    expect(shouldAdmit(job, { price: 40, benchScore: 0 }, W1).admit).toBe(true)
  })
})
