// The job announcement, signed fresh (with the node's current addresses)
// whenever it is published or handed to a checker, and republished on a
// timer so that workers joining later hear of active jobs.
import { type ClockTimer, systemClock } from '../../clock.ts'
import { announcementOf, LIMITS, signEnvelope } from '../../../protocol/index.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import type { Logger } from '../../log.ts'
import type { CreatorComponents } from './components.ts'
import type { JobRecord } from './job-record.ts'
import { deadlineOf } from './scheduler.ts'

export interface AnnouncerComponents extends Pick<CreatorComponents, 'identity' | 'gossip' | 'now' | 'clock'> {
  /** Only our own addresses, which the announcement carries. */
  libp2p: Pick<CreatorComponents['libp2p'], 'getMultiaddrs'>
  logger: Logger
  jobs(): readonly JobRecord[]
}

export class Announcer {
  private readonly c: AnnouncerComponents
  private readonly everyMs: number
  private timer?: ClockTimer

  constructor(components: AnnouncerComponents, everyMs: number) {
    this.c = components
    this.everyMs = everyMs
  }

  start(): void {
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
    await this.c.gossip.publish('jobs', this.signed(job)).catch((err) => this.c.logger.debug('announce failed', { err }))
  }

  private async announceAll(): Promise<void> {
    // Past its deadline a job takes no claims (R53 step 7): workers hear no more of it and drop it.
    for (const job of this.c.jobs()) if (job.status === 'active' && this.c.now() < deadlineOf(job)) await this.announce(job)
  }
}
