// Role code on the simulator's clock, unchanged: the worker's own
// OfferPublisher (node/roles/worker/offers.ts) takes its time and timers
// from the Clock port, so on a VirtualClock an hour of offers takes no
// wall time, lands at exact virtual times, and its offers pass protocol/'s
// validation at every node of a simulated gossip mesh.
import { describe, expect, it } from 'vitest'
import { memoryKv } from '../../../../node/roles/worker/kv.ts'
import { OFFER_BUSY_DELAY_MS, OFFER_REFRESH_MS, OfferPublisher } from '../../../../node/roles/worker/offers.ts'
import { offerSelf as self } from '../../node/roles/worker/fakes.ts'
import { silentLogger } from '../../../../node/log.ts'
import { signEnvelope, type WorkerOffer } from '../../../../protocol/index.ts'
import { GossipModel } from '../../../../testnet/sim/gossip-model.ts'
import { NetworkModel } from '../../../../testnet/sim/network-model.ts'
import { VirtualClock } from '../../../../testnet/sim/virtual-clock.ts'
import { seededRandom } from '../../../../testnet/seeded-random.ts'
import { ed, NOW, seedA } from '../../protocol/fixtures.ts'


describe('role code on virtual time', () => {
  it("the worker's offer publisher refreshes on schedule and its offers reach a simulated mesh, validated at every node", async () => {
    const clock = new VirtualClock(NOW)
    const random = seededRandom(5)
    const net = new NetworkModel({ clock, random, latencyMs: { same: 5, cross: 60 }, jitter: 0.2, uplinkBytesPerS: 10_000_000, loss: 0 })
    const gossip = new GossipModel({ net, clock, random, ed, epochMs: 0, degree: 4 })
    const received: number[] = []
    for (let i = 0; i < 12; i++) {
      net.add(`n${i}`, 'eu')
      gossip.join(`n${i}`, 'offers')
    }
    gossip.on('n11', 'offers', (message) => received.push((message.payload as WorkerOffer).timestampMs - NOW))
    const sentAt: number[] = []
    const state = { ...self }
    const publisher = new OfferPublisher({
      sign: (offer) => signEnvelope(ed, seedA, 'WorkerOffer', offer),
      publish: async (bytes) => {
        sentAt.push(clock.now() - NOW)
        return gossip.publish('n0', 'offers', bytes)
      },
      self: () => state,
      kv: memoryKv(),
      now: () => clock.now(),
      clock,
      logger: silentLogger
    })
    await publisher.start()
    // A slot is taken at 610 s (between two refreshes): fewer free slots waits OFFER_BUSY_DELAY_MS before it is said.
    clock.setTimeout(() => {
      state.freeSlots = 1
      void publisher.update()
    }, 610_000)
    const report = await clock.run({ untilMs: NOW + 3_600_000 })
    await publisher.stop()
    const refreshes = Array.from({ length: Math.floor(3_600_000 / OFFER_REFRESH_MS) }, (_, i) => (i + 1) * OFFER_REFRESH_MS)
    const expected = [0, ...refreshes.filter((t) => t < 610_000), 610_000 + OFFER_BUSY_DELAY_MS]
    expect(sentAt.slice(0, expected.length)).toEqual(expected)
    expect(received.slice(0, expected.length)).toEqual(expected)
    expect(gossip.stats.refused).toEqual({})
    expect(report.stopped).toBe('until')
  })
})
