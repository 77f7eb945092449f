import { describe, expect, it } from 'vitest'
import { bidPayload, shouldBid, type BidderProfile } from '../../../../../node/roles/worker/bidding.ts'
import { announcement } from './fakes.ts'

const self: BidderProfile = {
  capabilities: { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] },
  price: 1000,
  benchScore: 900,
  hardware: { cpuModel: 'x', cpuCount: 8, gpuModel: 'NVIDIA GeForce RTX 4090', gpuCount: 2, ramMib: 32_768, gpuVendor: 'NVIDIA', gpuVramMib: 24_564 },
  region: 'eu-west'
}

describe('shouldBid', () => {
  it('bids on a job that fits', () => {
    expect(shouldBid(announcement(), self)).toEqual({ bid: true, reason: 'fits' })
  })

  it('bids when the cap equals our price', () => {
    expect(shouldBid(announcement({ maxPrice: 1000 }), self).bid).toBe(true)
  })

  it.each([
    ['another renderer', { renderer: 'blender' }, /renderer blender/],
    ['a cap below our price', { maxPrice: 999 }, /at most 999/],
    ['a bench score above ours', { minBenchScore: 901 }, /bench score 901/],
    ['an engine we lack', { engine: 'CYCLES' }, /engine CYCLES/],
    ['a device we lack', { device: 'OPTIX' }, /device OPTIX/],
    ['another renderer version', { rendererVersion: '2' }, /builtin 2/],
    ['another region', { regions: ['us-east', 'ap-south'] }, /us-east or ap-south, not eu-west/],
    ['more GPUs than we have', { minGpuCount: 3 }, /needs 3 GPU/],
    ['another GPU vendor', { gpuVendor: 'AMD' }, /AMD GPU/],
    ['another GPU model', { gpuModel: 'A100' }, /"A100"/],
    ['more RAM than we have', { minRamMib: 65_536 }, /65536 MiB/]
  ])('declines %s', (_name, over, reason) => {
    const decision = shouldBid(announcement(over), self)
    expect(decision.bid).toBe(false)
    expect(decision.reason).toMatch(reason)
  })

  const blender = (devices: string[]): BidderProfile => ({ ...self, capabilities: { name: 'blender', version: '3.4.1', engines: ['CYCLES', 'BLENDER_EEVEE'], devices } })

  it.each([['3.4'], ['3.4.1'], ['3'], ['>=3.4'], ['>=3.0 <4.2']])('a Blender 3.4.1 worker bids on --blender-version %s', (rendererVersion) => {
    expect(shouldBid(announcement({ renderer: 'blender', rendererVersion }), blender(['CPU']))).toEqual({ bid: true, reason: 'fits' })
  })

  it.each([['3.5'], ['3.4.0'], ['>=3.6'], ['<3.4']])('a Blender 3.4.1 worker passes on --blender-version %s', (rendererVersion) => {
    expect(shouldBid(announcement({ renderer: 'blender', rendererVersion }), blender(['CPU'])).reason).toBe(`job needs blender ${rendererVersion}, we run 3.4.1`)
  })

  it('bids on a GPU job only with a usable GPU backend', () => {
    const job = announcement({ renderer: 'blender', device: 'GPU' })
    expect(shouldBid(job, blender(['CPU', 'GPU', 'CUDA', 'OPTIX'])).bid).toBe(true)
    expect(shouldBid(job, blender(['CPU']))).toEqual({ bid: false, reason: 'device GPU not available' })
  })

  it('bids when region, GPU and RAM filters fit (case-insensitive, model by substring)', () => {
    expect(shouldBid(announcement({ regions: ['EU-West'], gpuVendor: 'nvidia', gpuModel: 'rtx 4090', minGpuCount: 2, minRamMib: 32_768 }), self)).toEqual({ bid: true, reason: 'fits' })
  })

  it('accepts pinned engine, device and version when we have them', () => {
    expect(shouldBid(announcement({ engine: 'PATH', device: 'CPU', rendererVersion: '1', minBenchScore: 900 }), self).bid).toBe(true)
  })
})

describe('bidPayload', () => {
  it('asks our own price, never the job cap', () => {
    const hw = { cpuModel: 'x', cpuCount: 2, gpuModel: '', gpuCount: 0, ramMib: 1024, gpuVendor: '', gpuVramMib: 0 }
    const bid = bidPayload({ jobId: new Uint8Array(32).fill(7), price: 1000, benchScore: 900, slots: 4, hardware: hw, region: 'eu-west', timestampMs: 5 })
    expect(bid).toMatchObject({ price: 1000, benchScore: 900, slots: 4, hardware: hw, region: 'eu-west', timestampMs: 5 })
  })
})
