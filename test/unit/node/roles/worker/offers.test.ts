import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LIMITS, openEnvelope, ReplayGuard, signEnvelope, validateGossip, type WorkerOffer } from '../../../../../protocol/index.ts'
import { memoryKv } from '../../../../../node/roles/worker/kv.ts'
import {
  buildOfferPayload,
  nextOfferSeq,
  OFFER_JOIN_DELAY_MS,
  OFFER_BUSY_DELAY_MS,
  OFFER_MIN_GAP_MS,
  OFFER_REFRESH_MS,
  OFFER_SEQ_BLOCK,
  OFFER_TTL_MS,
  OfferBook,
  OfferPublisher,
  type OfferPublisherInit,
  type OfferSelf
} from '../../../../../node/roles/worker/offers.ts'
import { ed, logger, offerSelf as self, seedOf } from './fakes.ts'


describe('buildOfferPayload', () => {
  it('describes the worker and passes the network validator', () => {
    const now = Date.now()
    const offer = buildOfferPayload(self, 42, now)
    expect(offer).toEqual({
      renderers: [{ name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] }],
      hardware: self.hardware,
      benchScore: 1000,
      price: 1500,
      slots: 4,
      freeSlots: 3,
      region: 'eu-west',
      timestampMs: now,
      seq: 42
    })
    const bytes = signEnvelope(ed, seedOf(1), 'WorkerOffer', offer)
    const result = validateGossip('offers', bytes, { nowMs: now, ed, replay: new ReplayGuard() })
    expect(result.action).toBe('ACCEPT')
  })

  it('cuts what peers would reject: long strings, too many engines, free slots above capacity', () => {
    const offer = buildOfferPayload(
      {
        ...self,
        capabilities: { ...self.capabilities, engines: Array.from({ length: 12 }, (_, i) => `E${i}`) },
        hardware: { ...self.hardware, cpuModel: 'é'.repeat(300) },
        freeSlots: 9
      },
      1,
      Date.now()
    )
    expect(offer.renderers[0]!.engines).toHaveLength(LIMITS.maxEngines)
    expect(Buffer.byteLength(offer.hardware!.cpuModel)).toBeLessThanOrEqual(LIMITS.maxStringBytes)
    expect(offer.freeSlots).toBe(4)
    const result = validateGossip('offers', signEnvelope(ed, seedOf(1), 'WorkerOffer', offer), { nowMs: Date.now(), ed, replay: new ReplayGuard() })
    expect(result.action).toBe('ACCEPT')
  })
})

describe('offer seq', () => {
  it('rises across restarts even when the clock steps back', () => {
    expect(nextOfferSeq(undefined, 1000)).toBe(1000)
    expect(nextOfferSeq(1000, 1000)).toBe(1001)
    expect(nextOfferSeq(5000, 1000)).toBe(5001)
  })
})

const T0 = 1_700_000_000_000

/** A publisher on vitest's fake clock (now() is the faked Date.now()), recording what it sends and every store write. */
function harness(kv = memoryKv(), over: Partial<OfferPublisherInit> = {}) {
  let current: OfferSelf = { ...self }
  const sent: WorkerOffer[] = []
  const writes: unknown[] = []
  const joins: Array<() => void> = []
  const publisher = new OfferPublisher({
    sign: (o) => signEnvelope(ed, seedOf(1), 'WorkerOffer', o),
    publish: async (bytes) => void sent.push(openEnvelope(ed, bytes).payload as WorkerOffer),
    self: () => current,
    kv: {
      ...kv,
      put: async (key, value) => {
        writes.push(value)
        await kv.put(key, value)
      }
    },
    now: () => Date.now(),
    logger,
    onJoin: (listener) => void joins.push(listener),
    ...over
  })
  return {
    publisher,
    sent,
    writes,
    set: (change: Partial<OfferSelf>) => {
      current = { ...current, ...change }
    },
    join: () => {
      for (const listener of joins) listener()
    }
  }
}

