import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BID_LIMITS } from '../../../../node/net/bid-gate.ts'
import { KeyedBuckets, type RateLimit, TokenBucket } from '../../../../node/net/token-bucket.ts'

/** Arrival times in ms, ascending. */
const arrivals = (maxGapMs: number, minLength: number, maxLength: number) =>
  fc.array(fc.integer({ min: 0, max: maxGapMs }), { minLength, maxLength }).map((gaps) => {
    let t = 0
    return gaps.map((g) => (t += g))
  })

/** The most any window [s, t] may hold for a bucket of `limit`: burst + perSecond * (t - s). */
function withinCurve(times: number[], limit: RateLimit): boolean {
  for (let i = 0; i < times.length; i++) for (let j = i; j < times.length; j++) if (j - i + 1 > limit.burst + (limit.perSecond * (times[j]! - times[i]!)) / 1000 + 1e-9) return false
  return true
}

describe('TokenBucket (SPEC R36, R38)', () => {
  it('never lets through more than burst + rate x time in any window', () => {
    const limit = { burst: 5, perSecond: 10 }
    fc.assert(
      fc.property(arrivals(300, 1, 400), (times) => {
        const bucket = new TokenBucket(limit, 0)
        const passed = times.filter((t) => bucket.take(t))
        expect(withinCurve(passed, limit)).toBe(true)
      })
    )
  })

  it('lets a burst through at once, then one per 1/rate, and refills to full when idle', () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, 0)
    expect([0, 0, 0, 0].map((t) => bucket.take(t))).toEqual([true, true, true, false])
    expect(bucket.take(499)).toBe(false)
    expect(bucket.take(500)).toBe(true)
    expect(bucket.isFull(500 + 1500)).toBe(true)
  })

  it('gains nothing from a clock that steps back', () => {
    const bucket = new TokenBucket({ burst: 1, perSecond: 1 }, 10_000)
    expect(bucket.take(10_000)).toBe(true)
    expect(bucket.take(0)).toBe(false)
    expect(bucket.take(10_999)).toBe(false)
    expect(bucket.take(11_000)).toBe(true)
  })

  it('keeps one bucket per key', () => {
    const buckets = new KeyedBuckets({ burst: 1, perSecond: 1 })
    expect([buckets.take('a', 0), buckets.take('a', 0), buckets.take('b', 0)]).toEqual([true, false, true])
    expect(buckets.size).toBe(2)
  })

  it("an honest relay never trips its neighbour's per-peer limit: what it forwards and publishes fits however delays of up to 5 s bunch it", () => {
    fc.assert(
      fc.property(
        arrivals(2, 6000, 6000),
        // The worst bunching: every bid sent before `cutMs` is held back `delayMs` (up to 5 s) and lands with those sent after it.
        fc.integer({ min: 0, max: 8000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.array(fc.boolean(), { minLength: 6000, maxLength: 6000 }),
        (times, cutMs, delayMs, own) => {
          // The relay: others' bids through its forward budget, its own through its publish budget.
          const forward = new TokenBucket(BID_LIMITS.forward, 0)
          const publish = new TokenBucket(BID_LIMITS.publish, 0)
          const sent = times.filter((t, i) => (own[i] ? publish.take(t) : forward.take(t))).map((t) => (t < cutMs ? t + delayMs : t))
          // The neighbour's bucket for the relay.
          const neighbour = new TokenBucket(BID_LIMITS.perPeer, 0)
          expect(sent.sort((a, b) => a - b).every((t) => neighbour.take(t))).toBe(true)
        }
      ),
      { numRuns: 50 }
    )
  })
})
