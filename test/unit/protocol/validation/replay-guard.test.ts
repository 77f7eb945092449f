import { describe, expect, it } from 'vitest'
import { prepareReplayKey, ReplayGuard } from '../../../../protocol/validation/replay-guard.ts'
import { filled } from '../fixtures.ts'

const signer = filled(32, 1)
const h = (n: number) => ({ signer, type: 3, hash: filled(32, n) })
const s = (seq: number, who = signer) => ({ signer: who, type: 1, seq })

describe('ReplayGuard', () => {
  it('flags a recorded hash as duplicate, and only once recorded', () => {
    const g = new ReplayGuard()
    expect(g.check(h(1), 0)).toBe('new')
    expect(g.check(h(1), 0)).toBe('new')
    g.record(h(1), 0)
    expect(g.check(h(1), 1)).toBe('duplicate')
    expect(g.check(h(2), 1)).toBe('new')
    expect(g.check({ ...h(1), type: 4 }, 1)).toBe('new')
    expect(g.check({ ...h(1), signer: filled(32, 2) }, 1)).toBe('new')
  })

  it('orders sequence numbers per signer', () => {
    const g = new ReplayGuard()
    g.record(s(5), 0)
    expect(g.check(s(5), 0)).toBe('duplicate')
    expect(g.check(s(4), 0)).toBe('old-seq')
    expect(g.check(s(6), 0)).toBe('new')
    expect(g.check(s(1, filled(32, 2)), 0)).toBe('new')
    // Recording an older seq never lowers the high-water mark.
    g.record(s(3), 0)
    expect(g.check(s(4), 0)).toBe('old-seq')
  })

  it('takes a prepared key as the key it was made from', () => {
    const g = new ReplayGuard()
    g.record(prepareReplayKey(h(1)), 0)
    expect(g.check(h(1), 0)).toBe('duplicate')
    g.record(s(5), 0)
    expect([g.check(prepareReplayKey(s(5)), 0), g.check(prepareReplayKey(s(4)), 0), g.check(prepareReplayKey(s(6)), 0)]).toEqual(['duplicate', 'old-seq', 'new'])
  })

  it('forgets entries after the ttl (the freshness window covers them)', () => {
    const g = new ReplayGuard({ ttlMs: 100 })
    g.record(h(1), 0)
    expect(g.check(h(1), 100)).toBe('duplicate')
    expect(g.check(h(1), 101)).toBe('new')
    g.record(h(2), 200)
    expect(g.size).toBe(1)
  })

  it('stays within maxEntries, evicting the least recently touched', () => {
    const g = new ReplayGuard({ maxEntries: 3 })
    for (let i = 0; i < 3; i++) g.record(h(i), i)
    g.record(h(0), 3) // touch 0 so 1 is now the oldest
    g.record(h(9), 4)
    expect(g.size).toBe(3)
    expect(g.check(h(1), 4)).toBe('new')
    expect(g.check(h(0), 4)).toBe('duplicate')
    for (let i = 10; i < 1000; i++) g.record(h(i % 256), i)
    expect(g.size).toBe(3)
  })
})