describe('OfferPublisher', () => {
  beforeEach(() => void vi.useFakeTimers({ now: T0 }))
  afterEach(() => void vi.useRealTimers())
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms)

  it('offers once at start, then nothing while what it says is unchanged but a refresh every OFFER_REFRESH_MS', async () => {
    const { publisher, sent } = harness()
    await publisher.start()
    expect(sent).toHaveLength(1)
    for (let i = 0; i < 10; i++) await publisher.update()
    await advance(OFFER_REFRESH_MS - 1)
    expect(sent).toHaveLength(1)
    await advance(1)
    expect(sent).toHaveLength(2)
    await advance(2 * OFFER_REFRESH_MS)
    expect(sent.map((o) => o.timestampMs - T0)).toEqual([0, OFFER_REFRESH_MS, 2 * OFFER_REFRESH_MS, 3 * OFFER_REFRESH_MS])
    expect(sent.map((o) => o.freeSlots)).toEqual([3, 3, 3, 3])
    // Refreshed well before peers forget the offer.
    expect(OFFER_REFRESH_MS).toBeLessThanOrEqual(OFFER_TTL_MS / 3)
    await publisher.stop()
  })

  it('coalesces changes into one offer per OFFER_MIN_GAP_MS carrying the latest values', async () => {
    const { publisher, sent, set } = harness()
    await publisher.start()
    await advance(100)
    set({ freeSlots: 2 })
    void publisher.update()
    set({ freeSlots: 1 })
    void publisher.update()
    set({ price: 900 })
    void publisher.update()
    await advance(OFFER_MIN_GAP_MS - 101)
    expect(sent).toHaveLength(1)
    await advance(1)
    expect(sent).toHaveLength(2)
    expect(sent[1]).toMatchObject({ freeSlots: 1, price: 900, timestampMs: T0 + OFFER_MIN_GAP_MS })
    // A change right after an offer waits out the gap; one long after goes at once.
    set({ price: 800 })
    void publisher.update()
    await advance(OFFER_MIN_GAP_MS - 1)
    expect(sent).toHaveLength(2)
    await advance(1)
    expect(sent.map((o) => o.price)).toEqual([1500, 900, 800])
    await advance(5_000)
    set({ freeSlots: 3 })
    void publisher.update()
    await advance(0)
    expect(sent.map((o) => o.timestampMs - T0)).toEqual([0, OFFER_MIN_GAP_MS, 2 * OFFER_MIN_GAP_MS, 2 * OFFER_MIN_GAP_MS + 5_000])
    await publisher.stop()
  })

  it('reports fewer free slots only after OFFER_BUSY_DELAY_MS, and not at all when a slot frees by then; more free slots at once', async () => {
    const { publisher, sent, set } = harness()
    await publisher.start()
    await advance(5_000)
    set({ freeSlots: 2 })
    void publisher.update()
    await advance(OFFER_BUSY_DELAY_MS - 1)
    expect(sent).toHaveLength(1)
    await advance(1)
    expect(sent.map((o) => o.freeSlots)).toEqual([3, 2])
    // Taken and freed again within the delay: nothing to say.
    set({ freeSlots: 1 })
    void publisher.update()
    await advance(5_000)
    set({ freeSlots: 2 })
    void publisher.update()
    await advance(OFFER_BUSY_DELAY_MS)
    expect(sent).toHaveLength(2)
    // A slot freeing is news: out after the usual gap only.
    set({ freeSlots: 3 })
    void publisher.update()
    await advance(0)
    expect(sent.map((o) => o.freeSlots)).toEqual([3, 2, 3])
    // A pending decrease rides along with an urgent change.
    set({ freeSlots: 0 })
    void publisher.update()
    await advance(OFFER_MIN_GAP_MS)
    set({ price: 700 })
    void publisher.update()
    await advance(0)
    expect(sent.at(-1)).toMatchObject({ freeSlots: 0, price: 700 })
    expect(sent).toHaveLength(4)
    await advance(OFFER_BUSY_DELAY_MS)
    expect(sent).toHaveLength(4)
    // Well before the refresh, or the refresh would have carried each change.
    expect(OFFER_BUSY_DELAY_MS + 10_000).toBeLessThan(OFFER_REFRESH_MS)
    await publisher.stop()
  })

  it('sends nothing for a change undone before its offer was due (a slot taken and freed in between)', async () => {
    const { publisher, sent, set } = harness()
    await publisher.start()
    await advance(200)
    set({ freeSlots: 2 })
    void publisher.update()
    set({ freeSlots: 3 })
    void publisher.update()
    await advance(OFFER_MIN_GAP_MS)
    expect(sent).toHaveLength(1)
    // The refresh is still due at its time.
    await advance(OFFER_REFRESH_MS - OFFER_MIN_GAP_MS - 200)
    expect(sent).toHaveLength(2)
    await publisher.stop()
  })

  it('resolves update() once the offer carrying the change is out', async () => {
    const { publisher, sent, set } = harness()
    await publisher.start()
    set({ price: 900 })
    let out = false
    const update = publisher.update().then(() => (out = true))
    await advance(OFFER_MIN_GAP_MS - 1)
    expect(out).toBe(false)
    await advance(1)
    await update
    expect(sent.at(-1)!.price).toBe(900)
    // Nothing changed: nothing to wait for.
    await publisher.update()
    expect(sent).toHaveLength(2)
    await publisher.stop()
  })

  it('answers peers joining the topic with one offer within OFFER_JOIN_DELAY_MS, however many join', async () => {
    const { publisher, sent, join } = harness()
    await publisher.start()
    await advance(10_000)
    for (let i = 0; i < 5; i++) {
      join()
      await advance(400)
    }
    expect(sent).toHaveLength(1)
    await advance(OFFER_JOIN_DELAY_MS - 2_000)
    expect(sent.map((o) => o.timestampMs - T0)).toEqual([0, 10_000 + OFFER_JOIN_DELAY_MS])
    // The refresh counts from that offer.
    await advance(OFFER_REFRESH_MS - 1)
    expect(sent).toHaveLength(2)
    await advance(1)
    expect(sent).toHaveLength(3)
    await publisher.stop()
  })

  it('keeps one offer on the wire at a time, in seq order, and sends nothing after stop', async () => {
    let release = () => {}
    const blocked: WorkerOffer[] = []
    const h = harness(memoryKv(), {
      publish: async (bytes) => {
        const offer = openEnvelope(ed, bytes).payload as WorkerOffer
        blocked.push(offer)
        // The second offer stays on the wire until released.
        if (blocked.length === 2) await new Promise<void>((resolve) => (release = resolve))
      }
    })
    await h.publisher.start()
    h.set({ price: 900 })
    void h.publisher.update()
    await advance(OFFER_MIN_GAP_MS)
    expect(blocked.map((o) => o.price)).toEqual([1500, 900])
    h.set({ price: 800 })
    const third = h.publisher.update()
    await advance(5 * OFFER_MIN_GAP_MS)
    expect(blocked).toHaveLength(2)
    release()
    await advance(0)
    await third
    expect(blocked.map((o) => o.price)).toEqual([1500, 900, 800])
    expect(blocked.map((o) => o.seq)).toEqual([...blocked.map((o) => o.seq)].sort((a, b) => a - b))
    h.set({ price: 700 })
    const late = h.publisher.update()
    await h.publisher.stop()
    await late
    await advance(2 * OFFER_REFRESH_MS)
    expect(blocked).toHaveLength(3)
  })

  it('keeps seq rising across restarts and a clock stepped back, with one store write per OFFER_SEQ_BLOCK, not per offer', async () => {
    const kv = memoryKv()
    const first = harness(kv)
    await first.publisher.start()
    for (let i = 0; i < 50; i++) {
      first.set({ price: 1000 + i })
      void first.publisher.update()
      await advance(OFFER_MIN_GAP_MS)
    }
    await first.publisher.stop()
    expect(first.sent).toHaveLength(51)
    expect(first.writes).toEqual([T0 + OFFER_SEQ_BLOCK])
    // Restarted with the clock ten minutes back: above every seq used before, still one write.
    vi.setSystemTime(T0 - 600_000)
    const second = harness(kv)
    await second.publisher.start()
    await second.publisher.stop()
    expect(second.writes).toEqual([T0 + OFFER_SEQ_BLOCK + 1 + OFFER_SEQ_BLOCK])
    const offers = [...first.sent, ...second.sent]
    const seqs = offers.map((o) => o.seq)
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!)
    // Peers' replay guards take every one of them, in order.
    const guard = new ReplayGuard()
    const actions = offers.map((o) => validateGossip('offers', signEnvelope(ed, seedOf(1), 'WorkerOffer', o), { nowMs: o.timestampMs, ed, replay: guard }).action)
    expect(new Set(actions)).toEqual(new Set(['ACCEPT']))
  })

  it('takes the last seq an older version stored as its floor', async () => {
    const kv = memoryKv()
    kv.data.set('offer-seq', T0 + 5)
    const { publisher, sent, writes } = harness(kv)
    await publisher.start()
    await publisher.stop()
    expect(sent[0]!.seq).toBe(T0 + 6)
    expect(writes).toEqual([T0 + 6 + OFFER_SEQ_BLOCK])
  })
})

