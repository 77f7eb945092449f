// The quick version of the `malformed` attack scenario (scripts/attack): a
// creator and a checker as real processes on 127.0.0.1 get malformed,
// oversized and endless streams on every custom protocol, malformed gossip on
// every topic and malformed HTTP requests, and the codecs and validators are
// fuzzed; every message must be refused and both nodes must keep serving.
// Endless HTTP requests and the RSS bar are left to `npm run attack` (Node
// cuts slow HTTP requests only every 30 s; RSS depends on GC timing).
import { describe, expect, it } from 'vitest'
import { malformedAttack } from '../../../scripts/attack/lib/malformed-attack.ts'

describe('attack: malformed messages', () => {
  it('refuses every malformed, oversized and endless message without a crash', { timeout: 120_000 }, async () => {
    const r = await malformedAttack({ fuzzScale: 0.02, fuzzSeed: 12, wirePerProtocol: 15, gossipPerTopic: 3, endlessWaitMs: 20_000, httpEndless: false, log: () => {} })
    expect(r.fuzz.broken).toBe(0)
    expect(r.fuzz.runs).toBeGreaterThan(1_000)
    for (const t of Object.values(r.streams)) {
      expect(t.notRefused ?? []).toEqual([])
      expect(t).toMatchObject({ refused: t.sent, accepted: 0, held: 0 })
    }
    expect(r.streams.task.sent).toBeGreaterThan(15)
    expect(r.endless.notRefused ?? []).toEqual([])
    expect(r.endless).toMatchObject({ refused: r.endless.sent, held: 0, notCut: 0 })
    expect(r.gossip.published).toBeGreaterThan(0)
    expect(r.gossip.accepted).toBe(0)
    expect(r.http.notRefused ?? []).toEqual([])
    expect(r.http).toMatchObject({ refused: r.http.sent, status500: 0 })
    expect(r.alive).toBe(true)
    expect(r.honestFetchAfter).toBe(true)
  })
})
