// GossipSeen, what the explorer shows of gossip: one summary per job and per
// worker, merged over repeats, with our own published messages included and
// the quietest dropped past the bound; a JobNotice counts only from the
// job's creator.
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../../../node/log.ts'
import { MetricsRegistry } from '../../../../node/metrics/index.ts'
import { GossipService } from '../../../../node/net/gossip.ts'
import type { PictorLibp2p } from '../../../../node/net/host.ts'
import { identityFromSeed } from '../../../../node/identity/keys.ts'
import { nodeEd25519 } from '../../../../node/identity/ed25519.ts'
import { GossipSeen } from '../../../../node/net/gossip-seen.ts'
import { announcementOf, NOTICE_KINDS, openEnvelope, ReplayGuard, signEnvelope, TOPICS, toHex, validateJobSpec, type WorkerOffer } from '../../../../protocol/index.ts'

const NOW = 1_700_000_000_000
const CREATOR_SEED = new Uint8Array(32).fill(1)
const WORKER_SEED = new Uint8Array(32).fill(2)
const OTHER_SEED = new Uint8Array(32).fill(3)

const SPEC = validateJobSpec({ renderer: 'builtin', sceneBlob: '01'.repeat(32), sceneSize: 100, frameStart: 1, frameEnd: 4, framesPerTask: 2, width: 64, height: 36, samples: 4, maxPrice: 10 })

function announcement(nonce: number) {
  const payload = announcementOf(SPEC, { creatorPublicKey: nodeEd25519.publicKey(CREATOR_SEED), nonce: new Uint8Array(16).fill(nonce), addrs: [], timestampMs: NOW })
  return { jobId: toHex(payload.jobId), bytes: signEnvelope(nodeEd25519, CREATOR_SEED, 'JobAnnouncement', payload) }
}

function offer(seed: Uint8Array, fields: Partial<WorkerOffer> = {}) {
  const payload: WorkerOffer = {
    renderers: [{ name: 'builtin', version: '1.0.0', engines: ['PATH'], devices: ['CPU'] }],
    hardware: { cpuModel: 'Test CPU', cpuCount: 4, gpuModel: '', gpuCount: 0, ramMib: 8192, gpuVendor: '', gpuVramMib: 0 },
    benchScore: 120,
    price: 700,
    slots: 2,
    freeSlots: 1,
    region: 'eu',
    timestampMs: NOW,
    seq: NOW,
    ...fields
  }
  return signEnvelope(nodeEd25519, seed, 'WorkerOffer', payload)
}

const notice = (seed: Uint8Array, jobId: string, kind: number) => signEnvelope(nodeEd25519, seed, 'JobNotice', { jobId: Uint8Array.from(Buffer.from(jobId, 'hex')), kind, timestampMs: NOW })
const opened = <K extends 'JobAnnouncement' | 'WorkerOffer' | 'JobNotice'>(bytes: Uint8Array, type: K) => openEnvelope(nodeEd25519, bytes, type)

