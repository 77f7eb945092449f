// GossipService's bid wiring (SPEC R36-R38) on a stand-in pubsub: which
// result gossipsub gets back, who hears a bid, what the node publishes.
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it, vi } from 'vitest'
import { nodeEd25519 } from '../../../../node/identity/ed25519.ts'
import { silentLogger } from '../../../../node/log.ts'
import { MetricsRegistry } from '../../../../node/metrics/index.ts'
import { GossipLimitError } from '../../../../node/net/errors.ts'
import { FloodPenalties } from '../../../../node/net/flood-penalties.ts'
import { GossipService } from '../../../../node/net/gossip.ts'
import { KNOWN_JOBS_LIMITS } from '../../../../node/net/known-jobs.ts'
import type { PictorLibp2p } from '../../../../node/net/host.ts'
import { announcementOf, ReplayGuard, signEnvelope, toHex, TOPICS, validateJobSpec } from '../../../../protocol/index.ts'

const NOW = 1_700_000_000_000
const PEER = peerIdFromString('12D3KooWGRUVh7pexz3B8qKt5BxbyKzBSHnUMxKUq3PQHJZ5ZtsB')
const CREATOR_SEED = new Uint8Array(32).fill(1)
const WORKER_SEED = new Uint8Array(32).fill(2)

type Validator = (peer: typeof PEER, message: Message) => TopicValidatorResult | Promise<TopicValidatorResult>

function service(penalties = new FloodPenalties({ now: () => NOW })) {
  const validators = new Map<string, Validator>()
  const published: string[] = []
  const pubsub = {
    topicValidators: validators,
    subscribe() {},
    unsubscribe() {},
    addEventListener() {},
    removeEventListener() {},
    publish: async (topic: string) => {
      published.push(topic)
      return { recipients: [] }
    }
  }
  const gossip = new GossipService({
    libp2p: { services: { pubsub } } as unknown as PictorLibp2p,
    ed: nodeEd25519,
    replay: new ReplayGuard(),
    now: () => NOW,
    metrics: new MetricsRegistry(),
    logger: silentLogger,
    penalties,
    bidLimits: { perPeer: { burst: 3, perSecond: 0 }, publish: { burst: 2, perSecond: 0 } }
  })
  gossip.start()
  const deliver = (topic: keyof typeof TOPICS, data: Uint8Array) => validators.get(TOPICS[topic])!(PEER, { type: 'signed', topic: TOPICS[topic], data, from: PEER } as unknown as Message)
  return { gossip, deliver, published }
}

function announcement(nonce: number) {
  const spec = validateJobSpec({ renderer: 'builtin', sceneBlob: '01'.repeat(32), sceneSize: 100, frameStart: 1, frameEnd: 4, framesPerTask: 2, width: 64, height: 36, samples: 4, maxPrice: 10 })
  const payload = announcementOf(spec, { creatorPublicKey: nodeEd25519.publicKey(CREATOR_SEED), nonce: new Uint8Array(16).fill(nonce), addrs: [], timestampMs: NOW })
  return { jobId: payload.jobId, bytes: signEnvelope(nodeEd25519, CREATOR_SEED, 'JobAnnouncement', payload) }
}

const bid = (jobId: Uint8Array<ArrayBuffer>, price = 5) => signEnvelope(nodeEd25519, WORKER_SEED, 'Bid', { jobId, price, benchScore: 100, slots: 1, timestampMs: NOW })

describe('gossip service: bids', () => {
  it('forwards a bid only once it heard the job announced', async () => {
    const { gossip, deliver } = service()
    const job = announcement(1)
    const early = deliver('bids', bid(job.jobId, 5))
    expect(await deliver('jobs', job.bytes)).toBe(TopicValidatorResult.Accept)
    // The bid that overtook the announcement was waiting for it.
    expect(await early).toBe(TopicValidatorResult.Accept)
    expect(await deliver('bids', bid(job.jobId, 6))).toBe(TopicValidatorResult.Accept)
    gossip.stop()
  })

  it('does not forward a bid for a job it never heard of, once the wait for its announcement is over', async () => {
    vi.useFakeTimers()
    try {
      const { gossip, deliver } = service()
      const result = deliver('bids', bid(announcement(9).jobId))
      await vi.advanceTimersByTimeAsync(KNOWN_JOBS_LIMITS.waitMs)
      expect(await result).toBe(TopicValidatorResult.Ignore)
      gossip.stop()
    } finally {
      vi.useRealTimers()
    }
  })

  it('hands a bid for its own job to the creator and does not forward it', async () => {
    const { gossip, deliver, published } = service()
    const job = announcement(2)
    await gossip.publish('jobs', job.bytes)
    expect(published).toEqual([TOPICS.jobs])
    const heard: string[] = []
    gossip.on('bids', (d) => void heard.push(toHex(d.envelope.payload.jobId)))
    expect(await deliver('bids', bid(job.jobId))).toBe(TopicValidatorResult.Ignore)
    expect(heard).toEqual([toHex(job.jobId)])
    gossip.stop()
  })

  it('answers IGNORE past a peer\'s rate, and charges the peer in its score', async () => {
    const penalties = new FloodPenalties({ now: () => NOW })
    const { gossip, deliver } = service(penalties)
    const job = announcement(3)
    await deliver('jobs', job.bytes)
    const results = []
    for (let price = 1; price <= 4; price++) results.push(await deliver('bids', bid(job.jobId, price)))
    expect(penalties.score(PEER.toString())).toBeLessThan(0)
    expect(results).toEqual([TopicValidatorResult.Accept, TopicValidatorResult.Accept, TopicValidatorResult.Accept, TopicValidatorResult.Ignore])
    gossip.stop()
  })

  it('refuses to publish more bids than its neighbours would take from it', async () => {
    const { gossip, published } = service()
    const job = announcement(4)
    await gossip.publish('bids', bid(job.jobId, 1))
    await gossip.publish('bids', bid(job.jobId, 2))
    await expect(gossip.publish('bids', bid(job.jobId, 3))).rejects.toThrow(GossipLimitError)
    expect(published).toEqual([TOPICS.bids, TOPICS.bids])
    gossip.stop()
  })
})
