// What this node does with a bid off the gossip (SPEC R36-R38), before
// gossipsub forwards it:
//  - R36: each peer may deliver so many bids at once and per second; past
//    that its bids are IGNOREd and the peer is charged flood points, which
//    gossipsub reads as its P5 score until it is graylisted;
//  - R37: a bid for a job this node never saw announced is IGNOREd, after a
//    short bounded wait for the announcement (validateGossip does the check);
//  - R38: bids for our own jobs are delivered here and not forwarded (no one
//    else uses them), and this node forwards at most so many others' bids,
//    half of what R36 lets a peer send, so an honest relay never trips a
//    neighbour's R36 however many peers flood it with bids for real jobs.
import { type OpenedEnvelope, type ReasonCode, type ValidationContext, validateGossip } from '../../protocol/index.ts'
import type { FloodPenalties } from './flood-penalties.ts'
import { KnownJobs, type KnownJobsLimits } from './known-jobs.ts'
import { KeyedBuckets, type RateLimit, TokenBucket } from './token-bucket.ts'

export interface BidLimits {
  /** R36: bids one peer may deliver. */
  perPeer: RateLimit
  /** R38: others' bids this node forwards, all peers together. */
  forward: RateLimit
  /** Bids this node publishes itself (a worker: one per job it bids on, again on a price change or a refusal). */
  publish: RateLimit
}

export const BID_LIMITS: BidLimits = {
  // A relay passes on one bid per worker per job: 2,048 at once is more workers bidding in the same second than a network of this size has.
  perPeer: { burst: 2048, perSecond: 256 },
  // forward + publish is under half of perPeer, so jitter that bunches a relay's bids still fits a neighbour's bucket for it.
  forward: { burst: 768, perSecond: 96 },
  publish: { burst: 256, perSecond: 32 }
}

export type BidDecision =
  | { action: 'ACCEPT'; message: OpenedEnvelope<'Bid'>; own: boolean }
  | { action: 'IGNORE' | 'REJECT'; code: ReasonCode; reason: string }

export interface BidGateInit {
  now: () => number
  penalties: FloodPenalties
  limits?: Partial<BidLimits>
  jobs?: Partial<KnownJobsLimits>
}

export class BidGate {
  readonly jobs: KnownJobs
  private readonly now: () => number
  private readonly penalties: FloodPenalties
  private readonly limits: BidLimits
  private readonly peers: KeyedBuckets
  private readonly forwards: TokenBucket
  private readonly publishes: TokenBucket

  constructor(init: BidGateInit) {
    this.now = init.now
    this.penalties = init.penalties
    this.limits = { ...BID_LIMITS, ...init.limits }
    this.jobs = new KnownJobs({ now: init.now, limits: init.jobs })
    this.peers = new KeyedBuckets(this.limits.perPeer)
    this.forwards = new TokenBucket(this.limits.forward, init.now())
    this.publishes = new TokenBucket(this.limits.publish, init.now())
  }

  /**
   * The decision for one bid delivered by `peer` (the propagation source).
   * `context` is read again after a wait, so its clock is current.
   */
  async validate(peer: string, bytes: Uint8Array, context: () => ValidationContext): Promise<BidDecision> {
    // R36, before any parsing: what a flooder sends past its limit costs us nothing more.
    if (!this.peers.take(peer, this.now())) {
      this.penalties.charge(peer)
      return { action: 'IGNORE', code: 'RATE_LIMITED', reason: `more than ${this.limits.perPeer.burst} bids at once or ${this.limits.perPeer.perSecond}/s from this peer` }
    }
    let missing: Uint8Array | undefined
    const knownJob = (jobId: Uint8Array) => {
      if (this.jobs.has(jobId)) return true
      missing = jobId
      return false
    }
    let outcome = validateGossip('bids', bytes, { ...context(), knownJob })
    if (outcome.action === 'IGNORE' && outcome.code === 'UNKNOWN_JOB' && missing !== undefined && (await this.jobs.whenKnown(missing, peer))) {
      outcome = validateGossip('bids', bytes, { ...context(), knownJob })
    }
    if (outcome.action !== 'ACCEPT') return outcome
    const message = outcome.message as OpenedEnvelope<'Bid'>
    // R38: the creator is the only node that uses a bid for its job.
    if (this.jobs.isOwn(message.payload.jobId)) return { action: 'ACCEPT', message, own: true }
    if (!this.forwards.take(this.now())) {
      return { action: 'IGNORE', code: 'FORWARD_BUDGET', reason: `this node already forwards ${this.limits.forward.perSecond} bids/s` }
    }
    return { action: 'ACCEPT', message, own: false }
  }

  /** Whether this node may publish a bid of its own now (its neighbours hold it to R36 too). */
  mayPublish(): boolean {
    return this.publishes.take(this.now())
  }

  stop(): void {
    this.jobs.stop()
  }
}
