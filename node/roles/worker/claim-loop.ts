// One claim loop per slot: pick a job, claim a task from its creator, run it,
// repeat. Pulling is the load balancing: a fast machine comes back sooner
// and so takes more tasks. Backoff is per job (in the JobTable), shared by
// all slots. stop() aborts running renders and waits for every loop to end.
//
// A slot is a pipeline around its renderer. Near the end of a render (its
// last frame, or less than PREFETCH_LEAD_MS left by the pace of the frames
// so far) the slot claims its next task of the same job (a prefetch; a
// LeaseKeeper renews that lease while it waits), and once the renderer is
// done the slot renders that lease while the finished task is stored and
// committed beside it. The renderer waits for neither the claim nor the
// commit round trip. A slot holds at most one lease waiting and
// MAX_FINISHING_PER_SLOT tasks finishing. A prefetched lease the slot cannot use (the job went away, its
// tasks keep failing here, the worker stops) is released: its keeper stops
// and the creator leases the task again when it expires (the protocol has
// no early release).
import { type Clock, systemClock } from '../../clock.ts'
import type { Lease } from '../../../protocol/index.ts'
import type { Logger } from '../../log.ts'
import type { JobTable, KnownJob } from './job-table.ts'
import { LeaseKeeper } from './lease-keeper.ts'
import type { TaskAnswer, TaskClient } from './task-client.ts'
import type { TaskOutcome, TaskPhase } from './task-runner.ts'

/** How long to leave a job alone after each reply (ms). */
export const CLAIM_BACKOFF = {
  /** Nothing to hand out now; leased tasks may still come back. */
  noTask: 1_000,
  /**
   * Consecutive noTask answers for a job double that wait up to this: at a
   * job's tail every idle slot of every worker would otherwise claim once a
   * second (a thousand workers, a thousand claims a second at one creator;
   * with this, 125).
   */
  maxNoTask: 8_000,
  /** The creator saw our bid and would not admit us (or has no bid and we have none to send). */
  notAdmitted: 1_500,
  busy: 2_000,
  /** Our claim was refused as malformed or stale (clock skew?): not worth retrying quickly. */
  invalid: 5_000,
  /** A creator that says it does not know the job may just be restarting. */
  unknownJobForget: 60_000,
  /** Exponential backoff on network errors starts here and stops at maxError. */
  error: 1_000,
  maxError: 30_000,
  /**
   * Tasks of one job that fail here in a row (a scene our renderer refuses,
   * a scene that cannot be fetched) before we leave the job alone for a
   * while: each failure costs the creator a lease timeout.
   */
  maxFailures: 3,
  failedJobForget: 2 * 60_000
}

/**
 * Rendered tasks of one slot that may be storing and committing while it
 * renders the next: two, so that one slow commit (a busy creator) does not
 * stall the renderer, and a creator far slower than the renderer still
 * bounds what a slot has in flight.
 */
export const MAX_FINISHING_PER_SLOT = 2

/**
 * How long before a render's estimated end the slot claims its next task:
 * several claim round trips on a busy creator, and little enough that the
 * lease is not held from faster workers for long (a task's last frame is
 * the other bound).
 */
export const PREFETCH_LEAD_MS = 1_000

/** Whether a render `elapsedMs` in, with `framesDone` of `frames` done, is near enough its end to claim the next task. */
export function prefetchDue(frames: number, framesDone: number, elapsedMs: number): boolean {
  if (framesDone >= frames - 1) return true
  return framesDone > 0 && (elapsedMs / framesDone) * (frames - framesDone) <= PREFETCH_LEAD_MS
}

/** What the loop gives the task it runs. */
export interface RunHooks {
  /** Render progress: near the end of the render the slot fetches its next lease. */
  onProgress(update: { phase: TaskPhase; framesDone: number }): void
  /** The renderer is done with the task (storing and committing follow): the slot may render its next lease. */
  onRendered(): void
  /** Set for a prefetched lease: renewing it since it was granted. */
  keeper?: LeaseKeeper
}

export interface ClaimLoopsInit {
  slots: number
  jobs: JobTable
  client: TaskClient
  run(job: KnownJob, lease: Lease, signal: AbortSignal, hooks: RunHooks): Promise<TaskOutcome>
  /** Publishes our bid for the job again (the creator said we are not admitted). */
  rebid(job: KnownJob): void
  /**
   * Our signed Bid envelope for the job, sent with claims until the creator
   * leases us a task there, so admission runs at claim time (SPEC R46);
   * undefined when we would not bid.
   */
  bidFor?(job: KnownJob): Uint8Array | undefined
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  logger: Logger
  backoff?: Partial<typeof CLAIM_BACKOFF>
  /** Fetch the next lease while rendering (default true). */
  prefetch?: boolean
  /** Overrides the renewal period of prefetched leases (tests). */
  renewEveryMs?: number
}

/** A lease granted ahead of its render, kept alive until the slot runs it. */
interface Held {
  job: KnownJob
  lease: Lease
  keeper: LeaseKeeper
}

