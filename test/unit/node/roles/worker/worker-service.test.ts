import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Bid, LIMITS, openEnvelope, signEnvelope, toHex, TOPIC_MESSAGE_TYPE, type TopicName, type WorkerOffer } from '../../../../../protocol/index.ts'
import type { GossipHandler } from '../../../../../node/net/gossip.ts'
import { BENCH_REFERENCE_SECONDS, BENCH_SETTINGS } from '../../../../../node/renderers/builtin/bench-scene.ts'
import { memoryKv } from '../../../../../node/roles/worker/kv.ts'
import { estimatedEarningsPerHour, parseSettingsChange, referenceFramesPerHour } from '../../../../../node/roles/worker/settings.ts'
import { type WorkerComponents, WorkerService } from '../../../../../node/roles/worker/worker-service.ts'
import { gpuNamesOf, parseDeviceReport } from '../../../../../node/renderers/blender/detect.ts'
import { parseNvidiaSmi } from '../../../../../node/roles/worker/gpus.ts'
import { BLENDER_REPORT_2X3090, BLENDER_REPORT_CPU, NVIDIA_SMI_2X3090 } from './gpu-fixtures.ts'
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
  const workerWith = (over: Partial<WorkerComponents> = {}) =>
    new WorkerService({
      identity: { seed: WORKER_SEED, publicKey: WORKER_KEY },
      settings: { slots: 2, price: 1000, region: 'test' },
      gossip,
      peers: { peerIdOf: (k) => peerIdFromPublicKey(publicKeyFromRaw(k)), addAddresses: async (_p, a) => void added.push(a) },
      renderer,
      blobs: new MapBlobs(),
      kv,
      rpc: creator.rpc,
      ed,
      hardware: { cpuModel: 'Test', cpuCount: 4, gpuModel: '', gpuCount: 0, ramMib: 8192, gpuVendor: '', gpuVramMib: 0 },
      workDir: dir,
      now: Date.now,
      logger,
      offerIntervalMs: 60_000,
      renewEveryMs: 20,
      ...over
    })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-worker-svc-'))
    gossip = new FakeGossip()
    creator = new FakeCreator()
    renderer = new FakeRenderer()
    kv = memoryKv()
    worker = workerWith()
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
    // 8x6 at 4 samples is a sliver of a reference frame: each frame rounds up to 1 µPIC.
    expect(worker.taskSnapshot().recent[0]).toMatchObject({ price: 1000, reward: '2' })
    expect([...kv.data.keys()].filter((k) => k.startsWith('task:'))).toHaveLength(1)
    await until(() => worker.jobs.size === 0)
  })

  describe('a --device GPU job', () => {
    /** A Blender 3.4.1 worker whose devices come from a captured Blender report, and the OS's GPUs from captured nvidia-smi output. */
    const blenderWorker = (report: string, smi: string) => {
      const devices = parseDeviceReport(report)!
      renderer.capabilities = async () => ({ name: 'blender', version: '3.4.1', engines: devices.engines, devices: devices.devices, gpus: gpuNamesOf(devices.gpus) })
      worker = workerWith({ detectGpus: async () => parseNvidiaSmi(smi) })
      return worker
    }
    const gpuJob = () => signEnvelope(ed, creator.seed, 'JobAnnouncement', announcement({ renderer: 'blender', device: 'GPU', rendererVersion: '3.4', timestampMs: Date.now() }))

    it('gets a bid from a worker with a GPU, which offers and bids with its cards', async () => {
      await blenderWorker(BLENDER_REPORT_2X3090, NVIDIA_SMI_2X3090).start()
      await gossip.deliver('jobs', creator.seed, gpuJob())
      const bids = gossip.payloads('bids') as Bid[]
      expect(bids).toHaveLength(1)
      const gpus = { gpuVendor: 'NVIDIA', gpuModel: 'NVIDIA GeForce RTX 3090', gpuCount: 2, gpuVramMib: 24_576 }
      expect(bids[0]!.hardware).toMatchObject(gpus)
      const offer = gossip.payloads('offers')[0] as WorkerOffer
      expect(offer.hardware).toMatchObject(gpus)
      expect(offer.renderers[0]!.devices).toEqual(['CPU', 'GPU', 'CUDA', 'OPTIX'])
    })

    it('gets none from a worker without one', async () => {
      await blenderWorker(BLENDER_REPORT_CPU, '').start()
      await gossip.deliver('jobs', creator.seed, gpuJob())
      expect(gossip.payloads('bids')).toHaveLength(0)
      expect((gossip.payloads('offers')[0] as WorkerOffer).hardware).toMatchObject({ gpuCount: 0, gpuModel: '' })
    })
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

  it('takes a new price while running: offers and bids at it, never above a job\'s cap', async () => {
    await worker.start()
    const job = (byte: number, maxPrice: number) => announcement({ jobId: new Uint8Array(32).fill(byte), maxPrice, timestampMs: Date.now() })
    const announce = (a: ReturnType<typeof job>) => gossip.deliver('jobs', creator.seed, signEnvelope(ed, creator.seed, 'JobAnnouncement', { ...a, timestampMs: Date.now() }))
    const [roomy, tight, cheap] = [job(1, 2000), job(2, 1200), job(3, 500)]
    for (const a of [roomy, tight, cheap]) await announce(a)
    const bidsFor = (a: ReturnType<typeof job>) => (gossip.payloads('bids') as Bid[]).filter((b) => toHex(b.jobId) === toHex(a.jobId)).map((b) => b.price)
    expect([bidsFor(roomy), bidsFor(tight), bidsFor(cheap)]).toEqual([[1000], [1000], []])

    const raised = await worker.changeSettings({ price: 1500 })
    expect(raised.ownPrice).toBe(1500)
    expect((gossip.payloads('offers') as WorkerOffer[]).at(-1)!.price).toBe(1500)
    // The tight job's cap is now below our price: no bid over it, and no more claims there.
    expect([bidsFor(roomy), bidsFor(tight), bidsFor(cheap)]).toEqual([[1000, 1500], [1000], []])
    expect(worker.jobs.get(toHex(tight.jobId))).toBeUndefined()
    await announce(tight)
    expect(bidsFor(tight)).toEqual([1000])

    await worker.changeSettings({ price: 400 })
    expect((gossip.payloads('offers') as WorkerOffer[]).at(-1)!.price).toBe(400)
    expect(bidsFor(roomy)).toEqual([1000, 1500, 400])
    // Jobs passed over for their cap get another look at their next announcement.
    await announce(tight)
    await announce(cheap)
    expect([bidsFor(tight), bidsFor(cheap)]).toEqual([[1000, 400], [400]])
    expect(worker.settings().ownPrice).toBe(400)
  })
})

describe('parseSettingsChange', () => {
  it('accepts an integer price from 0 to the protocol limit, and nothing else', () => {
    expect(parseSettingsChange({ price: 0 })).toEqual({ price: 0 })
    expect(parseSettingsChange({ price: LIMITS.maxPrice })).toEqual({ price: LIMITS.maxPrice })
    const cases: [unknown, RegExp][] = [
      [{ price: -1 }, /price must be an integer from 0 to 1000000000000 µPIC per reference frame, got -1/],
      [{ price: LIMITS.maxPrice + 1 }, /got 1000000000001/],
      [{ price: 1.5 }, /got 1.5/],
      [{ price: '1000' }, /got "1000"/],
      [{}, /got undefined/],
      [{ price: 10, slots: 4 }, /"slots" cannot be changed while the worker runs; only price can/],
      [[1000], /send a JSON object like \{"price": 1200\}/],
      [undefined, /send a JSON object/]
    ]
    for (const [body, message] of cases) expect(() => parseSettingsChange(body), JSON.stringify(body)).toThrow(message)
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
