// The quick version of the `floods` attack scenario (scripts/attack): a
// creator with the production connection limits, as a real process, under
// idle-socket, stream and many-identity floods from other loopback
// addresses, while honest peers on 127.0.0.1 fetch a blob from it and new
// honest peers dial in. The RSS bar is left to `npm run attack` (it depends
// on GC timing).
import { describe, expect, it } from 'vitest'
import { floodsAttack } from '../../../scripts/attack/lib/floods-attack.ts'

describe('attack: stream and connection floods', () => {
  it('honest peers keep fetching and getting in while one peer and many identities flood the node', { timeout: 90_000 }, async () => {
    const r = await floodsAttack({ attackMs: 6_000, pendingSockets: 50, identities: 10, streamsPerIdentity: 4, honestPeers: 2, log: () => {} })
    expect(r.honest.fetches).toBeGreaterThan(5)
    expect(r.honest.fetchSuccessPct).toBeGreaterThanOrEqual(99)
    expect(r.honest.dials).toBeGreaterThan(0)
    expect(r.honest.dialSuccessPct).toBeGreaterThanOrEqual(99)
    // The floods did reach the node: sockets, streams and identities.
    expect(r.attack.socketsOpened).toBeGreaterThan(50)
    expect(r.attack.floodStreamsOpened + r.attack.floodStreamsRefused).toBeGreaterThan(0)
    expect(r.attack.identitiesConnected).toBeGreaterThan(0)
    expect(r.alive).toBe(true)
  })
})
