import { describe, expect, it } from 'vitest'
import { FLOOD_PENALTY_HALF_LIFE_MS, FLOOD_PENALTY_POINTS, FloodPenalties } from '../../../../node/net/flood-penalties.ts'

/** host.ts: the score below which gossipsub drops a peer's messages unread. */
const GRAYLIST = -1000

describe('FloodPenalties (gossipsub P5, SPEC R36)', () => {
  it('scores zero for a peer that never flooded, and reaches the graylist threshold after 100 messages over the limit', () => {
    const penalties = new FloodPenalties({ now: () => 0 })
    expect(penalties.score('honest')).toBe(0)
    for (let i = 0; i < 99; i++) penalties.charge('flooder')
    expect(penalties.score('flooder')).toBeGreaterThan(GRAYLIST)
    penalties.charge('flooder')
    expect(penalties.score('flooder')).toBe(100 * -FLOOD_PENALTY_POINTS)
    expect(penalties.score('flooder')).toBeLessThanOrEqual(GRAYLIST)
    expect(penalties.score('honest')).toBe(0)
  })

  it('halves every half-life, so a flooder that stops is forgiven in time', () => {
    let now = 0
    const penalties = new FloodPenalties({ now: () => now })
    for (let i = 0; i < 400; i++) penalties.charge('flooder')
    now = FLOOD_PENALTY_HALF_LIFE_MS
    expect(penalties.score('flooder')).toBeCloseTo(-2000)
    now = 3 * FLOOD_PENALTY_HALF_LIFE_MS
    expect(penalties.score('flooder')).toBeCloseTo(-500)
    penalties.charge('flooder')
    expect(penalties.score('flooder')).toBeCloseTo(-510)
  })
})
