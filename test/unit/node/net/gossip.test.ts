// GossipService's bid wiring (SPEC R36-R38) on a stand-in pubsub: which
// result gossipsub gets back, who hears a bid, what the node publishes.
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it, vi } from 'vitest'
import { nodeEd25519 } from '../../../../node/identity/ed25519.ts'
import { identityFromSeed } from '../../../../node/identity/keys.ts'
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
  const deliver = (topic: keyof typeof TOPICS, data: Uint8Array) => validators.get(TOPICS[topic])!(PEER, { type: 'unsigned', topic: TOPICS[topic], data } as unknown as Message)
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

/** A stand-in pubsub that also keeps GossipService's event listeners, so a test can play gossipsub's events. */
function eventful() {
  const validators = new Map<string, Validator>()
  const listeners = new Map<string, (event: CustomEvent) => void>()
  const pubsub = {
    topicValidators: validators,
    subscribe() {},
    unsubscribe() {},
    addEventListener: (type: string, listener: (event: CustomEvent) => void) => void listeners.set(type, listener),
    removeEventListener: (type: string) => void listeners.delete(type),
    publish: async () => ({ recipients: [] })
  }
  const metrics = new MetricsRegistry()
  const gossip = new GossipService({ libp2p: { services: { pubsub } } as unknown as PictorLibp2p, ed: nodeEd25519, replay: new ReplayGuard(), now: () => NOW, metrics, logger: silentLogger })
  gossip.start()
  /** What gossipsub does with a message from `peer` (no libp2p signature, as StrictNoSign delivers it): validate, then emit it when accepted. */
  const receive = async (topic: keyof typeof TOPICS, data: Uint8Array) => {
    const message = { type: 'unsigned', topic: TOPICS[topic], data } as unknown as Message
    const result = await validators.get(TOPICS[topic])!(PEER, message)
    if (result === TopicValidatorResult.Accept) listeners.get('message')!(new CustomEvent('message', { detail: message }))
    return result
  }
  const subscriptionChange = (subscriptions: Array<{ topic: string; subscribe: boolean }>) => listeners.get('subscription-change')!(new CustomEvent('subscription-change', { detail: { peerId: PEER, subscriptions } }))
  const reasons = () => metrics.render().split('\n').filter((l) => l.startsWith('pictor_gossip_validation_total{'))
  return { gossip, receive, subscriptionChange, reasons, listeners }
}

const offer = (seq: number, timestampMs = NOW) =>
  signEnvelope(nodeEd25519, WORKER_SEED, 'WorkerOffer', {
    renderers: [{ name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] }],
    hardware: { cpuModel: 'test', cpuCount: 2, gpuModel: '', gpuCount: 0, ramMib: 1024, gpuVendor: '', gpuVramMib: 0 },
    benchScore: 100,
    price: 1000,
    slots: 1,
    freeSlots: 1,
    region: 'local',
    timestampMs,
    seq
  })

describe('gossip service: messages libp2p does not sign', () => {
  it('names the envelope signer as the sender, whichever peer forwarded it', async () => {
    const { gossip, receive } = eventful()
    const from: string[] = []
    gossip.on('offers', (d) => void from.push(d.from.toString()))
    expect(await receive('offers', offer(1))).toBe(TopicValidatorResult.Accept)
    const worker = await identityFromSeed(WORKER_SEED)
    expect(from).toEqual([worker.peerId])
    expect(from[0]).not.toBe(PEER.toString())
    gossip.stop()
  })

  it('rejects a forged envelope (gossipsub then charges the peer that delivered it) and delivers nothing', async () => {
    const { gossip, receive, reasons } = eventful()
    const heard: unknown[] = []
    gossip.on('offers', (d) => void heard.push(d))
    const forged = offer(1)
    forged[forged.length - 1]! ^= 1
    expect(await receive('offers', forged)).toBe(TopicValidatorResult.Reject)
    expect(reasons()).toEqual(['pictor_gossip_validation_total{reason="BAD_SIGNATURE",result="REJECT",topic="offers"} 1'])
    // The forgery took no replay slot: the genuine message still gets through.
    expect(await receive('offers', offer(1))).toBe(TopicValidatorResult.Accept)
    expect(heard).toHaveLength(1)
    gossip.stop()
  })

  it("drops a replay once gossipsub's seen cache no longer has it, and an older offer after a newer one, without charging the forwarder", async () => {
    const { gossip, receive, reasons } = eventful()
    const seqs: number[] = []
    gossip.on('offers', (d) => void seqs.push(d.envelope.payload.seq))
    const first = offer(5)
    expect(await receive('offers', first)).toBe(TopicValidatorResult.Accept)
    // The same bytes again: gossipsub would drop them by message id for two minutes; after that, the envelope's replay guard does.
    expect(await receive('offers', first)).toBe(TopicValidatorResult.Ignore)
    expect(await receive('offers', offer(4))).toBe(TopicValidatorResult.Ignore)
    expect(await receive('offers', offer(6))).toBe(TopicValidatorResult.Accept)
    expect(seqs).toEqual([5, 6])
    expect(reasons().sort()).toEqual([
      'pictor_gossip_validation_total{reason="OK",result="ACCEPT",topic="offers"} 2',
      'pictor_gossip_validation_total{reason="OLD_SEQ",result="IGNORE",topic="offers"} 1',
      'pictor_gossip_validation_total{reason="REPLAY",result="IGNORE",topic="offers"} 1'
    ])
    gossip.stop()
  })

  it('tells join handlers when a peer subscribes to their topic, and nothing else', () => {
    const { gossip, subscriptionChange, listeners } = eventful()
    let joins = 0
    gossip.onJoin('offers', () => joins++)
    subscriptionChange([{ topic: TOPICS.jobs, subscribe: true }])
    subscriptionChange([{ topic: TOPICS.offers, subscribe: false }])
    expect(joins).toBe(0)
    subscriptionChange([{ topic: TOPICS.jobs, subscribe: true }, { topic: TOPICS.offers, subscribe: true }])
    expect(joins).toBe(1)
    gossip.stop()
    expect(listeners.size).toBe(0)
  })
})
