// Gossip in the simulator: a valid message reaches every subscriber once
// through the mesh, validated by protocol/'s own rules at each node; one
// that fails them stops at the first hop; a partition stops it too.
import { describe, expect, it } from 'vitest'
import { GossipModel } from '../../../../testnet/sim/gossip-model.ts'
import { NetworkModel } from '../../../../testnet/sim/network-model.ts'
import { VirtualClock } from '../../../../testnet/sim/virtual-clock.ts'
import { seededRandom } from '../../../../testnet/seeded-random.ts'
import { ed, NOW, samplePayloads, signed } from '../../protocol/fixtures.ts'

function swarm(size: number, seed = 3) {
  const clock = new VirtualClock()
  const random = seededRandom(seed)
  const net = new NetworkModel({ clock, random, latencyMs: { same: 5, cross: 60 }, jitter: 0.3, uplinkBytesPerS: 10_000_000, loss: 0 })
  const gossip = new GossipModel({ net, clock, random, ed, epochMs: NOW, degree: 6 })
  const got = new Map<string, number>()
  for (let i = 0; i < size; i++) {
    const id = `n${i}`
    net.add(id, i % 2 === 0 ? 'eu' : 'us')
    gossip.join(id, 'offers')
    gossip.on(id, 'offers', () => got.set(id, (got.get(id) ?? 0) + 1))
  }
  return { clock, net, gossip, got }
}

const offer = () => signed('WorkerOffer', samplePayloads(NOW).WorkerOffer)

describe('GossipModel', () => {
  it('a valid offer reaches every other subscriber exactly once; duplicates are dropped unvalidated', async () => {
    const { clock, gossip, got } = swarm(50)
    gossip.publish('n0', 'offers', offer())
    const report = await clock.run()
    expect(got.size).toBe(49)
    expect([...got.values()].every((n) => n === 1)).toBe(true)
    expect(gossip.stats).toMatchObject({ published: 1, delivered: 49, refused: {} })
    expect(gossip.stats.duplicates).toBeGreaterThan(0)
    // Nothing lost: every copy on the wire was a first arrival or a duplicate.
    expect(gossip.stats.delivered + gossip.stats.duplicates).toBe(gossip.stats.sentByTopic.offers)
    expect(report.nowMs).toBeLessThan(1_000)
  })

  it('the same seed gives the same spread, to the millisecond', async () => {
    const spread = async (seed: number) => {
      const { clock, gossip } = swarm(30, seed)
      const times: number[] = []
      for (let i = 1; i < 30; i++) gossip.on(`n${i}`, 'offers', () => times.push(clock.now()))
      gossip.publish('n0', 'offers', offer())
      await clock.run()
      return times
    }
    expect(await spread(9)).toEqual(await spread(9))
    expect(await spread(9)).not.toEqual(await spread(10))
  })

  it('a tampered offer is refused by the first hop and goes no further', async () => {
    const { clock, gossip, got } = swarm(20)
    const bytes = offer()
    bytes[bytes.length - 1]! ^= 1
    const firstHop = gossip.publish('n0', 'offers', bytes)
    await clock.run()
    expect(firstHop).toBeGreaterThan(0)
    expect(got.size).toBe(0)
    expect(Object.values(gossip.stats.refused).reduce((a, b) => a + b, 0)).toBe(firstHop)
  })

  it('the same offer again (a replay) is not delivered twice, and a partition keeps it on its side', async () => {
    const { clock, net, gossip, got } = swarm(40)
    net.partition([
      Array.from({ length: 20 }, (_, i) => `n${i}`),
      Array.from({ length: 20 }, (_, i) => `n${i + 20}`)
    ])
    const bytes = offer()
    gossip.publish('n0', 'offers', bytes)
    gossip.publish('n1', 'offers', bytes)
    await clock.run()
    expect(got.size).toBeGreaterThan(0)
    expect([...got.keys()].every((id) => Number(id.slice(1)) < 20)).toBe(true)
    expect([...got.values()].every((n) => n === 1)).toBe(true)
  })
})
