// The job announcement, signed fresh (with the node's current addresses)
// whenever it is published or handed to a checker, and republished so that
// workers joining later hear of active jobs: every few seconds while the
// job is young (workers starting with it), then every ANNOUNCE_REFRESH_MS, well
// inside the two minutes after which workers drop a job they stopped
// hearing of, and again soon after a peer joins the topic. A steady 3 s
// for every job was 92% of all messages per task in the simulator
// (testnet/sim) and grows with jobs x nodes.
import { type ClockTimer, systemClock } from '../../clock.ts'
import { announcementOf, LIMITS, signEnvelope } from '../../../protocol/index.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import type { Logger } from '../../log.ts'
import type { CreatorComponents } from './components.ts'
import type { JobRecord } from './job-record.ts'
import { deadlineOf } from './scheduler.ts'

/** A job is announced every tick while younger than this... */
export const ANNOUNCE_FAST_WINDOW_MS = 30_000
/** ...then this often (a quarter of the age after which peers drop it, as offers are refreshed). */
export const ANNOUNCE_REFRESH_MS = LIMITS.maxMessageAgeMs / 4

export interface AnnouncerComponents extends Pick<CreatorComponents, 'identity' | 'gossip' | 'now' | 'clock'> {
  /** When a peer joins the jobs topic: it has heard none of our announcements. */
  onJoin?(listener: () => void): void
  /** Only our own addresses, which the announcement carries. */
  libp2p: Pick<CreatorComponents['libp2p'], 'getMultiaddrs'>
  logger: Logger
  jobs(): readonly JobRecord[]
}

export class Announcer {
  private readonly c: AnnouncerComponents
  private readonly everyMs: number
  private timer?: ClockTimer
  /** When each job was last announced (by id). */
  private readonly lastMs = new Map<string, number>()

  constructor(components: AnnouncerComponents, everyMs: number) {
    this.c = components
    this.everyMs = everyMs
  }

  start(): void {
    if (this.timer === undefined) this.c.onJoin?.(() => this.lastMs.clear())
    this.timer ??= (this.c.clock ?? systemClock).setInterval(() => void this.announceAll(), this.everyMs, { ref: true })
    void this.announceAll()
  }

  stop(): void {
    this.timer?.cancel()
    this.timer = undefined
  }

  /** The creator-signed JobAnnouncement envelope: what peers and checkers verify the job against. */
  signed(job: JobRecord): Uint8Array {
    const announcement = announcementOf(job.spec, {
      creatorPublicKey: this.c.identity.publicKey,
      nonce: Buffer.from(job.nonce, 'hex'),
      addrs: this.c.libp2p.getMultiaddrs().slice(0, LIMITS.maxAddrs).map(String),
      timestampMs: this.c.now()
    })
    return signEnvelope(nodeEd25519, this.c.identity.seed, 'JobAnnouncement', announcement)
  }

  async announce(job: JobRecord): Promise<void> {
    this.lastMs.set(job.id, this.c.now())
    await this.c.gossip.publish('jobs', this.signed(job)).catch((err) => this.c.logger.debug('announce failed', { err }))
  }

  private async announceAll(): Promise<void> {
    const now = this.c.now()
    for (const job of this.c.jobs()) {
      // Past its deadline a job takes no claims (R53 step 7): workers hear no more of it and drop it.
      if (job.status !== 'active' || now >= deadlineOf(job)) {
        this.lastMs.delete(job.id)
        continue
      }
      const young = now - job.createdMs < ANNOUNCE_FAST_WINDOW_MS
      if (young || now - (this.lastMs.get(job.id) ?? Number.NEGATIVE_INFINITY) >= ANNOUNCE_REFRESH_MS) await this.announce(job)
    }
  }
}