describe('GossipSeen', () => {
  it('sums up a job announcement, merging repeats into one record', async () => {
    let now = NOW
    const seen = new GossipSeen({ now: () => now })
    const a = announcement(1)
    seen.noteDelivered('jobs', opened(a.bytes, 'JobAnnouncement'))
    now += 3_000
    seen.noteDelivered('jobs', opened(a.bytes, 'JobAnnouncement'))
    const creator = await identityFromSeed(CREATOR_SEED)
    expect(seen.jobs()).toEqual([
      {
        jobId: a.jobId,
        creator: { peerId: creator.peerId, address: creator.suiAddress },
        renderer: 'builtin',
        frameStart: 1,
        frameEnd: 4,
        framesPerTask: 2,
        width: 64,
        height: 36,
        samples: 4,
        maxPrice: 10,
        minBenchScore: 0,
        firstSeenMs: NOW,
        lastSeenMs: NOW + 3_000,
        announcements: 2,
        own: false,
        notice: undefined
      }
    ])
  })

  it("keeps a worker's latest offer, its own published offers marked, and what is not an envelope skipped", async () => {
    let now = NOW
    const seen = new GossipSeen({ now: () => now })
    seen.noteDelivered('offers', opened(offer(OTHER_SEED), 'WorkerOffer'))
    seen.notePublished('offers', offer(WORKER_SEED, { price: 500 }))
    now += 5_000
    seen.notePublished('offers', offer(WORKER_SEED, { price: 650, freeSlots: 0, seq: NOW + 5_000 }))
    seen.notePublished('offers', Uint8Array.of(1, 2, 3))
    seen.notePublished('bids', offer(WORKER_SEED))
    const me = await identityFromSeed(WORKER_SEED)
    const other = await identityFromSeed(OTHER_SEED)
    const [newest, older] = seen.workers()
    expect(seen.workers()).toHaveLength(2)
    expect(newest).toMatchObject({ peerId: me.peerId, address: me.suiAddress, price: 650, freeSlots: 0, slots: 2, benchScore: 120, own: true, offers: 2, firstSeenMs: NOW, lastSeenMs: NOW + 5_000 })
    expect(newest!.renderers).toEqual(['builtin 1.0.0'])
    expect(older).toMatchObject({ peerId: other.peerId, address: other.suiAddress, price: 700, region: 'eu', cpuModel: 'Test CPU', cpuCount: 4, ramMib: 8192, own: false, offers: 1 })
    expect(seen.workers(1)).toEqual([newest])
  })

  it('marks a job completed or cancelled only on a notice its creator signed, without making it newer', () => {
    const seen = new GossipSeen({ now: () => NOW })
    const [a, b] = [announcement(1), announcement(2)]
    seen.notePublished('jobs', a.bytes)
    seen.noteDelivered('jobs', opened(b.bytes, 'JobAnnouncement'))
    seen.noteDelivered('notices', opened(notice(OTHER_SEED, a.jobId, NOTICE_KINDS.cancelled), 'JobNotice'))
    expect(seen.jobs().map((j) => j.notice)).toEqual([undefined, undefined])
    seen.notePublished('notices', notice(CREATOR_SEED, a.jobId, NOTICE_KINDS.completed))
    seen.noteDelivered('notices', opened(notice(CREATOR_SEED, '00'.repeat(32), NOTICE_KINDS.completed), 'JobNotice'))
    expect(seen.jobs().map((j) => [j.jobId, j.own, j.notice])).toEqual([
      [b.jobId, false, undefined],
      [a.jobId, true, 'completed']
    ])
  })

  it('never holds more than its bound: the most recently announced jobs, each once', () => {
    const pool = Array.from({ length: 8 }, (_, i) => announcement(i + 1))
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 60 }), (maxJobs, picks) => {
        let now = NOW
        const seen = new GossipSeen({ now: () => now, limits: { maxJobs } })
        for (const i of picks) {
          now += 1
          seen.notePublished('jobs', pool[i]!.bytes)
          expect(seen.jobs().length).toBeLessThanOrEqual(maxJobs)
        }
        const lastAt = new Map<number, number>()
        for (const [at, p] of picks.entries()) lastAt.set(p, at)
        const newest = [...lastAt.entries()].sort((x, y) => y[1] - x[1]).slice(0, maxJobs)
        expect(seen.jobs().map((j) => j.jobId)).toEqual(newest.map(([p]) => pool[p]!.jobId))
        expect(seen.jobs().map((j) => j.lastSeenMs)).toEqual(newest.map(([, at]) => NOW + at + 1))
      }),
      { numRuns: 200 }
    )
  })
})

describe('GossipService feeds GossipSeen', () => {
  it('with what it accepts from peers and what it publishes itself, not with what it refuses', async () => {
    type Validator = (peer: unknown, message: Message) => TopicValidatorResult | Promise<TopicValidatorResult>
    const validators = new Map<string, Validator>()
    let onMessage: ((event: CustomEvent<Message>) => void) | undefined
    const pubsub = {
      topicValidators: validators,
      subscribe() {},
      unsubscribe() {},
      addEventListener: (type: string, listener: (event: CustomEvent<Message>) => void) => {
        if (type === 'message') onMessage = listener
      },
      removeEventListener() {},
      publish: async () => ({ recipients: [] })
    }
    const gossip = new GossipService({ libp2p: { services: { pubsub } } as unknown as PictorLibp2p, ed: nodeEd25519, replay: new ReplayGuard(), now: () => NOW, metrics: new MetricsRegistry(), logger: silentLogger })
    gossip.start()
    const peer = peerIdFromString('12D3KooWGRUVh7pexz3B8qKt5BxbyKzBSHnUMxKUq3PQHJZ5ZtsB')
    const receive = async (topic: 'jobs' | 'offers', data: Uint8Array) => {
      const message = { type: 'unsigned', topic: TOPICS[topic], data } as unknown as Message
      const result = await validators.get(TOPICS[topic])!(peer, message)
      if (result === TopicValidatorResult.Accept) onMessage!(new CustomEvent('message', { detail: message }))
      return result
    }
    const a = announcement(9)
    expect(await receive('jobs', a.bytes)).toBe(TopicValidatorResult.Accept)
    const forged = offer(OTHER_SEED)
    forged[forged.length - 1]! ^= 1
    expect(await receive('offers', forged)).toBe(TopicValidatorResult.Reject)
    await gossip.publish('offers', offer(WORKER_SEED))
    expect(gossip.seen.jobs().map((j) => [j.jobId, j.own])).toEqual([[a.jobId, false]])
    expect(gossip.seen.workers().map((w) => [w.address, w.own])).toEqual([[(await identityFromSeed(WORKER_SEED)).suiAddress, true]])
    gossip.stop()
  })
})
