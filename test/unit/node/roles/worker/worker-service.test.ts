import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Bid, openEnvelope, signEnvelope, toHex, TOPIC_MESSAGE_TYPE, type TopicName, type WorkerOffer } from '../../../../../protocol/index.ts'
import type { GossipHandler } from '../../../../../node/net/gossip.ts'
import { BENCH_REFERENCE_SECONDS, BENCH_SETTINGS } from '../../../../../node/renderers/builtin/bench-scene.ts'
import { memoryKv } from '../../../../../node/roles/worker/kv.ts'
import { estimatedEarningsPerHour, referenceFramesPerHour } from '../../../../../node/roles/worker/settings.ts'
import { WorkerService } from '../../../../../node/roles/worker/worker-service.ts'
import { announcement, ed, FakeCreator, FakeRenderer, leaseFor, logger, MapBlobs, seedOf } from './fakes.ts'

const WORKER_SEED = seedOf(0x11)
const WORKER_KEY = ed.publicKey(WORKER_SEED)

class FakeGossip {
  handlers = new Map<TopicName, GossipHandler[]>()
  published: { topic: TopicName; bytes: Uint8Array }[] = []
  on<T extends TopicName>(topic: T, handler: GossipHandler<T>) {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler as GossipHandler])
  }
  async publish(topic: TopicName, bytes: Uint8Array) {
    this.published.push({ topic, bytes })
    return 0
  }
  async deliver(topic: TopicName, seed: Uint8Array, bytes: Uint8Array) {
    const envelope = openEnvelope(ed, bytes, TOPIC_MESSAGE_TYPE[topic])
    const from = peerIdFromPublicKey(publicKeyFromRaw(ed.publicKey(seed)))
    for (const h of this.handlers.get(topic) ?? []) await h({ topic, envelope, from })
  }
  payloads(topic: TopicName) {
    return this.published.filter((p) => p.topic === topic).map((p) => openEnvelope(ed, p.bytes).payload)
  }
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('WorkerService', () => {
  let dir: string
  let gossip: FakeGossip
  let creator: FakeCreator
  let renderer: FakeRenderer
  let kv: ReturnType<typeof memoryKv>
  let worker: WorkerService
  const added: string[][] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-worker-svc-'))
    gossip = new FakeGossip()
    creator = new FakeCreator()
    renderer = new FakeRenderer()
    kv = memoryKv()
    worker = new WorkerService({
      identity: { seed: WORKER_SEED, publicKey: WORKER_KEY },
      settings: { slots: 2, price: 1000, region: 'test' },
      gossip,
      peers: { peerIdOf: (k) => peerIdFromPublicKey(publicKeyFromRaw(k)), addAddresses: async (_p, a) => void added.push(a) },
      renderer,
      blobs: new MapBlobs(),
      kv,
      rpc: creator.rpc,
      ed,
      hardware: { cpuModel: 'Test', cpuCount: 4, gpuModel: '', gpuCount: 0, ramMib: 8192 },
      workDir: dir,
      now: Date.now,
      logger,
      offerIntervalMs: 60_000,
      renewEveryMs: 20
    })
  })

  afterEach(async () => {
    await worker.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('benchmarks once per renderer build and offers itself at start', async () => {
    await worker.start()
    expect(kv.data.get('bench:builtin@1')).toMatchObject({ score: 1234 })
    const offers = gossip.payloads('offers') as WorkerOffer[]
    expect(offers).toHaveLength(1)
    expect(offers[0]).toMatchObject({ price: 1000, benchScore: 1234, slots: 2, freeSlots: 2, region: 'test' })
    await worker.stop()
    renderer.benchmark = async () => {
      throw new Error('must not re-run')
    }
    await worker.start()
  })

  it('bids on a fitting job, claims, renders and commits; skips one that does not fit', async () => {
    await worker.start()
    const a = announcement({ addrs: ['/ip4/127.0.0.1/tcp/4001'], timestampMs: Date.now() })
    creator.current = leaseFor(WORKER_KEY)
    let leases = 0
    creator.onClaim = () => (leases++ === 0 ? { code: 'ok', lease: creator.current } : 'jobDone')
    await gossip.deliver('jobs', creator.seed, signEnvelope(ed, creator.seed, 'JobAnnouncement', announcement({ jobId: new Uint8Array(32).fill(1), maxPrice: 10, timestampMs: Date.now() })))
    await gossip.deliver('jobs', creator.seed, signEnvelope(ed, creator.seed, 'JobAnnouncement', a))
    // A re-announcement must not bid again.
    await gossip.deliver('jobs', creator.seed, signEnvelope(ed, creator.seed, 'JobAnnouncement', { ...a, timestampMs: a.timestampMs + 1 }))

    const bids = gossip.payloads('bids') as Bid[]
    expect(bids).toHaveLength(1)
    expect(toHex(bids[0]!.jobId)).toBe(toHex(a.jobId))
    expect(bids[0]).toMatchObject({ price: 1000, benchScore: 1234, slots: 2 })
    expect(added).toContainEqual(['/ip4/127.0.0.1/tcp/4001'])

    await until(() => creator.commitments.length === 1 && worker.taskSnapshot().recent.length === 1)
    expect(worker.taskSnapshot().recent[0]).toMatchObject({ status: 'committed', taskIndex: 0, framesDone: 2 })
    await until(() => worker.jobs.size === 0)
  })

  it('reports settings with the network average and the earnings estimate', async () => {
    await worker.start()
    for (const [seed, price] of [[0x21, 800], [0x22, 1600]] as const) {
      const offer = { ...(gossip.payloads('offers')[0] as WorkerOffer), price, seq: Date.now(), timestampMs: Date.now() }
      await gossip.deliver('offers', seedOf(seed), signEnvelope(ed, seedOf(seed), 'WorkerOffer', offer))
    }
    const s = worker.settings()
    expect(s).toMatchObject({ ownPrice: 1000, networkAverageBid: 1200, offersSeen: 2, benchScore: 1234, slots: 2, freeSlots: 2, region: 'test' })
    expect(s.renderer?.name).toBe('builtin')
    expect(s.estimatedEarningsPerHour).toBe(estimatedEarningsPerHour(1000, 1234, 2))
  })
})

describe('earnings estimate', () => {
  it('is price x reference frames per hour x slots, on the builtin bench scale', () => {
    // A score S means the bench render took BENCH_REFERENCE_SECONDS x 1000 / S; a reference frame is WORK x that.
    const work = (1920 * 1080 * 128) / (BENCH_SETTINGS.width * BENCH_SETTINGS.height * BENCH_SETTINGS.samples)
    const secondsPerFrame = (work * BENCH_REFERENCE_SECONDS * 1000) / 1000
    expect(referenceFramesPerHour(1000)).toBeCloseTo(3600 / secondsPerFrame)
    expect(referenceFramesPerHour(2000)).toBeCloseTo(2 * referenceFramesPerHour(1000))
    expect(estimatedEarningsPerHour(1000, 1000, 4)).toBe(Math.round(1000 * referenceFramesPerHour(1000) * 4))
    expect(estimatedEarningsPerHour(1000, 0, 4)).toBe(0)
  })
})
