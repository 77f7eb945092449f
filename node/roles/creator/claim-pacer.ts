// How long a worker told noTask should leave the job alone (SPEC R62's
// retry_after_ms). Workers pull, so at a job's tail every idle slot of every
// admitted worker keeps asking, and on its own backoff each asks every few
// seconds: ten thousand workers, thousands of claims a second at one
// creator. The pacer spreads them instead: each idle claimer is asked to
// wait its share of IDLE_CLAIMS_PER_S, so that together they come back at
// about that rate whatever their number. A task that frees up (a lease
// that ran out, a refused result) is still claimed within about
// 1 / IDLE_CLAIMS_PER_S seconds. No time is read here: callers pass it.
import { LIMITS } from '../../../protocol/index.ts'

/** Claims a second a job's idle claimers make together, once there are enough of them to pace. */
export const IDLE_CLAIMS_PER_S = 20

/**
 * A claimer is counted as idle on a job this long after its last noTask:
 * longer than the longest wait it can be asked for, so that a paced
 * claimer is still counted when it comes back.
 */
const IDLE_WINDOW_MS = 2 * LIMITS.maxRetryAfterMs

export class ClaimPacer {
  /** `<job>/<worker>` to the time of its last noTask; oldest first (re-inserted on every noTask). */
  private readonly lastNoTask = new Map<string, { job: string; atMs: number }>()
  /** Idle claimers per job. */
  private readonly perJob = new Map<string, number>()

  /** The wait for a claim answered noTask now, in ms. */
  noTask(job: string, worker: string, nowMs: number): number {
    this.forgetBefore(nowMs - IDLE_WINDOW_MS)
    const key = `${job}/${worker}`
    // Re-inserted, so that the map stays oldest first.
    if (!this.lastNoTask.delete(key)) this.perJob.set(job, this.idleOn(job) + 1)
    this.lastNoTask.set(key, { job, atMs: nowMs })
    return Math.min(LIMITS.maxRetryAfterMs, Math.round((this.idleOn(job) * 1000) / IDLE_CLAIMS_PER_S))
  }

  /** The worker got a lease on the job: it is no longer idle there. */
  leased(job: string, worker: string): void {
    if (this.lastNoTask.delete(`${job}/${worker}`)) this.uncount(job)
  }

  /** Claimers counted as idle on the job now. */
  idleOn(job: string): number {
    return this.perJob.get(job) ?? 0
  }

  private forgetBefore(ms: number): void {
    for (const [key, { job, atMs }] of this.lastNoTask) {
      if (atMs >= ms) break
      this.lastNoTask.delete(key)
      this.uncount(job)
    }
  }

  private uncount(job: string): void {
    const left = (this.perJob.get(job) ?? 1) - 1
    if (left === 0) this.perJob.delete(job)
    else this.perJob.set(job, left)
  }
}
