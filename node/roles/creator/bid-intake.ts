// Bids off the gossip, through admission: on a ledger job only from workers
// the ledger can assign tasks to (their work could not be paid otherwise),
// and for a tiered job with the worker's standing read first (the ledger's
// record, or without a ledger the tasks this creator saw it finish). The
// decision itself is admission.ts's.
import { toHex } from '../../../protocol/index.ts'
import { suiAddressOf } from '../../identity/keys.ts'
import { DEFAULT_LEDGER_PARAMS, type Ledger } from '../../ledger/types.ts'
import type { Logger } from '../../log.ts'
import type { GossipDelivery } from '../../net/gossip.ts'
import { shouldAdmit, type Standing, withAdmitted } from './admission.ts'
import { unassignableWorker } from './job-ledger.ts'
import type { JobRecord } from './job-record.ts'
import type { JobStore } from './job-store.ts'

export interface BidIntakeComponents {
  jobs: Pick<JobStore, 'get' | 'list' | 'save'>
  ledger?: Ledger
  logger: Logger
  now(): number
}

export class BidIntake {
  private readonly c: BidIntakeComponents

  constructor(components: BidIntakeComponents) {
    this.c = components
  }

  async onBid({ envelope, from }: GossipDelivery<'bids'>): Promise<void> {
    const bid = envelope.payload
    const id = toHex(bid.jobId)
    const worker = toHex(envelope.publicKey)
    const known = this.c.jobs.get(id)
    if (known === undefined) return
    const ledger = known.ledger === undefined ? undefined : this.c.ledger
    const unpayable = ledger === undefined ? undefined : await unassignableWorker(ledger, envelope.publicKey)
    if (unpayable !== undefined) return this.c.logger.debug('bid not admitted', { job: id, worker: from.toString(), reason: unpayable })
    const standing = known.spec.tier === 0 ? undefined : await this.standingOf(envelope.publicKey, worker)
    // Read again: the job may have changed while the ledger answered.
    const job = this.c.jobs.get(id)!
    const decision = shouldAdmit(job, bid, worker, standing)
    if (!decision.admit) return this.c.logger.debug('bid not admitted', { job: id, worker: from.toString(), reason: decision.reason })
    await this.c.jobs.save(withAdmitted(job, worker, from.toString(), bid.price, this.c.now()))
    this.c.logger.info('bid admitted', { job: job.id, worker: from.toString(), price: bid.price })
  }

  private async standingOf(publicKey: Uint8Array, worker: string): Promise<Standing> {
    if (this.c.ledger === undefined) {
      const verifiedTasks = this.c.jobs.list().reduce((n: number, job: JobRecord) => n + job.tasks.filter((t) => t.status === 'verified' && t.worker === worker).length, 0)
      return { verifiedTasks }
    }
    const node = await this.c.ledger.node(suiAddressOf(publicKey)).catch(() => undefined)
    return { stake: node?.stake ?? 0n, minStake: DEFAULT_LEDGER_PARAMS.minStake, verifiedTasks: node?.verified ?? 0 }
  }
}
