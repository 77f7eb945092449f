// The quick version of the `gossip` attack scenario (scripts/attack): three
// honest nodes (real PictorNodes in their own processes) keep announcing
// jobs while a flooder (invalid messages, bids for jobs nobody announced,
// replays), then a bid flooder, and a sybil set 4x their number attack.
// Every honest announcement must reach every other honest node, and every
// sender of invalid messages must end up graylisted (how many heartbeats
// that takes is measured by `npm run attack`; tests do not assert times).
// Whether the bid flooder passes the per-peer bid limit depends on how fast
// this machine lets it send; the suite measures that, and
// test/e2e/bid-flood.test.ts checks the limit itself.
import { describe, expect, it } from 'vitest'
import { gossipAttack } from '../../../scripts/attack/lib/gossip-attack.ts'

describe('attack: gossip floods and sybils', () => {
  it('honest announcements all arrive and every sender of invalid messages is graylisted', { timeout: 120_000 }, async () => {
    const r = await gossipAttack({ honest: 3, sybilFactor: 4, attackMs: 10_000, publishEveryMs: 500, sybilRate: 10, log: () => {} })
    expect(r.honest.published).toBeGreaterThan(20)
    expect(r.honest.delivered).toBe(r.honest.expectedDeliveries)
    expect(r.attackers.flooderSent.invalid).toBeGreaterThan(0)
    expect(r.attackers.flooderSent.replay).toBeGreaterThan(0)
    expect(r.attackers.bidFlooderSent.useless).toBeGreaterThan(0)
    expect(r.graylisting.flooder.graylisted).toBe(r.graylisting.flooder.pairs)
    expect(r.graylisting.sybil.graylisted).toBe(r.graylisting.sybil.pairs)
    expect(r.alive).toBe(true)
  })
})
