// The jobs this worker bid on and may claim from. Re-announcements refresh a
// job; one that stops being announced is dropped (its creator left or closed
// it). Claim pacing lives here, per job, so that all slots share one backoff
// instead of each slot hammering a creator that has nothing to hand out.
import type { PeerId } from '@libp2p/interface'
import { type JobAnnouncement, jobDeadlineMs, LIMITS } from '../../../protocol/index.ts'

export interface CreatorRef {
  /** The announcement's signer: leases must be signed by this key. */
  publicKey: Uint8Array
  peerId: PeerId
}

export interface KnownJob {
  readonly id: string
  announcement: JobAnnouncement
  readonly creator: CreatorRef
  readonly firstSeenMs: number
  lastSeenMs: number
  /**
   * SPEC R53 step 7: the creator grants no lease from here on, so we claim
   * none. Counted from the earliest announcement timestamp we saw: creators
   * re-announce with fresh timestamps, so a job heard late looks younger
   * than it is, and its creator's refusal (jobDone) is what stops us then.
   */
  deadlineMs: number
  /** No claim before this time. */
  nextClaimMs: number
  /**
   * The last claim got no task. Then one slot probes at a time: with 64 slots
   * a farm would otherwise send 64 claims a second for a job with no work.
   */
  starved: boolean
  claimsInFlight: number
  /** Failed claims in a row (network errors); drives exponential backoff. */
  errors: number
  /** noTask answers in a row; drives the noTask backoff (claim-loop.ts). */
  noTasks: number
  /** Tasks of this job that failed here in a row (a scene we cannot render): after a few, the job is dropped. */
  failures: number
  tasksRun: number
  /** When we last published a bid for it (re-bids are rate limited). */
  lastBidMs?: number
}

export interface JobTableInit {
  /** A job not re-announced for this long is dropped. Creators re-announce every few seconds. */
  staleMs?: number
  maxJobs?: number
  maxTombstones?: number
}

const DEFAULTS = {
  staleMs: LIMITS.maxMessageAgeMs,
  maxJobs: 1024,
  maxTombstones: 4096
}

export class JobTable {
  private readonly jobs = new Map<string, KnownJob>()
  /** Jobs we were told are over (or unknown), and until when to ignore their announcements. */
  private readonly tombstones = new Map<string, number>()
  private readonly opts: Required<JobTableInit>

  constructor(init: JobTableInit = {}) {
    this.opts = { ...DEFAULTS, ...init }
  }

  get size(): number {
    return this.jobs.size
  }

  get(id: string): KnownJob | undefined {
    return this.jobs.get(id)
  }

  list(): KnownJob[] {
    return [...this.jobs.values()]
  }

  isForgotten(id: string, now: number): boolean {
    const until = this.tombstones.get(id)
    if (until === undefined) return false
    if (until > now) return true
    this.tombstones.delete(id)
    return false
  }

  /**
   * Records a (re-)announcement. Returns undefined when the job is forgotten,
   * past its deadline, the table is full, or the announcement comes from
   * another key than the one we first saw for this id.
   */
  observe(id: string, announcement: JobAnnouncement, creator: CreatorRef, now: number): { job: KnownJob; isNew: boolean } | undefined {
    if (this.isForgotten(id, now)) return undefined
    const known = this.jobs.get(id)
    if (known !== undefined) {
      if (Buffer.compare(Buffer.from(known.creator.publicKey), Buffer.from(creator.publicKey)) !== 0) return undefined
      if (announcement.timestampMs >= known.announcement.timestampMs) known.announcement = announcement
      known.deadlineMs = Math.min(known.deadlineMs, jobDeadlineMs(announcement.timestampMs, announcement))
      known.lastSeenMs = now
      if (now >= known.deadlineMs && known.claimsInFlight === 0) {
        this.forget(id, now)
        return undefined
      }
      return { job: known, isNew: false }
    }
    const deadlineMs = jobDeadlineMs(announcement.timestampMs, announcement)
    if (now >= deadlineMs) {
      this.forget(id, now)
      return undefined
    }
    this.prune(now)
    if (this.jobs.size >= this.opts.maxJobs) return undefined
    const job: KnownJob = { id, announcement, creator, firstSeenMs: now, lastSeenMs: now, deadlineMs, nextClaimMs: now, starved: false, claimsInFlight: 0, errors: 0, noTasks: 0, failures: 0, tasksRun: 0 }
    this.jobs.set(id, job)
    return { job, isNew: true }
  }

  /** Drops the job and ignores its announcements for `forMs` (jobDone: for good). */
  forget(id: string, now: number, forMs = Number.POSITIVE_INFINITY): void {
    this.jobs.delete(id)
    this.tombstones.delete(id)
    if (this.tombstones.size >= this.opts.maxTombstones) {
      const oldest = this.tombstones.keys().next().value
      if (oldest !== undefined) this.tombstones.delete(oldest)
    }
    this.tombstones.set(id, now + forMs)
  }

  prune(now: number): void {
    for (const [id, job] of this.jobs) {
      if (job.claimsInFlight > 0) continue
      if (now >= job.deadlineMs) this.forget(id, now)
      else if (job.lastSeenMs < now - this.opts.staleMs) this.jobs.delete(id)
    }
  }

  /**
   * The job a free slot should claim from next, marked as claiming, or
   * undefined. The one waiting longest goes first, so slots spread over jobs.
   */
  takeClaimable(now: number): KnownJob | undefined {
    let best: KnownJob | undefined
    for (const job of this.jobs.values()) {
      if (job.nextClaimMs > now || now >= job.deadlineMs) continue
      if (job.starved && job.claimsInFlight > 0) continue
      if (best === undefined || job.nextClaimMs < best.nextClaimMs) best = job
    }
    if (best !== undefined) best.claimsInFlight++
    return best
  }

  /** Ends a claim started by takeClaimable; `backoffMs` 0 means the creator had work. */
  endClaim(job: KnownJob, now: number, backoffMs: number): void {
    job.claimsInFlight = Math.max(0, job.claimsInFlight - 1)
    job.starved = backoffMs > 0
    job.nextClaimMs = now + backoffMs
  }

  /** When the earliest backed-off job may be claimed again (undefined: no jobs). */
  nextWakeMs(): number | undefined {
    let next: number | undefined
    for (const job of this.jobs.values()) if (next === undefined || job.nextClaimMs < next) next = job.nextClaimMs
    return next
  }
}