describe('OfferBook', () => {
  it('averages the latest price of each worker heard recently', () => {
    const book = new OfferBook({ ttlMs: 10_000 })
    expect(book.stats(0)).toEqual({ averagePrice: null, offersSeen: 0 })
    book.record('a', { ...buildOfferPayload(self, 1, 0), price: 1000 }, 0)
    book.record('a', { ...buildOfferPayload(self, 2, 0), price: 3000 }, 1000)
    book.record('b', { ...buildOfferPayload(self, 1, 0), price: 1000 }, 2000)
    expect(book.stats(3000)).toEqual({ averagePrice: 2000, offersSeen: 2 })
    // a was last heard at 1000: gone after the ttl.
    expect(book.stats(11_500)).toEqual({ averagePrice: 1000, offersSeen: 1 })
  })

  it('stays bounded', () => {
    const book = new OfferBook({ maxSigners: 3 })
    for (let i = 0; i < 10; i++) book.record(`w${i}`, buildOfferPayload(self, 1, 0), 0)
    expect(book.stats(0).offersSeen).toBe(3)
  })

  it('hands back the latest whole offer per worker only when asked to keep them (the creator does, for bid-watch)', () => {
    const keeping = new OfferBook({ ttlMs: 10_000, maxSigners: 2, keepOffers: true })
    const priced = (price: number) => ({ ...buildOfferPayload(self, 1, 0), price })
    keeping.record('a', priced(1000), 0)
    keeping.record('a', priced(3000), 1000)
    keeping.record('b', priced(2000), 2000)
    keeping.record('c', priced(4000), 3000)
    // a is the quietest of three with room for two; b goes stale by 12,500.
    expect(keeping.recent(4000).map((o) => o.price)).toEqual([2000, 4000])
    expect(keeping.recent(12_500).map((o) => o.price)).toEqual([4000])
    const pricesOnly = new OfferBook()
    pricesOnly.record('a', priced(1000), 0)
    expect(pricesOnly.recent(0)).toEqual([])
  })
})
