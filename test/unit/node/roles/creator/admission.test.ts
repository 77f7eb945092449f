import { describe, expect, it } from 'vitest'
import { shouldAdmit, withAdmitted } from '../../../../../node/roles/creator/admission.ts'
import { newJob, W1 } from './fixtures.ts'

const NEW = 'dd'.repeat(32)
const HW = { cpuModel: 'x', cpuCount: 8, gpuModel: 'NVIDIA RTX A6000', gpuCount: 1, ramMib: 65_536, gpuVendor: 'NVIDIA', gpuVramMib: 49_140 }
const bid = (price: number, benchScore: number, region = 'eu-west') => ({ price, benchScore, hardware: HW, region })

describe('creator admission', () => {
  it('admits a bid within the price cap from a bidder at or over the bench floor', () => {
    const job = newJob()
    expect(shouldAdmit(job, bid(100, 0), NEW)).toEqual({ admit: true, reason: 'fits' })
    const admitted = withAdmitted(job, NEW, 'peer-d', 100, 42)
    expect(admitted.admitted[NEW]).toEqual({ peerId: 'peer-d', price: 100, admittedMs: 42 })
    // A new record, sharing the admitted map, which grows in place: O(1) per bid.
    expect(admitted).not.toBe(job)
    expect(admitted.admitted).toBe(job.admitted)
  })

  it('refuses a bid over the cap, under the bench floor, from a banned worker, or for a job that is not active', () => {
    const job = newJob()
    expect(shouldAdmit(job, bid(101, 0), NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/over the job's cap 100/) })
    const floored = { ...job, spec: { ...job.spec, minBenchScore: 50 } }
    expect(shouldAdmit(floored, bid(10, 49), NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/under the job's floor 50/) })
    expect(shouldAdmit({ ...job, banned: [NEW] }, bid(10, 0), NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/cheating/) })
    expect(shouldAdmit({ ...job, status: 'cancelled' }, bid(10, 0), NEW)).toMatchObject({ admit: false, reason: 'job is cancelled' })
  })

  it('ignores a repeated bid at the same price and takes a new price', () => {
    const job = newJob()
    expect(shouldAdmit(job, bid(50, 0), W1).admit).toBe(false)
    expect(shouldAdmit(job, bid(40, 0), W1).admit).toBe(true)
  })

  it("refuses a bid whose declared hardware or region misses the job's filters", () => {
    const job = newJob()
    const filtered = { ...job, spec: { ...job.spec, regions: ['us-east'] } }
    expect(shouldAdmit(filtered, bid(10, 0), NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/us-east/) })
    expect(shouldAdmit(filtered, bid(10, 0, 'US-East'), NEW).admit).toBe(true)
    expect(shouldAdmit({ ...job, spec: { ...job.spec, minGpuCount: 2 } }, bid(10, 0), NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/2 GPU/) })
    expect(shouldAdmit({ ...job, spec: { ...job.spec, minRamMib: 131_072 } }, bid(10, 0), NEW)).toMatchObject({ admit: false, reason: expect.stringMatching(/RAM/) })
  })

  it("holds a tier's floors: verified tasks, and stake as a multiple of the ledger minimum", () => {
    const job = newJob()
    const premium = { ...job, spec: { ...job.spec, tier: 1, maxPrice: 2000 } }
    expect(shouldAdmit(premium, bid(1500, 0), NEW, { verifiedTasks: 99 })).toMatchObject({ admit: false, reason: expect.stringMatching(/premium.*100 verified tasks/) })
    expect(shouldAdmit(premium, bid(1500, 0), NEW, { verifiedTasks: 100 }).admit).toBe(true)
    expect(shouldAdmit(premium, bid(1500, 0), NEW, { verifiedTasks: 100, stake: 1_999n, minStake: 1_000n })).toMatchObject({ admit: false, reason: expect.stringMatching(/stake of 2000/) })
    expect(shouldAdmit(premium, bid(1500, 0), NEW, { verifiedTasks: 100, stake: 2_000n, minStake: 1_000n }).admit).toBe(true)
    // No tier: no floor.
    expect(shouldAdmit(job, bid(10, 0), NEW, { verifiedTasks: 0 }).admit).toBe(true)
  })
})
