// Valid but useless bids (issue 12, hole 3; SPEC R36-R38) on real nodes on
// 127.0.0.1: creator - relay - third, plus a bare gossipsub attacker dialled
// to the relay alone that publishes thousands of correctly signed bids for
// random job ids. The relay forwards none of them, the attacker's score falls
// below the graylist threshold within 10 heartbeats, and an honest bid for a
// real job still reaches its creator through the same relay.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../node/identity/ed25519.ts'
import type { NodeContext } from '../../node/node.ts'
import { announcementOf, signEnvelope, toHex, TOPICS, validateJobSpec } from '../../protocol/index.ts'
import { type LocalSwarm, startSwarm, waitFor } from './helpers/nodes.ts'

const ATTACK_BIDS = 4000
/** Heartbeats the attacker may take to fall below the graylist threshold (the bar). */
const MAX_HEARTBEATS_TO_GRAYLIST = 10
/** Heartbeats after the flood before counting what got through. */
const SETTLE_HEARTBEATS = 3

type GossipSubImpl = GossipSub & { getScore(peer: string): number; opts: { scoreThresholds: { graylistThreshold: number } } }

let swarm: LocalSwarm
let attacker: Libp2p<{ pubsub: GossipSub }>

beforeAll(async () => {
  swarm = await startSwarm(3, { links: [[0, 1], [1, 2]] })
  attacker = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Unsigned by libp2p, as pictor nodes send gossip: its bids reach the relay's validators.
    services: { identify: identify(), pubsub: gossipsub({ globalSignaturePolicy: StrictNoSign, allowPublishToZeroTopicPeers: true }) }
  })
  const relay = swarm.nodes[1]!.context
  attacker.services.pubsub.subscribe(TOPICS.bids)
  await attacker.dial(multiaddr(`${relay.libp2p.getMultiaddrs()[0]}`))
  await waitFor(() => attacker.services.pubsub.getSubscribers(TOPICS.bids).some((p) => p.equals(relay.libp2p.peerId)), 20_000, 'the relay subscribed, seen by the attacker')
}, 60_000)

afterAll(async () => {
  await attacker?.stop()
  await swarm?.stop()
})

/** Bid messages a node ran through its validators, all results together. */
function bidsValidated(ctx: NodeContext, result?: string): number {
  const lines = ctx.metrics.render().split('\n').filter((l) => l.startsWith('pictor_gossip_validation_total{') && l.includes('topic="bids"'))
  return lines.filter((l) => result === undefined || l.includes(`result="${result}"`)).reduce((n, l) => n + Number(l.split(' ').at(-1)), 0)
}

function bid(seed: Uint8Array, jobId: Uint8Array<ArrayBuffer>): Uint8Array {
  return signEnvelope(nodeEd25519, seed, 'Bid', { jobId, price: 5, benchScore: 1000, slots: 1, timestampMs: Date.now() })
}

describe('a flood of valid bids for unknown jobs', () => {
  it('is not forwarded, gets the flooder graylisted, and leaves honest bids alone', async () => {
    const [creator, relay, third] = swarm.nodes.map((n) => n.context) as [NodeContext, NodeContext, NodeContext]
    // getScore and opts are on the implementation, not on the GossipSub interface.
    const pubsub = relay.libp2p.services.pubsub as unknown as GossipSubImpl
    const graylist = pubsub.opts.scoreThresholds.graylistThreshold
    const attackerId = attacker.peerId.toString()
    let beats = 0
    let graylistedAfter: number | undefined
    const onBeat = () => {
      beats += 1
      if (graylistedAfter === undefined && pubsub.getScore(attackerId) < graylist) graylistedAfter = beats
    }
    pubsub.addEventListener('gossipsub:heartbeat', onBeat)
    try {
      // The flood: each bid signed by a fresh worker key, for a job no one announced.
      const attackSeed = randomBytes(32)
      for (let i = 0; i < ATTACK_BIDS; i++) await attacker.services.pubsub.publish(TOPICS.bids, bid(attackSeed, Uint8Array.from(randomBytes(32))))
      const floodEnd = beats
      await waitFor(() => graylistedAfter !== undefined || beats >= floodEnd + MAX_HEARTBEATS_TO_GRAYLIST + SETTLE_HEARTBEATS, 60_000, 'the attacker graylisted or the settle heartbeats')
      await waitFor(() => beats >= floodEnd + SETTLE_HEARTBEATS, 30_000, 'settle heartbeats')

      // An honest job and bid through the same relay.
      const spec = validateJobSpec({ renderer: 'builtin', sceneBlob: '01'.repeat(32), sceneSize: 100, frameStart: 1, frameEnd: 4, framesPerTask: 2, width: 64, height: 36, samples: 4, maxPrice: 10 })
      const announcement = announcementOf(spec, { creatorPublicKey: creator.identity.publicKey, nonce: randomBytes(16), addrs: [], timestampMs: Date.now() })
      let thirdHeard = false
      const bidsAtCreator: string[] = []
      third.gossip.on('jobs', (d) => {
        if (toHex(d.envelope.payload.jobId) === toHex(announcement.jobId)) thirdHeard = true
      })
      creator.gossip.on('bids', (d) => void bidsAtCreator.push(toHex(d.envelope.payload.jobId)))
      await creator.gossip.publish('jobs', signEnvelope(nodeEd25519, creator.identity.seed, 'JobAnnouncement', announcement))
      await waitFor(() => thirdHeard, 20_000, 'the announcement at the third node')
      await third.gossip.publish('bids', bid(third.identity.seed, announcement.jobId))
      await waitFor(() => bidsAtCreator.length > 0, 20_000, 'the honest bid at the creator')

      const figures = {
        attackBids: ATTACK_BIDS,
        atRelay: bidsValidated(relay),
        forwardedToThird: bidsValidated(third),
        atCreator: bidsValidated(creator),
        attackerScore: Math.round(pubsub.getScore(attackerId)),
        heartbeatsToGraylist: graylistedAfter ?? null
      }
      console.info(`bid flood: ${JSON.stringify(figures)}`)
      // Nothing of the flood went past the relay: the third node validated no bid at all, the creator only the honest one.
      expect(figures.forwardedToThird).toBe(0)
      expect(bidsAtCreator).toEqual([toHex(announcement.jobId)])
      expect(figures.atCreator).toBe(1)
      expect(bidsValidated(relay, 'ACCEPT')).toBe(1)
      expect(graylistedAfter).toBeDefined()
      expect(graylistedAfter!).toBeLessThanOrEqual(MAX_HEARTBEATS_TO_GRAYLIST)
      // The attacker never reached the third node itself: what it got, it got through the relay.
      expect(third.libp2p.getConnections(attacker.peerId)).toEqual([])
    } finally {
      pubsub.removeEventListener('gossipsub:heartbeat', onBeat)
    }
  }, 120_000)
})
