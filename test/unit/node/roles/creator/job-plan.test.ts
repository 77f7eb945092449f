import { describe, expect, it } from 'vitest'
import { planJob } from '../../../../../node/roles/creator/job-plan.ts'
import { blenderJob, offer } from './fixtures.ts'

describe('job plan', () => {
  it('counts frames and tasks, prices the escrow, and reads the asks of the workers that would bid', () => {
    // 4 frames of 64x36 at 128 samples; tasks of 1 frame.
    const spec = blenderJob({ frameEnd: 4, framesPerTask: 1, maxPrice: 1_000_000 })
    const offers = [offer({ price: 300_000 }), offer({ price: 100_000 }), offer({ price: 200_000 }), offer({ price: 2_000_000 }), offer({ price: 50_000 }, { name: 'builtin' })]
    const plan = planJob(spec, offers)
    expect(plan).toMatchObject({ frames: 4, tasks: 4, workers: { heard: 5, fitting: 3, price: { min: 100_000, median: 200_000, max: 300_000 } } })
    // 64x36x128 is 1/900 of a reference frame: ceil(price / 900) per frame.
    expect(plan.maxFrameCost).toBe(String(Math.ceil(1_000_000 / 900)))
    expect(plan.maxCost).toBe(String(4 * Math.ceil(1_000_000 / 900)))
    expect(plan.estimate).toEqual({ low: String(4 * Math.ceil(100_000 / 900)), typical: String(4 * Math.ceil(200_000 / 900)) })
    expect(BigInt(plan.escrow)).toBeGreaterThan(BigInt(plan.maxCost))
    expect(plan.noBids).toBeUndefined()
  })

  it('says why no worker would bid instead of estimating', () => {
    const plan = planJob(blenderJob({ maxPrice: 100 }), [offer({ price: 800 })])
    expect(plan.workers.fitting).toBe(0)
    expect(plan.estimate).toBeUndefined()
    expect(plan.noBids!.join(' ')).toMatch(/800/)
  })
})
