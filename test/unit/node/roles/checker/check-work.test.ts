// The work a check asks for, in pixel-samples, and the budget a fee buys.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkWork, fitWork, MIN_CHECK_WORK_REF_FRAMES, paidWork, REFERENCE_WORK, RENDER_FLOOR_WORK, refFrames } from '../../../../../node/roles/checker/check-work.ts'
import type { OpenedCheckRequest } from '../../../../../protocol/index.ts'

function request(width: number, height: number, samples: number, frames: number, tiles: { width: number; height: number }[]): OpenedCheckRequest {
  return {
    announcement: { width, height, samples },
    commitment: { frames: Array.from({ length: frames }, (_, i) => ({ frame: i + 1 })) },
    sample: { frames: [1], tiles: tiles.map((t) => ({ frame: 1, x: 0, y: 0, ...t })) }
  } as unknown as OpenedCheckRequest
}

describe('checkWork', () => {
  it('counts an 8K, 65,536-sample tile as 512 reference frames, and a 1080p frame at 128 samples as one', () => {
    const work = checkWork(request(7680, 4320, 65_536, 1, [{ width: 1920, height: 1080 }]))
    expect((work.base - 7680n * 4320n) / REFERENCE_WORK).toBe(512n)
    expect(checkWork(request(1920, 1080, 128, 1, [])).perEscalation).toBe(REFERENCE_WORK)
  })

  it('charges each render at least the floor, so tiny tiles are not free', () => {
    const work = checkWork(request(4, 4, 1, 1000, Array.from({ length: 4000 }, () => ({ width: 1, height: 1 }))))
    expect(work.base).toBe(4000n * RENDER_FLOOR_WORK + 1000n * 16n)
    expect(work.base > MIN_CHECK_WORK_REF_FRAMES * REFERENCE_WORK).toBe(true)
  })
})

describe('paidWork and fitWork', () => {
  it('buys fee / price reference frames, never fewer than the minimum; a free checker has no cap', () => {
    expect(paidWork(10_000n, 1000)).toBe(10n * REFERENCE_WORK)
    expect(paidWork(1n, 1000)).toBe(MIN_CHECK_WORK_REF_FRAMES * REFERENCE_WORK)
    expect(paidWork(1n, 0)).toBeUndefined()
    expect(refFrames(paidWork(12_345n, 1000)!)).toBe('12.34')
  })

  it('refuses exactly the work over budget and trims escalations to what is left', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.nat(8), fc.integer({ min: 1, max: 1000 }), (base, perEscalation, budget, max, frames) => {
        const fit = fitWork({ base, perEscalation }, budget, max, frames)
        if (base > budget) return !fit.ok
        if (!fit.ok) return false
        return fit.maxEscalations <= Math.min(max, frames) && base + BigInt(fit.maxEscalations) * perEscalation <= budget && (fit.maxEscalations === Math.min(max, frames) || base + BigInt(fit.maxEscalations + 1) * perEscalation > budget)
      })
    )
    expect(fitWork({ base: 10n ** 30n, perEscalation: 1n }, undefined, 2, 5)).toEqual({ ok: true, maxEscalations: 2 })
  })
})
