// Gossip without libp2p signatures (host.ts, StrictNoSign) on real nodes on
// 127.0.0.1: a target node linked to an observer, and bare gossipsub peers
// dialled to the target alone. What the libp2p signature used to add is
// still there: a forged envelope is REJECTed at the first hop and costs the
// peer that delivered it its score; a message that does carry a libp2p
// signature is refused by gossipsub itself and penalised the same way; an
// old offer replayed after a newer one is dropped without penalty. None of
// them reaches the observer, and the genuine message still does, naming its
// signer as the sender.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub, StrictSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../node/identity/ed25519.ts'
import { identityFromSeed } from '../../node/identity/keys.ts'
import type { NodeContext } from '../../node/node.ts'
import { signEnvelope, TOPICS } from '../../protocol/index.ts'
import { gossipHost } from '../../scripts/attack/lib/hosts.ts'
import { type LocalSwarm, startSwarm, waitFor } from './helpers/nodes.ts'

type Peer = Libp2p<{ pubsub: GossipSub }>
type GossipSubImpl = GossipSub & { getScore(peer: string): number }

let swarm: LocalSwarm
let target: NodeContext
let observer: NodeContext
const peers: Peer[] = []
/** Offers the observer delivered to its roles: seq and the sender it was given. */
const heard: Array<{ seq: number; from: string }> = []
/** Seqs of the offers the target delivered to its roles. */
const atTarget: number[] = []

/** A bare gossipsub peer dialled to the target, subscribed to offers, once it sees the target there. */
async function peerOf(signed: boolean): Promise<Peer> {
  const peer: Peer = signed
    ? await createLibp2p({
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: { identify: identify(), pubsub: gossipsub({ globalSignaturePolicy: StrictSign, allowPublishToZeroTopicPeers: true }) }
      })
    : await gossipHost()
  peers.push(peer)
  peer.services.pubsub.subscribe(TOPICS.offers)
  await peer.dial(multiaddr(`${target.libp2p.getMultiaddrs()[0]}`))
  await waitFor(() => peer.services.pubsub.getSubscribers(TOPICS.offers).some((p) => p.equals(target.libp2p.peerId)), 20_000, 'the target subscribed, seen by the peer')
  return peer
}

function offer(seed: Uint8Array, seq: number): Uint8Array {
  return signEnvelope(nodeEd25519, seed, 'WorkerOffer', {
    renderers: [{ name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] }],
    hardware: { cpuModel: 'test', cpuCount: 2, gpuModel: '', gpuCount: 0, ramMib: 1024, gpuVendor: '', gpuVramMib: 0 },
    benchScore: 1000,
    price: 1000,
    slots: 1,
    freeSlots: 1,
    region: 'local',
    timestampMs: Date.now(),
    seq
  })
}

/** The target's offer validations with this result and reason (all of them without). */
function validated(reason?: string, result?: string): number {
  return target.metrics
    .render()
    .split('\n')
    .filter((l) => l.startsWith('pictor_gossip_validation_total{') && l.includes('topic="offers"'))
    .filter((l) => reason === undefined || (l.includes(`reason="${reason}"`) && l.includes(`result="${result}"`)))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0)
}

const scoreAtTarget = (peer: Peer) => (target.libp2p.services.pubsub as unknown as GossipSubImpl).getScore(peer.peerId.toString())

/** Publishes a genuine offer from the target and waits until the observer has it: everything sent before has had its chance. */
async function flush(seed: Uint8Array, seq: number): Promise<void> {
  await target.gossip.publish('offers', offer(seed, seq))
  await waitFor(() => heard.some((h) => h.seq === seq), 20_000, `offer ${seq} at the observer`)
}

beforeAll(async () => {
  swarm = await startSwarm(2, { links: [[0, 1]], roles: ['creator', 'creator'] })
  ;[target, observer] = swarm.nodes.map((n) => n.context) as [NodeContext, NodeContext]
  observer.gossip.on('offers', (d) => void heard.push({ seq: d.envelope.payload.seq, from: d.from.toString() }))
  target.gossip.on('offers', (d) => void atTarget.push(d.envelope.payload.seq))
}, 60_000)

afterAll(async () => {
  await Promise.allSettled(peers.map((p) => p.stop()))
  await swarm?.stop()
})

describe('gossip signed once, by the envelope', () => {
  it('rejects a forged envelope in an honest worker\'s name at the first hop, charges its sender, and lets the genuine one through', { timeout: 60_000 }, async () => {
    const forger = await peerOf(false)
    const honest = randomBytes(32)
    const genuine = offer(honest, 10)
    const forged = Uint8Array.from(genuine)
    forged[forged.length - 1]! ^= 1
    await forger.services.pubsub.publish(TOPICS.offers, forged)
    await waitFor(() => validated('BAD_SIGNATURE', 'REJECT') === 1, 20_000, 'the forgery rejected')
    await waitFor(() => scoreAtTarget(forger) < 0, 20_000, 'the forger penalised')
    // The forgery took no replay slot: the genuine offer passes, and is the only one the observer hears, from its signer.
    await target.gossip.publish('offers', genuine)
    await waitFor(() => heard.some((h) => h.seq === 10), 20_000, 'the genuine offer at the observer')
    expect(heard.filter((h) => h.seq === 10)).toEqual([{ seq: 10, from: (await identityFromSeed(honest)).peerId }])
  })

  it('refuses, before any validator, a message libp2p signed, and penalises the peer that sent it', { timeout: 60_000 }, async () => {
    const signer = await peerOf(true)
    const seed = randomBytes(32)
    const before = validated()
    await signer.services.pubsub.publish(TOPICS.offers, offer(seed, 20))
    await waitFor(() => scoreAtTarget(signer) < 0, 20_000, 'the signing peer penalised')
    await flush(randomBytes(32), 21)
    // The signed message never reached the target's validators, nor the observer.
    expect(validated()).toBe(before)
    expect(heard.some((h) => h.seq === 20)).toBe(false)
  })

  it('drops an old offer replayed after a newer one, without charging the peer that delivered it', { timeout: 60_000 }, async () => {
    const replayer = await peerOf(false)
    const worker = randomBytes(32)
    const older = offer(worker, 30)
    // The newer offer reaches the target through the network (its replay guard records what it validates).
    await observer.gossip.publish('offers', offer(worker, 31))
    await waitFor(() => atTarget.includes(31), 20_000, 'the newer offer at the target')
    await replayer.services.pubsub.publish(TOPICS.offers, older)
    await waitFor(() => validated('OLD_SEQ', 'IGNORE') === 1, 20_000, 'the old offer ignored')
    await flush(randomBytes(32), 32)
    expect(heard.some((h) => h.seq === 30)).toBe(false)
    expect(scoreAtTarget(replayer)).toBeGreaterThanOrEqual(0)
  })
})
