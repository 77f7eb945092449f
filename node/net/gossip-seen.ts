// What this node has seen on gossip, for the dashboard's explorer: the job
// announcements (and their completed/cancelled notices) and the worker
// offers, its own included (gossip does not echo a node's own messages, so
// they are noted when published). Only a summary of each is kept, one per
// job and one per worker, at most so many of each, the least recently heard
// going first: a flood of announcements or offers costs a bounded amount of
// memory and pushes out only what was quietest.
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { type MessageTypeName, NOTICE_KINDS, type OpenedEnvelope, parseEnvelope, type TopicName, toHex } from '../../protocol/index.ts'
import { suiAddressOf } from '../identity/keys.ts'
import { RecentMap } from './recent-map.ts'

export interface GossipSeenLimits {
  /** Jobs remembered (creators re-announce open jobs every few seconds, so an open job stays among the newest). */
  maxJobs: number
  /** Workers remembered (each offers when its offer changes and at least every 30 s while it runs). */
  maxWorkers: number
}

export const GOSSIP_SEEN_LIMITS: GossipSeenLimits = { maxJobs: 500, maxWorkers: 1_000 }

/** A party on gossip: its libp2p peer id and its ledger address, both from the signing key. */
export interface SeenParty {
  peerId: string
  address: string
}

export interface SeenJob {
  jobId: string
  creator: SeenParty
  renderer: string
  frameStart: number
  frameEnd: number
  framesPerTask: number
  width: number
  height: number
  samples: number
  /** The price cap, micro-PIC per reference frame. */
  maxPrice: number
  minBenchScore: number
  firstSeenMs: number
  lastSeenMs: number
  /** Announcements heard (or sent, for our own jobs). */
  announcements: number
  own: boolean
  /** Set by the creator's JobNotice. */
  notice?: 'completed' | 'cancelled'
}

export interface SeenWorker extends SeenParty {
  renderers: string[]
  cpuModel: string
  cpuCount: number
  gpuModel: string
  gpuCount: number
  ramMib: number
  benchScore: number
  /** Asking price, micro-PIC per reference frame. */
  price: number
  slots: number
  freeSlots: number
  region: string
  firstSeenMs: number
  lastSeenMs: number
  offers: number
  own: boolean
}

const NOTICE_NAMES: Record<number, SeenJob['notice']> = { [NOTICE_KINDS.completed]: 'completed', [NOTICE_KINDS.cancelled]: 'cancelled' }

/** The topics worth a record, and the envelope type each carries. */
const RECORDED: Partial<Record<TopicName, MessageTypeName>> = { jobs: 'JobAnnouncement', offers: 'WorkerOffer', notices: 'JobNotice' }

export function partyOf(publicKey: Uint8Array): SeenParty {
  return { peerId: peerIdFromPublicKey(publicKeyFromRaw(publicKey)).toString(), address: suiAddressOf(publicKey) }
}

export class GossipSeen {
  private readonly now: () => number
  private readonly jobMap: RecentMap<string, SeenJob>
  private readonly workerMap: RecentMap<string, SeenWorker>

  constructor(init: { now: () => number; limits?: Partial<GossipSeenLimits> }) {
    const limits = { ...GOSSIP_SEEN_LIMITS, ...init.limits }
    this.now = init.now
    this.jobMap = new RecentMap(limits.maxJobs)
    this.workerMap = new RecentMap(limits.maxWorkers)
  }

  /** A message gossip accepted from the network (validated and signature-checked). */
  noteDelivered(topic: TopicName, envelope: OpenedEnvelope<MessageTypeName>): void {
    this.note(topic, envelope, false)
  }

  /** A message this node publishes; anything that is not a well-formed envelope of the topic's type is skipped. */
  notePublished(topic: TopicName, bytes: Uint8Array): void {
    const type = RECORDED[topic]
    if (type === undefined) return
    try {
      this.note(topic, parseEnvelope(bytes, type), true)
    } catch {
      // Not ours to judge here: gossipsub publishes it anyway and peers refuse it.
    }
  }

  /** Up to `limit` jobs, most recently announced first. */
  jobs(limit?: number): SeenJob[] {
    return this.jobMap.newest(limit)
  }

  /** Up to `limit` workers, most recently heard first. */
  workers(limit?: number): SeenWorker[] {
    return this.workerMap.newest(limit)
  }

  private note(topic: TopicName, envelope: OpenedEnvelope<MessageTypeName>, own: boolean): void {
    const nowMs = this.now()
    if (topic === 'jobs' && envelope.typeName === 'JobAnnouncement') this.noteJob(envelope as OpenedEnvelope<'JobAnnouncement'>, own, nowMs)
    else if (topic === 'offers' && envelope.typeName === 'WorkerOffer') this.noteOffer(envelope as OpenedEnvelope<'WorkerOffer'>, own, nowMs)
    else if (topic === 'notices' && envelope.typeName === 'JobNotice') this.noteNotice(envelope as OpenedEnvelope<'JobNotice'>)
  }

  private noteJob({ payload: a, publicKey }: OpenedEnvelope<'JobAnnouncement'>, own: boolean, nowMs: number): void {
    this.jobMap.update(toHex(a.jobId), (prev) => ({
      jobId: toHex(a.jobId),
      // The job id binds the creator's key (SPEC R51): a record's creator never changes.
      creator: prev?.creator ?? partyOf(publicKey),
      renderer: [a.renderer, a.rendererVersion, a.engine].filter((s) => s !== '').join(' '),
      frameStart: a.frameStart,
      frameEnd: a.frameEnd,
      framesPerTask: a.framesPerTask,
      width: a.width,
      height: a.height,
      samples: a.samples,
      maxPrice: a.maxPrice,
      minBenchScore: a.minBenchScore,
      firstSeenMs: prev?.firstSeenMs ?? nowMs,
      lastSeenMs: nowMs,
      announcements: (prev?.announcements ?? 0) + 1,
      own: own || prev?.own === true,
      notice: prev?.notice
    }))
  }

  private noteOffer({ payload: o, publicKey }: OpenedEnvelope<'WorkerOffer'>, own: boolean, nowMs: number): void {
    const hw = o.hardware
    this.workerMap.update(toHex(publicKey), (prev) => ({
      ...(prev === undefined ? partyOf(publicKey) : { peerId: prev.peerId, address: prev.address }),
      renderers: o.renderers.map((r) => `${r.name} ${r.version}`.trim()),
      cpuModel: hw?.cpuModel ?? '',
      cpuCount: hw?.cpuCount ?? 0,
      gpuModel: hw?.gpuModel ?? '',
      gpuCount: hw?.gpuCount ?? 0,
      ramMib: hw?.ramMib ?? 0,
      benchScore: o.benchScore,
      price: o.price,
      slots: o.slots,
      freeSlots: o.freeSlots,
      region: o.region,
      firstSeenMs: prev?.firstSeenMs ?? nowMs,
      lastSeenMs: nowMs,
      offers: (prev?.offers ?? 0) + 1,
      own: own || prev?.own === true
    }))
  }

  private noteNotice({ payload: n, publicKey }: OpenedEnvelope<'JobNotice'>): void {
    const notice = NOTICE_NAMES[n.kind]
    if (notice === undefined) return
    // Only the job's creator may say it ended; a notice marks a job we know and never makes it newer.
    const id = toHex(n.jobId)
    if (this.jobMap.get(id)?.creator.address === suiAddressOf(publicKey)) this.jobMap.patch(id, (job) => ({ ...job, notice }))
  }
}