export class ClaimLoops {
  private readonly init: ClaimLoopsInit
  private readonly backoff: typeof CLAIM_BACKOFF
  private controller = new AbortController()
  private loops: Promise<void>[] = []
  private readonly waiters = new Set<() => void>()
  /**
   * Jobs whose creator has admitted us: it leased us a task, or answered
   * noTask, which it tells only a worker it has admitted (SPEC R63). Claims
   * there go out without our bid.
   */
  private readonly admittedBy = new WeakSet<KnownJob>()
  private busy = 0
  private waiting = 0

  constructor(init: ClaimLoopsInit) {
    this.init = init
    this.backoff = { ...CLAIM_BACKOFF, ...init.backoff }
  }

  /** Slots rendering a task (or fetching its scene) right now. */
  get busySlots(): number {
    return this.busy
  }

  /** Prefetched leases waiting for their slot's renderer. */
  get heldLeases(): number {
    return this.waiting
  }

  start(): void {
    this.controller = new AbortController()
    this.loops = Array.from({ length: this.init.slots }, (_, slot) => this.loop(slot))
  }

  async stop(): Promise<void> {
    this.controller.abort(new Error('worker stopping'))
    this.wake()
    await Promise.all(this.loops)
    this.loops = []
  }

  /** Idle slots look for work now (a new job, a claim that ended). */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter()
  }

  private async loop(slot: number): Promise<void> {
    const signal = this.controller.signal
    let held: Held | undefined
    const finishing = new Set<Promise<void>>()
    while (!signal.aborted) {
      try {
        let next: Held | { job: KnownJob; lease: Lease; keeper?: undefined } | undefined = held
        held = undefined
        if (next !== undefined && !this.usable(next)) {
          await this.release(next)
          next = undefined
        }
        if (next === undefined) {
          const job = this.init.jobs.takeClaimable(this.init.now())
          if (job === undefined) {
            await this.idle(signal)
            continue
          }
          const lease = await this.claim(job, signal)
          if (lease === undefined) continue
          next = { job, lease }
        }
        if (next.keeper !== undefined) this.waiting--
        const rendered = await this.render(next.job, next.lease, next.keeper, signal)
        held = rendered.next
        // Storing and committing overlap the next renders, a bounded number at a time.
        const finished = rendered.finished.finally(() => finishing.delete(finished))
        finishing.add(finished)
        while (finishing.size > MAX_FINISHING_PER_SLOT) await Promise.race(finishing)
      } catch (err) {
        // A bug here must not kill the slot for the node's lifetime.
        this.init.logger.error('claim loop error', { slot, err })
        await this.sleep(this.backoff.error, signal)
      }
    }
    await Promise.all(finishing)
    if (held !== undefined) await this.release(held)
  }

  /**
   * Runs the task until its renderer is free (or the task ends), fetching
   * the next lease of the job meanwhile. `finished` settles when the task
   * has been committed or given up.
   */
  private async render(job: KnownJob, lease: Lease, keeper: LeaseKeeper | undefined, signal: AbortSignal): Promise<{ finished: Promise<void>; next?: Held }> {
    const frames = lease.frameEnd - lease.frameStart + 1
    let prefetch: Promise<Held | undefined> | undefined
    let renderStartMs: number | undefined
    let renderDone!: () => void
    const rendered = new Promise<void>((resolve) => {
      renderDone = resolve
    })
    let busy = true
    const free = () => {
      if (busy) this.busy--
      busy = false
    }
    this.busy++
    const hooks: RunHooks = {
      keeper,
      onRendered: () => {
        free()
        renderDone()
      },
      onProgress: ({ phase, framesDone }) => {
        if (prefetch !== undefined || phase !== 'rendering' || signal.aborted || this.init.prefetch === false) return
        const now = this.init.now()
        renderStartMs ??= now
        if (prefetchDue(frames, framesDone, now - renderStartMs)) prefetch = this.prefetch(job, signal)
      }
    }
    // Through a promise: even a run that throws at once must not lose the lease prefetched beside it.
    const outcome = Promise.resolve().then(() => this.init.run(job, lease, signal, hooks))
    const finished = outcome.then(
      (o) => this.settle(job, o),
      (err: unknown) => this.init.logger.error('task run failed', { job: job.id, taskIndex: lease.taskIndex, err })
    )
    void finished.finally(free)
    await Promise.race([rendered, finished])
    return { finished, next: await prefetch }
  }

  private usable(held: Held): boolean {
    return !this.controller.signal.aborted && !held.keeper.signal.aborted && !this.init.jobs.isForgotten(held.job.id, this.init.now())
  }

  private async release(held: Held): Promise<void> {
    this.waiting--
    this.init.logger.debug('prefetched lease released; the creator re-leases it when it expires', { job: held.job.id, taskIndex: held.lease.taskIndex })
    await held.keeper.stop()
  }

  /** The job's next lease, claimed while the slot renders; none while the job is backed off or starved. */
  private async prefetch(job: KnownJob, signal: AbortSignal): Promise<Held | undefined> {
    const now = this.init.now()
    if (this.init.jobs.isForgotten(job.id, now) || job.nextClaimMs > now || now >= job.deadlineMs || (job.starved && job.claimsInFlight > 0)) return undefined
    // As takeClaimable does: the claim counts as in flight until endClaim.
    job.claimsInFlight++
    const lease = await this.claim(job, signal)
    if (lease === undefined) return undefined
    const keeper = new LeaseKeeper({ client: this.init.client, creator: job.creator, lease, now: this.init.now, clock: this.init.clock, logger: this.init.logger, renewEveryMs: this.init.renewEveryMs })
    keeper.start()
    this.waiting++
    return { job, lease, keeper }
  }

  private async claim(job: KnownJob, signal: AbortSignal): Promise<Lease | undefined> {
    let wait = 0
    let lease: Lease | undefined
    try {
      const bid = this.admittedBy.has(job) ? undefined : this.init.bidFor?.(job)
      const answer = await this.init.client.claim(job.creator, job.announcement.jobId, bid)
      job.errors = 0
      ;({ wait, lease } = this.react(job, answer, bid !== undefined))
    } catch (err) {
      job.errors++
      wait = Math.min(this.backoff.maxError, this.backoff.error * 2 ** (job.errors - 1))
      if (!signal.aborted) this.init.logger.debug('claim failed', { job: job.id, errors: job.errors, err })
    }
    this.init.jobs.endClaim(job, this.init.now(), wait)
    // A probe ended: slots that skipped this job while it was in flight may try it now.
    this.wake()
    return lease
  }

  private react(job: KnownJob, answer: TaskAnswer, sentBid: boolean): { wait: number; lease?: Lease } {
    const now = this.init.now()
    switch (answer.code) {
      case 'ok':
        this.admittedBy.add(job)
        job.noTasks = 0
        return { wait: 0, lease: answer.lease }
      case 'noTask':
        this.admittedBy.add(job)
        job.noTasks++
        // The creator's pacing (SPEC R62) when it asks for longer than our own backoff.
        return { wait: Math.max(answer.retryAfterMs ?? 0, Math.min(this.backoff.maxNoTask, this.backoff.noTask * 2 ** (job.noTasks - 1))) }
      case 'notAdmitted': {
        this.admittedBy.delete(job)
        this.init.rebid(job)
        // A claim without our bid (the creator lost our admission, or never had
        // our bid): claim again at once, with the bid. With it, this is the
        // creator's refusal: back off.
        const retryWithBid = !sentBid && this.init.bidFor?.(job) !== undefined
        return { wait: retryWithBid ? 0 : this.backoff.notAdmitted }
      }
      case 'jobDone':
        this.init.logger.info('job done, forgetting it', { job: job.id })
        this.init.jobs.forget(job.id, now)
        return { wait: 0 }
      case 'unknownJob':
        this.init.jobs.forget(job.id, now, this.backoff.unknownJobForget)
        return { wait: 0 }
      case 'busy':
        return { wait: Math.max(answer.retryAfterMs ?? 0, this.backoff.busy) }
      default:
        this.init.logger.warn('claim refused', { job: job.id, code: answer.code, reason: answer.reason })
        return { wait: this.backoff.invalid }
    }
  }

  /** What a task's end says about its job: done, or failing here often enough to leave alone. */
  private settle(job: KnownJob, outcome: TaskOutcome): void {
    const now = this.init.now()
    if (outcome.code === 'jobDone') this.init.jobs.forget(job.id, now)
    if (outcome.status === 'committed') {
      job.tasksRun++
      job.failures = 0
    } else if (outcome.status === 'failed' && outcome.creatorUnreachable === true) {
      // The creator is away (restarting?), not failing us: try it again later, as after a failed claim.
      job.nextClaimMs = Math.max(job.nextClaimMs, now + this.backoff.error)
    } else if (outcome.status === 'failed') {
      job.failures++
      if (job.failures >= this.backoff.maxFailures) {
        this.init.logger.warn('tasks of this job keep failing here, leaving it for a while', { job: job.id, reason: outcome.reason })
        this.init.jobs.forget(job.id, now, this.backoff.failedJobForget)
      } else {
        job.nextClaimMs = Math.max(job.nextClaimMs, now + this.backoff.error * job.failures)
      }
    }
  }

  /** Sleeps until the next backed-off job is due, wake() or stop. */
  private idle(signal: AbortSignal): Promise<void> {
    const now = this.init.now()
    const next = this.init.jobs.nextWakeMs()
    // next <= now: the only due job has a probe in flight, and its end calls wake().
    const delay = next === undefined || next <= now ? 5_000 : Math.min(5_000, next - now)
    return this.sleep(delay, signal)
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        timer.cancel()
        this.waiters.delete(done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = (this.init.clock ?? systemClock).setTimeout(done, ms, { ref: true })
      this.waiters.add(done)
      signal.addEventListener('abort', done, { once: true })
    })
  }
}
