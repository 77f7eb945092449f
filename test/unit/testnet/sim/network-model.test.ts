// The simulator's network: uplink queueing, region latency, seeded loss,
// partitions and nodes that go away; one seed gives one history.
import { describe, expect, it } from 'vitest'
import { NetworkModel, type NetworkModelInit } from '../../../../testnet/sim/network-model.ts'
import { VirtualClock } from '../../../../testnet/sim/virtual-clock.ts'
import { seededRandom } from '../../../../testnet/seeded-random.ts'

function world(init: Partial<NetworkModelInit> = {}) {
  const clock = new VirtualClock()
  const net = new NetworkModel({ clock, random: seededRandom(7), latencyMs: { same: 10, cross: 80 }, jitter: 0, uplinkBytesPerS: 1_000_000, loss: 0, ...init })
  for (const [id, region] of [['a', 'eu'], ['b', 'eu'], ['c', 'us']]) net.add(id, region)
  return { clock, net }
}

describe('NetworkModel', () => {
  it('a message waits for its sender uplink, then takes its regions latency', async () => {
    const { clock, net } = world()
    const arrived: string[] = []
    // 100 kB at 1 MB/s: 100 ms on the wire each, one after the other.
    net.send('a', 'b', 100_000, () => arrived.push(`b@${clock.now()}`))
    net.send('a', 'c', 100_000, () => arrived.push(`c@${clock.now()}`))
    net.send('b', 'a', 0, () => arrived.push(`a@${clock.now()}`))
    await clock.run()
    expect(arrived).toEqual(['a@10', 'b@110', 'c@280'])
    expect(net.stats).toMatchObject({ messages: 3, bytes: 200_000, delivered: 3 })
  })

  it('a hop booked ahead (a gossip flood) adds its bytes to the uplink, not a hold on it until its own time', () => {
    const { net } = world()
    // Booked to leave 5 s from now: 100 ms on the wire from then.
    expect(net.transit('a', 'b', 100_000, 5_000)).toBe(5_110)
    // Sent now: it waits for the 100 ms of bytes already taken, not for the 5 s.
    expect(net.transit('a', 'b', 100_000, 0)).toBe(210)
  })

  it('loses messages at its loss rate, the same ones for the same seed', async () => {
    const run = async (seed: number) => {
      const { clock, net } = world({ loss: 0.2, jitter: 0.5, random: seededRandom(seed) })
      const got: number[] = []
      for (let i = 0; i < 2_000; i++) net.send('a', 'c', 100, () => got.push(i))
      await clock.run()
      return { got, stats: net.stats }
    }
    const [first, again, other] = [await run(1), await run(1), await run(2)]
    expect(again).toEqual(first)
    expect(other.got).not.toEqual(first.got)
    expect(first.stats.lost + first.stats.delivered).toBe(2_000)
    expect(first.stats.lost).toBeGreaterThan(320)
    expect(first.stats.lost).toBeLessThan(480)
  })

  it('drops across a partition, and what is on its way when one starts; heals', async () => {
    const { clock, net } = world()
    const got: string[] = []
    net.send('a', 'c', 0, () => got.push('before'))
    clock.setTimeout(() => net.partition([['a', 'b'], ['c']]), 40)
    await clock.run()
    expect(net.send('a', 'c', 0, () => got.push('during'))).toBe(false)
    expect(net.send('a', 'b', 0, () => got.push('same side'))).toBe(true)
    net.heal()
    net.send('c', 'a', 0, () => got.push('healed'))
    await clock.run()
    expect(got).toEqual(['same side', 'healed'])
    expect(net.stats.partitioned).toBe(2)
  })

  it('a node that goes offline gets nothing, sends nothing, and comes back', async () => {
    const { clock, net } = world()
    const got: string[] = []
    net.send('a', 'b', 0, () => got.push('lost in flight'))
    net.setOffline('b')
    expect(net.send('b', 'a', 0, () => got.push('from offline'))).toBe(false)
    await clock.run()
    net.add('b', 'us')
    net.send('a', 'b', 0, () => got.push(`back@${clock.now()}`))
    await clock.run()
    // The first run ended at 10 ms, when the lost message would have arrived; eu to us takes 80.
    expect(got).toEqual(['back@90'])
    expect(net.stats.offline).toBe(2)
  })

  it('refuses settings out of range with the setting named', () => {
    const clock = new VirtualClock()
    const base = { clock, random: Math.random, latencyMs: { same: 1, cross: 2 }, jitter: 0, uplinkBytesPerS: 1, loss: 0 }
    expect(() => new NetworkModel({ ...base, loss: 1.5 })).toThrow('network loss must be from 0 to 1')
    expect(() => new NetworkModel({ ...base, latencyMs: { same: -1, cross: 2 } })).toThrow('network same must be')
    expect(() => new NetworkModel({ ...base, uplinkBytesPerS: 0 })).toThrow('uplinkBytesPerS must be above 0')
  })
})
