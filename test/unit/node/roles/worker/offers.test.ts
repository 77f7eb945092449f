import { describe, expect, it } from 'vitest'
import { LIMITS, openEnvelope, ReplayGuard, signEnvelope, validateGossip, type WorkerOffer } from '../../../../../protocol/index.ts'
import { memoryKv } from '../../../../../node/roles/worker/kv.ts'
import { buildOfferPayload, nextOfferSeq, OfferBook, OfferPublisher, type OfferSelf } from '../../../../../node/roles/worker/offers.ts'
import { ed, logger, seedOf } from './fakes.ts'

const self: OfferSelf = {
  capabilities: { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] },
  hardware: { cpuModel: 'Test CPU', cpuCount: 8, gpuModel: '', gpuCount: 0, ramMib: 16384, gpuVendor: '', gpuVramMib: 0 },
  benchScore: 1000,
  price: 1500,
  slots: 4,
  freeSlots: 3,
  region: 'eu-west'
}

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

  it('is persisted by the publisher and never repeats after a restart', async () => {
    const kv = memoryKv()
    const published: Uint8Array[] = []
    const make = () =>
      new OfferPublisher({ sign: (o) => signEnvelope(ed, seedOf(1), 'WorkerOffer', o), publish: async (b) => published.push(b), self: () => self, kv, now: () => 1000, logger, intervalMs: 60_000 })
    const first = make()
    await first.start()
    await first.publishNow()
    await first.stop()
    const second = make()
    await second.start()
    await second.stop()
    const guard = new ReplayGuard()
    // Each offer must pass the seq replay guard in order: strictly increasing.
    const actions = published.map((b) => validateGossip('offers', b, { nowMs: 1000, ed, replay: guard }).action)
    expect(actions).toEqual(['ACCEPT', 'ACCEPT', 'ACCEPT'])
    expect(kv.data.get('offer-seq')).toBe(1002)
  })
})

describe('OfferPublisher', () => {
  it('publishes once more after an offer in flight when something changed meanwhile, and not after stop', async () => {
    const sent: number[] = []
    let release: () => void = () => {}
    let current = { ...self }
    const publisher = new OfferPublisher({
      sign: (o) => signEnvelope(ed, seedOf(1), 'WorkerOffer', o),
      publish: async (bytes) => {
        sent.push((openEnvelope(ed, bytes).payload as WorkerOffer).price)
        // The first offer after start stays on the wire until released.
        if (sent.length === 2) await new Promise<void>((resolve) => (release = resolve))
      },
      self: () => current,
      kv: memoryKv(),
      now: () => 1000,
      logger,
      intervalMs: 60_000
    })
    await publisher.start()
    const inFlight = publisher.publishNow()
    await new Promise((r) => setImmediate(r))
    current = { ...self, price: 900 }
    // Two asks while one is on its way: one more offer, carrying the new price.
    const next = [publisher.publishNow(), publisher.publishNow()]
    release()
    await Promise.all([inFlight, ...next])
    expect(sent).toEqual([1500, 1500, 900])
    await publisher.stop()
    expect(sent).toHaveLength(3)
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
