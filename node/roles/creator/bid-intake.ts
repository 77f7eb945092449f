// Bids through admission, whether off the gossip or carried by a claim
// (SPEC R46: a worker sends its bid with its claims until it holds a lease,
// so a claim that overtakes the gossip bid is admitted on the spot instead
// of refused). On a ledger job only from workers the ledger can assign
// tasks to (their work could not be paid otherwise), and for a tiered job
// with the worker's standing read first (the ledger's record, or without a
// ledger the tasks this creator saw it finish). The decision itself is
// admission.ts's.
import type { Connection } from '@libp2p/interface'
import { type Bid, bytesEqual, decode, encode, type Envelope, MESSAGE_TYPES, ReplayGuard, type TaskClaim, toHex, validateSigned } from '../../../protocol/index.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { suiAddressOf } from '../../identity/keys.ts'
import { DEFAULT_LEDGER_PARAMS, type Ledger } from '../../ledger/types.ts'
import type { Logger } from '../../log.ts'
import type { GossipDelivery } from '../../net/gossip.ts'
import type { RpcHandler } from '../../net/rpc.ts'
import { shouldAdmit, type Standing, withAdmitted } from './admission.ts'
import { unassignableWorker } from './job-ledger.ts'
import type { JobRecord } from './job-record.ts'
import type { JobStore } from './job-store.ts'

/** Claim-carried bids remembered against replays: each is verified once. */
const CLAIM_BID_REPLAY_ENTRIES = 4096

export interface BidIntakeComponents {
  jobs: Pick<JobStore, 'get' | 'list' | 'save'>
  ledger?: Ledger
  logger: Logger
  now(): number
}

export class BidIntake {
  private readonly c: BidIntakeComponents
  private readonly claimReplay = new ReplayGuard({ maxEntries: CLAIM_BID_REPLAY_ENTRIES })
  /** Claim-carried bids being admitted, per job and worker: the worker's other slots claim at the same moment and wait for that one. */
  private readonly admitting = new Map<string, Promise<void>>()

  constructor(components: BidIntakeComponents) {
    this.c = components
  }

  /** A bid off the gossip, already validated there (R20-R38). */
  async onBid({ envelope, from }: GossipDelivery<'bids'>): Promise<void> {
    await this.admit(envelope.payload, envelope.publicKey, from.toString())
  }

  /**
   * Runs admission on the bid a TaskClaim carries, before the claim is
   * answered. Never throws: a bid that is missing, not the connected
   * peer's, not for the claimed job or not valid leaves the claim to be
   * answered as it would be without it.
   */
  async admitClaimBid(request: Uint8Array, connection: Connection): Promise<void> {
    const carried = claimedBid(request)
    if (carried === undefined) return
    const { claim, bid } = carried
    const remote = connection.remotePeer.publicKey?.raw
    // Only the connected peer's own bid: nobody gets another worker admitted.
    if (remote === undefined || !bytesEqual(remote, bid.publicKey)) return
    const jobId = toHex(claim.jobId)
    const worker = toHex(bid.publicKey)
    const job = this.c.jobs.get(jobId)
    // Already admitted at this price (every claim but the first few): nothing to verify.
    if (job === undefined || job.admitted[worker]?.price === carried.price) return
    const key = `${jobId}/${worker}`
    const running = this.admitting.get(key)
    if (running !== undefined) return running
    const admission = this.admitCarried(bid, jobId, connection)
      .catch((err: unknown) => this.c.logger.warn('bid carried by a claim not admitted', { job: jobId, worker: connection.remotePeer.toString(), err }))
      .finally(() => this.admitting.delete(key))
    this.admitting.set(key, admission)
    return admission
  }

  private async admitCarried(bid: Envelope, jobId: string, connection: Connection): Promise<void> {
    const result = validateSigned(encode('Envelope', bid), ['Bid'], { nowMs: this.c.now(), ed: nodeEd25519, replay: this.claimReplay })
    if (result.action !== 'ACCEPT') return this.c.logger.debug('bid carried by a claim refused', { job: jobId, worker: connection.remotePeer.toString(), code: result.code, reason: result.reason })
    if (toHex(result.message.payload.jobId) !== jobId) return this.c.logger.debug('bid carried by a claim is for another job', { job: jobId, worker: connection.remotePeer.toString() })
    await this.admit(result.message.payload, result.message.publicKey, connection.remotePeer.toString())
  }

  private async admit(bid: Bid, publicKey: Uint8Array, from: string): Promise<void> {
    const id = toHex(bid.jobId)
    const worker = toHex(publicKey)
    const known = this.c.jobs.get(id)
    if (known === undefined) return
    const ledger = known.ledger === undefined ? undefined : this.c.ledger
    const unpayable = ledger === undefined ? undefined : await unassignableWorker(ledger, publicKey)
    if (unpayable !== undefined) return this.c.logger.debug('bid not admitted', { job: id, worker: from, reason: unpayable })
    const standing = known.spec.tier === 0 ? undefined : await this.standingOf(publicKey, worker)
    // Read again: the job may have changed while the ledger answered.
    const job = this.c.jobs.get(id)!
    const decision = shouldAdmit(job, bid, worker, standing)
    if (!decision.admit) return this.c.logger.debug('bid not admitted', { job: id, worker: from, reason: decision.reason })
    // In force at once (the store's memory): the claim that carried the bid
    // is answered without waiting for the disk, as the lease it gets is
    // (task-server.ts). The worker's part goes to disk with this save, or,
    // when that batch fails, with the next one, at the latest the worker's
    // commitment's, whose reply waits for it (job-store.ts).
    this.c.jobs.save(withAdmitted(job, worker, from, bid.price, this.c.now()), { tasks: [], workers: [worker] }).catch((err: unknown) => this.c.logger.warn('admission not saved; the next save of the job writes it', { job: id, worker: from, err }))
    this.c.logger.info('bid admitted', { job: job.id, worker: from, price: bid.price })
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

/** The bid a TaskClaim request carries, decoded but not yet verified; undefined for any other request. */
function claimedBid(request: Uint8Array): { claim: TaskClaim; bid: Envelope; price: number } | undefined {
  try {
    const env = decode('Envelope', request)
    if (env.type !== MESSAGE_TYPES.TaskClaim) return undefined
    const claim = decode('TaskClaim', env.payload)
    if (claim.bid === undefined || claim.bid.type !== MESSAGE_TYPES.Bid) return undefined
    return { claim, bid: claim.bid, price: decode('Bid', claim.bid.payload).price }
  } catch {
    // Undecodable: the task handler answers it as invalid.
    return undefined
  }
}

/** The task protocol's handler with claim-time admission in front of it (R46). */
export function admittingClaims(intake: Pick<BidIntake, 'admitClaimBid'>, handler: RpcHandler): RpcHandler {
  return async (request, connection, signal) => {
    await intake.admitClaimBid(request, connection)
    return handler(request, connection, signal)
  }
}
