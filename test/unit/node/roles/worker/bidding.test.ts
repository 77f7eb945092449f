import { describe, expect, it } from 'vitest'
import { BUILTIN_CAPABILITIES } from '../../../../../node/renderers/builtin/index.ts'
import { bidPayload, duration, shouldBid, type BidderProfile } from '../../../../../node/roles/worker/bidding.ts'
import { estimatedTaskSeconds, referenceFrameSeconds } from '../../../../../node/roles/worker/settings.ts'
import { announcement } from './fakes.ts'

/** Just after the fakes' announcement (timestampMs 1,000; timeoutStopS 3,600). */
const NOW = 2_000

const self: BidderProfile = {
  capabilities: { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'], maxSamples: 65_536 },
  price: 1000,
  benchScore: 900,
  hardware: { cpuModel: 'x', cpuCount: 8, gpuModel: 'NVIDIA GeForce RTX 4090', gpuCount: 2, ramMib: 32_768, gpuVendor: 'NVIDIA', gpuVramMib: 24_564 },
  region: 'eu-west'
}

describe('shouldBid', () => {
  it('bids on a job that fits', () => {
    expect(shouldBid(announcement(), self, NOW)).toEqual({ bid: true, reason: 'fits' })
  })

  it('bids when the cap equals our price', () => {
    expect(shouldBid(announcement({ maxPrice: 1000 }), self, NOW).bid).toBe(true)
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
    const decision = shouldBid(announcement(over), self, NOW)
    expect(decision.bid).toBe(false)
    expect(decision.reason).toMatch(reason)
  })

  const blender = (devices: string[]): BidderProfile => ({ ...self, capabilities: { name: 'blender', version: '3.4.1', engines: ['CYCLES', 'BLENDER_EEVEE'], devices } })

  it.each([['3.4'], ['3.4.1'], ['3'], ['>=3.4'], ['>=3.0 <4.2']])('a Blender 3.4.1 worker bids on --blender-version %s', (rendererVersion) => {
    expect(shouldBid(announcement({ renderer: 'blender', rendererVersion }), blender(['CPU']), NOW)).toEqual({ bid: true, reason: 'fits' })
  })

  it.each([['3.5'], ['3.4.0'], ['>=3.6'], ['<3.4']])('a Blender 3.4.1 worker passes on --blender-version %s', (rendererVersion) => {
    expect(shouldBid(announcement({ renderer: 'blender', rendererVersion }), blender(['CPU']), NOW).reason).toBe(`job needs blender ${rendererVersion}, we run 3.4.1`)
  })

  it('bids on a GPU job only with a usable GPU backend', () => {
    const job = announcement({ renderer: 'blender', device: 'GPU' })
    expect(shouldBid(job, blender(['CPU', 'GPU', 'CUDA', 'OPTIX']), NOW).bid).toBe(true)
    expect(shouldBid(job, blender(['CPU']), NOW)).toEqual({ bid: false, reason: 'device GPU not available' })
  })

  it('bids when region, GPU and RAM filters fit (case-insensitive, model by substring)', () => {
    expect(shouldBid(announcement({ regions: ['EU-West'], gpuVendor: 'nvidia', gpuModel: 'rtx 4090', minGpuCount: 2, minRamMib: 32_768 }), self, NOW)).toEqual({ bid: true, reason: 'fits' })
  })

  it('accepts pinned engine, device and version when we have them', () => {
    expect(shouldBid(announcement({ engine: 'PATH', device: 'CPU', rendererVersion: '1', minBenchScore: 900 }), self, NOW).bid).toBe(true)
  })
})

describe('shouldBid: only what the worker can finish', () => {
  it('passes on a job with more samples than our renderer renders, in one line', () => {
    const decision = shouldBid(announcement({ samples: 65_537 }), self, NOW)
    expect(decision).toEqual({ bid: false, reason: 'job needs 65537 samples, our builtin renderer renders at most 65536' })
    expect(shouldBid(announcement({ samples: 65_536 }), self, NOW).bid).toBe(true)
  })

  it('knows the built-in renderer\'s sample limit from its capabilities', () => {
    expect(BUILTIN_CAPABILITIES.maxSamples).toBe(65_536)
    expect(shouldBid(announcement({ samples: 100_000 }), { ...self, capabilities: BUILTIN_CAPABILITIES }, NOW).bid).toBe(false)
  })

  it('estimates a task from the bench scale: a reference frame takes 184320 / score seconds', () => {
    expect(referenceFrameSeconds(1000)).toBeCloseTo(184.32, 6)
    expect(referenceFrameSeconds(0)).toBe(Number.POSITIVE_INFINITY)
    // 1,000 frames of 8K at 65,536 samples: 8,192 reference frames each.
    const job = { frameStart: 1, frameEnd: 5_000, framesPerTask: 1_000, width: 7680, height: 4320, samples: 65_536 }
    expect(estimatedTaskSeconds(job, 1000)).toBeCloseTo(1_000 * 8_192 * 184.32, 0)
    // A short last task does not lower the estimate; a job shorter than one task does.
    expect(estimatedTaskSeconds({ ...job, frameEnd: 10 }, 1000)).toBeCloseTo(10 * 8_192 * 184.32, 0)
  })

  it('passes on a task that cannot finish before the job stops at our bench score', () => {
    const huge = announcement({ frameStart: 1, frameEnd: 1_000, framesPerTask: 1_000, width: 7680, height: 4320, samples: 65_536, timeoutStopS: 604_800 })
    const decision = shouldBid(huge, self, NOW)
    expect(decision.bid).toBe(false)
    expect(decision.reason).toMatch(/^one task takes ~\S+ days at our bench score 900, but the job stops in 7 days$/)
    expect(decision.reason).not.toContain('\n')
  })

  it('counts the stop time from the announcement: the same job is fine early and refused late', () => {
    // One 1920x1080 frame at 128 samples: 184320 / 900 = 204.8 s at score 900.
    const job = announcement({ frameStart: 1, frameEnd: 1, framesPerTask: 1, width: 1920, height: 1080, samples: 128, timeoutStopS: 300 })
    expect(shouldBid(job, self, 1_000)).toEqual({ bid: true, reason: 'fits' })
    expect(shouldBid(job, self, 1_000 + 95_000)).toEqual({ bid: true, reason: 'fits' })
    expect(shouldBid(job, self, 1_000 + 96_000)).toEqual({ bid: false, reason: 'one task takes ~205 s at our bench score 900, but the job stops in 204 s' })
    expect(shouldBid(job, self, 1_000 + 300_000)).toEqual({ bid: false, reason: 'job has passed its stop time' })
    // A faster worker still fits.
    expect(shouldBid(job, { ...self, benchScore: 2000 }, 1_000 + 96_000).bid).toBe(true)
  })

  it('without a bench score there is no estimate to refuse on', () => {
    const job = announcement({ frameStart: 1, frameEnd: 1, framesPerTask: 1, width: 1920, height: 1080, samples: 128, timeoutStopS: 60 })
    expect(shouldBid(job, { ...self, benchScore: 0 }, NOW).bid).toBe(true)
  })

  it('writes durations as one short figure', () => {
    expect(duration(40.2)).toBe('41 s')
    expect(duration(599.5)).toBe('600 s')
    expect(duration(720)).toBe('12 min')
    expect(duration(3.5 * 3600)).toBe('3.5 h')
    expect(duration(7 * 86_400)).toBe('7 days')
    expect(duration(1.5e11)).toBe('1.7e+6 days')
  })
})

describe('bidPayload', () => {
  it('asks our own price, never the job cap', () => {
    const hw = { cpuModel: 'x', cpuCount: 2, gpuModel: '', gpuCount: 0, ramMib: 1024, gpuVendor: '', gpuVramMib: 0 }
    const bid = bidPayload({ jobId: new Uint8Array(32).fill(7), price: 1000, benchScore: 900, slots: 4, hardware: hw, region: 'eu-west', timestampMs: 5 })
    expect(bid).toMatchObject({ price: 1000, benchScore: 900, slots: 4, hardware: hw, region: 'eu-west', timestampMs: 5 })
  })
})
