import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ClaimPacer, IDLE_CLAIMS_PER_S } from '../../../../../node/roles/creator/claim-pacer.ts'
import { LIMITS } from '../../../../../protocol/index.ts'

describe('ClaimPacer', () => {
  it("asks each idle claimer to wait its share, so that together they claim at about IDLE_CLAIMS_PER_S", () => {
    const pacer = new ClaimPacer()
    const waits = Array.from({ length: 100 }, (_, i) => pacer.noTask('job', `w${i}`, 0))
    expect(waits[0]).toBe(Math.round(1000 / IDLE_CLAIMS_PER_S))
    expect(waits[99]).toBe(Math.round((100 * 1000) / IDLE_CLAIMS_PER_S))
    // Asking again does not count a claimer twice; another job is paced apart.
    expect(pacer.noTask('job', 'w0', 10)).toBe(waits[99])
    expect(pacer.noTask('other', 'w0', 10)).toBe(waits[0])
    // A lease takes the worker off the job's idle claimers.
    pacer.leased('job', 'w5')
    expect(pacer.idleOn('job')).toBe(99)
  })

  it('never asks for more than the protocol allows', () => {
    const pacer = new ClaimPacer()
    let wait = 0
    const enough = (LIMITS.maxRetryAfterMs / 1000) * IDLE_CLAIMS_PER_S + 10
    for (let i = 0; i < enough; i++) wait = pacer.noTask('job', `w${i}`, 0)
    expect(wait).toBe(LIMITS.maxRetryAfterMs)
  })

  it('counts exactly the workers told noTask within the window and not leased since (model check)', () => {
    const window = 2 * LIMITS.maxRetryAfterMs
    const step = fc.record({ kind: fc.constantFrom('noTask', 'noTask', 'leased'), job: fc.constantFrom('a', 'b'), worker: fc.integer({ min: 0, max: 5 }), advanceMs: fc.integer({ min: 0, max: 50_000 }) })
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const pacer = new ClaimPacer()
        const model = new Map<string, number>()
        let now = 0
        for (const s of steps) {
          now += s.advanceMs
          const key = `${s.job}/${s.worker}`
          if (s.kind === 'leased') {
            pacer.leased(s.job, `${s.worker}`)
            model.delete(key)
            continue
          }
          for (const [k, at] of model) if (at < now - window) model.delete(k)
          model.set(key, now)
          const idle = [...model.keys()].filter((k) => k.startsWith(`${s.job}/`)).length
          expect(pacer.noTask(s.job, `${s.worker}`, now)).toBe(Math.min(LIMITS.maxRetryAfterMs, Math.round((idle * 1000) / IDLE_CLAIMS_PER_S)))
          expect(pacer.idleOn(s.job)).toBe(idle)
        }
      }),
      { numRuns: 300 }
    )
  })
})
