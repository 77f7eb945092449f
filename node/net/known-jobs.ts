// The jobs this node has seen announced (SPEC R37): the ones it announced
// itself, and the ones it heard on the jobs topic. A bid for any other job
// is not forwarded. A bid can overtake its job's announcement by a hop or
// two, so a bid for a job not yet known may wait a moment for it, within
// bounds an attacker cannot stretch.
import { toHex } from '../../protocol/index.ts'

export interface KnownJobsLimits {
  /** A job not announced again for this long is forgotten (creators re-announce every few seconds while it is open). */
  ttlMs: number
  /** Heard jobs remembered at once, and jobs of our own; past this the least recently announced goes. */
  maxJobs: number
  /** How long a bid for a job not yet known waits for the announcement. */
  waitMs: number
  /** Bids waiting at once, over all peers and per peer; past these a bid for an unknown job does not wait. */
  maxWaiting: number
  maxWaitingPerPeer: number
}

export const KNOWN_JOBS_LIMITS: KnownJobsLimits = {
  ttlMs: 10 * 60_000,
  maxJobs: 10_000,
  // Gossip reaches the last of 50 nodes within ~1.3 s (p99, README): the announcement trails a bid by less.
  waitMs: 2_000,
  maxWaiting: 256,
  maxWaitingPerPeer: 16
}

interface Waiter {
  peer: string
  done(known: boolean): void
}

/** Jobs by hex id with the time they were last announced, least recent first. */
class JobTimes {
  private readonly times = new Map<string, number>()
  private readonly limits: KnownJobsLimits

  constructor(limits: KnownJobsLimits) {
    this.limits = limits
  }

  note(id: string, nowMs: number): void {
    this.times.delete(id)
    this.times.set(id, nowMs)
    if (this.times.size > this.limits.maxJobs) this.times.delete(this.times.keys().next().value as string)
  }

  has(id: string, nowMs: number): boolean {
    const at = this.times.get(id)
    if (at === undefined) return false
    if (nowMs - at <= this.limits.ttlMs) return true
    this.times.delete(id)
    return false
  }
}

export class KnownJobs {
  private readonly limits: KnownJobsLimits
  private readonly now: () => number
  /** Ours apart from others', so a flood of announcements cannot push our own jobs out. */
  private readonly own: JobTimes
  private readonly heard: JobTimes
  private readonly waiting = new Map<string, Set<Waiter>>()
  private readonly waitingPerPeer = new Map<string, number>()
  private waitingCount = 0

  constructor(init: { now: () => number; limits?: Partial<KnownJobsLimits> }) {
    this.limits = { ...KNOWN_JOBS_LIMITS, ...init.limits }
    this.now = init.now
    this.own = new JobTimes(this.limits)
    this.heard = new JobTimes(this.limits)
  }

  /** A job this node announced. */
  noteOwn(jobId: Uint8Array): void {
    this.note(this.own, toHex(jobId))
  }

  /** A job whose announcement this node accepted from the network. */
  noteHeard(jobId: Uint8Array): void {
    this.note(this.heard, toHex(jobId))
  }

  isOwn(jobId: Uint8Array): boolean {
    return this.own.has(toHex(jobId), this.now())
  }

  has(jobId: Uint8Array): boolean {
    const id = toHex(jobId)
    const nowMs = this.now()
    return this.own.has(id, nowMs) || this.heard.has(id, nowMs)
  }

  get waitingBids(): number {
    return this.waitingCount
  }

  /**
   * Resolves true as soon as the job is announced, false after `waitMs`, and
   * false at once when too many bids (in all, or from this peer) are waiting.
   */
  whenKnown(jobId: Uint8Array, peer: string): Promise<boolean> {
    if (this.has(jobId)) return Promise.resolve(true)
    const perPeer = this.waitingPerPeer.get(peer) ?? 0
    if (this.waitingCount >= this.limits.maxWaiting || perPeer >= this.limits.maxWaitingPerPeer) return Promise.resolve(false)
    const id = toHex(jobId)
    return new Promise((resolve) => {
      const timer = setTimeout(() => waiter.done(false), this.limits.waitMs)
      timer.unref()
      const waiter: Waiter = {
        peer,
        done: (known) => {
          clearTimeout(timer)
          this.forget(id, waiter)
          resolve(known)
        }
      }
      const set = this.waiting.get(id) ?? new Set()
      set.add(waiter)
      this.waiting.set(id, set)
      this.waitingPerPeer.set(peer, perPeer + 1)
      this.waitingCount += 1
    })
  }

  /** Releases every waiting bid (as not known); used when gossip stops. */
  stop(): void {
    for (const set of [...this.waiting.values()]) for (const waiter of [...set]) waiter.done(false)
  }

  private note(times: JobTimes, id: string): void {
    times.note(id, this.now())
    for (const waiter of [...(this.waiting.get(id) ?? [])]) waiter.done(true)
  }

  private forget(id: string, waiter: Waiter): void {
    const set = this.waiting.get(id)
    if (set === undefined || !set.delete(waiter)) return
    if (set.size === 0) this.waiting.delete(id)
    const left = (this.waitingPerPeer.get(waiter.peer) ?? 1) - 1
    if (left === 0) this.waitingPerPeer.delete(waiter.peer)
    else this.waitingPerPeer.set(waiter.peer, left)
    this.waitingCount -= 1
  }
}
