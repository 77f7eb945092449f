import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../../protocol/constants.ts'
import { ProtocolError } from '../../../protocol/errors.ts'
import { frameCost, jobMaxCost, taskCost } from '../../../protocol/pricing.ts'

describe('pricing', () => {
  it('a reference frame costs exactly its price', () => {
    expect(frameCost(500, 1920, 1080, 128)).toBe(500n)
  })

  it('scales with pixels and samples, rounding up', () => {
    expect(frameCost(500, 3840, 2160, 128)).toBe(2000n)
    expect(frameCost(500, 1920, 1080, 64)).toBe(250n)
    expect(frameCost(1, 320, 180, 16)).toBe(1n) // 1/288 of a reference frame still costs 1
    expect(frameCost(0, 1920, 1080, 128)).toBe(0n)
    expect(frameCost(3, 1920, 1080, 1)).toBe(1n) // 3/128 rounds up
  })

  it('stays exact beyond 2^53', () => {
    const cost = frameCost(LIMITS.maxPrice, LIMITS.maxWidth, LIMITS.maxHeight, LIMITS.maxSamples)
    const exact = (BigInt(LIMITS.maxPrice) * 7680n * 4320n * 1_000_000n + 1920n * 1080n * 128n - 1n) / (1920n * 1080n * 128n)
    expect(cost).toBe(exact)
    expect(cost > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
  })

  it('is the ceiling of the exact ratio', () => {
    fc.assert(
      fc.property(fc.nat(LIMITS.maxPrice), fc.integer({ min: 1, max: 7680 }), fc.integer({ min: 1, max: 4320 }), fc.integer({ min: 1, max: 1_000_000 }), (p, w, h, s) => {
        const c = frameCost(p, w, h, s)
        const work = BigInt(p) * BigInt(w) * BigInt(h) * BigInt(s)
        const ref = 1920n * 1080n * 128n
        expect(c * ref >= work).toBe(true)
        expect((c - 1n) * ref < work || c === 0n).toBe(true)
      })
    )
  })

  it('task and job costs are per-frame costs times frames', () => {
    const job = { width: 1280, height: 720, samples: 100, frameStart: 1, frameEnd: 48, maxPrice: 700 }
    const perFrame = frameCost(700, 1280, 720, 100)
    expect(taskCost(700, job, 5)).toBe(perFrame * 5n)
    expect(jobMaxCost(job)).toBe(perFrame * 48n)
  })

  it('refuses negative or fractional inputs', () => {
    expect(() => frameCost(-1, 1920, 1080, 128)).toThrow(ProtocolError)
    expect(() => frameCost(1.5, 1920, 1080, 128)).toThrow(ProtocolError)
    expect(() => taskCost(1, { width: 1, height: 1, samples: 1 }, -2)).toThrow(ProtocolError)
  })
})
