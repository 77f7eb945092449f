// Per-peer limits on check requests: in flight, token bucket, bounded memory.
import { describe, expect, it } from 'vitest'
import { MAX_TRACKED_PEERS, PeerLimits } from '../../../../../node/roles/checker/peer-limits.ts'

function limits(over: { burst?: number; refillPerSecond?: number; maxInFlightPerPeer?: number } = {}) {
  let now = 0
  const l = new PeerLimits({ maxInFlightPerPeer: over.maxInFlightPerPeer ?? 1, burst: over.burst ?? 3, refillPerSecond: over.refillPerSecond ?? 1, now: () => now })
  return { l, advance: (ms: number) => (now += ms) }
}

describe('PeerLimits', () => {
  it('lets one request per peer in at a time', () => {
    const { l } = limits()
    expect(l.enter('a')).toBeUndefined()
    expect(l.full('a')).toBe(true)
    expect(l.enter('a')).toMatch(/in flight/)
    expect(l.enter('b')).toBeUndefined()
    l.leave('a')
    expect(l.full('a')).toBe(false)
    expect(l.enter('a')).toBeUndefined()
  })

  it('spends a token per request and refills at the set rate, never past the burst', () => {
    const { l, advance } = limits({ burst: 3, refillPerSecond: 2 })
    for (let i = 0; i < 3; i++) {
      expect(l.enter('a')).toBeUndefined()
      l.leave('a')
    }
    expect(l.enter('a')).toMatch(/too many requests/)
    advance(499)
    expect(l.enter('a')).toMatch(/too many requests/)
    advance(1)
    expect(l.enter('a')).toBeUndefined()
    l.leave('a')
    advance(60_000)
    for (let i = 0; i < 3; i++) {
      expect(l.enter('a')).toBeUndefined()
      l.leave('a')
    }
    expect(l.enter('a')).toMatch(/too many requests/)
  })

  it('forgets idle peers rather than growing without bound, keeping a peer with a request in flight', () => {
    const { l, advance } = limits({ burst: 1 })
    expect(l.enter('busy')).toBeUndefined()
    for (let i = 0; i < MAX_TRACKED_PEERS + 10; i++) {
      l.enter(`p${i}`)
      l.leave(`p${i}`)
    }
    advance(10)
    expect(l.full('busy')).toBe(true)
    expect(l.enter('busy')).toMatch(/in flight/)
  })
})
