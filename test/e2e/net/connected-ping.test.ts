// The host's ping service (node/net/connected-ping.ts) on real hosts over
// loopback TCP: kad-dht's contact check answers for a peer with an open
// connection without a round trip and refuses one without (it is not
// dialled), a real round trip is still there, and the service still
// answers other peers' pings. Then the DHT built on it: a swarm that only
// met one bootstrap peer still finds a provider through queries.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { SingleKadDHT } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it } from 'vitest'
import { CONNECTED_RTT_MS, NotConnectedError } from '../../../node/net/connected-ping.ts'
import { createHost, type PictorLibp2p } from '../../../node/net/host.ts'

const host = async (bootstrap: string[] = []) => createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, localTestnet: true })

describe('kad-dht contact check (connected-ping)', () => {
  const started: { stop(): void | Promise<void> }[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.stop()))
  })

  it('answers for a connected peer without a round trip and refuses an unconnected one without dialling it', async () => {
    const [a, b] = await Promise.all([host(), host()])
    started.push(a, b)
    await a.peerStore.merge(b.peerId, { multiaddrs: b.getMultiaddrs() })

    // Known by address only: refused, and not dialled.
    await expect(a.services.ping.ping(b.peerId)).rejects.toThrow(NotConnectedError)
    expect(a.services.ping.refusedUnconnected).toBe(1)
    expect(a.getConnections(b.peerId)).toHaveLength(0)

    // A real round trip when asked for one (it dials). Once connected, kad-dht checks b as a new contact: counts are compared around each call.
    expect(await a.services.ping.pingOverNetwork(b.peerId)).toBeGreaterThanOrEqual(0)
    expect(a.getConnections(b.peerId).length).toBeGreaterThan(0)

    // Connected now: answered from the connection.
    const before = a.services.ping.answeredFromConnection
    expect(await a.services.ping.ping(b.peerId)).toBe(CONNECTED_RTT_MS)
    expect(a.services.ping.answeredFromConnection).toBe(before + 1)

    // Gone again: refused.
    await b.stop()
    await a.hangUp(b.peerId)
    await expect(a.services.ping.ping(b.peerId)).rejects.toThrow(NotConnectedError)
  })

  it("serves plain libp2p hosts' pings", async () => {
    const a: PictorLibp2p = await host()
    const plain = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { ping: ping() }
    })
    started.push(a, plain)
    const rtt = await plain.services.ping.ping(a.getMultiaddrs()[0])
    expect(rtt).toBeGreaterThanOrEqual(0)
  })

  it('a DHT whose tables hold only peers that answered still stores and finds provider records', async () => {
    // Seven hosts bootstrap to a first one, as a testnet's nodes do; each table starts with the peers it connected to.
    const first = await host()
    started.push(first)
    const others: PictorLibp2p[] = []
    for (let i = 0; i < 7; i++) others.push(await host([first.getMultiaddrs()[0].toString()]))
    started.push(...others)
    await until(() => tableSize(first) === others.length && others.every((h) => tableSize(h) > 0))
    expect(first.services.ping.answeredFromConnection).toBeGreaterThanOrEqual(others.length)

    const [provider, seeker] = [others[6], others[0]]
    const cid = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode('connected-ping provider')))
    await provider.contentRouting.provide(cid, { signal: AbortSignal.timeout(20_000) })
    const found: string[] = []
    for await (const p of seeker.contentRouting.findProviders(cid, { signal: AbortSignal.timeout(20_000) })) {
      found.push(p.id.toString())
      if (p.id.equals(provider.peerId)) break
    }
    expect(found).toContain(provider.peerId.toString())
  })
})

const tableSize = (h: PictorLibp2p) => (h.services.dht as SingleKadDHT).routingTable.size

async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 20))
}
