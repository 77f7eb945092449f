// One claim loop per slot: pick a job, claim a task from its creator, run it,
// repeat. Pulling is the load balancing: a fast machine comes back sooner
// and so takes more tasks. Backoff is per job (in the JobTable), shared by
// all slots. stop() aborts running renders and waits for every loop to end.
import type { Lease } from '../../../protocol/index.ts'
import type { Logger } from '../../log.ts'
import type { JobTable, KnownJob } from './job-table.ts'
import type { TaskAnswer, TaskClient } from './task-client.ts'
import type { TaskOutcome } from './task-runner.ts'

/** How long to leave a job alone after each reply (ms). */
export const CLAIM_BACKOFF = {
  /** Nothing to hand out now; leased tasks may still come back. */
  noTask: 1_000,
  /** We re-bid; give the creator's admission a moment. */
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

export interface ClaimLoopsInit {
  slots: number
  jobs: JobTable
  client: TaskClient
  run(job: KnownJob, lease: Lease, signal: AbortSignal): Promise<TaskOutcome>
  /** Publishes our bid for the job again (the creator said we are not admitted). */
  rebid(job: KnownJob): void
  now(): number
  logger: Logger
  backoff?: Partial<typeof CLAIM_BACKOFF>
}

export class ClaimLoops {
  private readonly init: ClaimLoopsInit
  private readonly backoff: typeof CLAIM_BACKOFF
  private controller = new AbortController()
  private loops: Promise<void>[] = []
  private readonly waiters = new Set<() => void>()
  private busy = 0

  constructor(init: ClaimLoopsInit) {
    this.init = init
    this.backoff = { ...CLAIM_BACKOFF, ...init.backoff }
  }

  /** Slots running a task right now. */
  get busySlots(): number {
    return this.busy
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
    while (!signal.aborted) {
      try {
        const job = this.init.jobs.takeClaimable(this.init.now())
        if (job === undefined) {
          await this.idle(signal)
          continue
        }
        const lease = await this.claim(job, signal)
        if (lease !== undefined) await this.runLeased(job, lease, signal)
      } catch (err) {
        // A bug here must not kill the slot for the node's lifetime.
        this.init.logger.error('claim loop error', { slot, err })
        await this.sleep(this.backoff.error, signal)
      }
    }
  }

  private async claim(job: KnownJob, signal: AbortSignal): Promise<Lease | undefined> {
    let wait = 0
    let lease: Lease | undefined
    try {
      const answer = await this.init.client.claim(job.creator, job.announcement.jobId)
      job.errors = 0
      ;({ wait, lease } = this.react(job, answer))
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

  private react(job: KnownJob, answer: TaskAnswer): { wait: number; lease?: Lease } {
    const now = this.init.now()
    switch (answer.code) {
      case 'ok':
        return { wait: 0, lease: answer.lease }
      case 'noTask':
        return { wait: this.backoff.noTask }
      case 'notAdmitted':
        this.init.rebid(job)
        return { wait: this.backoff.notAdmitted }
      case 'jobDone':
        this.init.logger.info('job done, forgetting it', { job: job.id })
        this.init.jobs.forget(job.id, now)
        return { wait: 0 }
      case 'unknownJob':
        this.init.jobs.forget(job.id, now, this.backoff.unknownJobForget)
        return { wait: 0 }
      case 'busy':
        return { wait: this.backoff.busy }
      default:
        this.init.logger.warn('claim refused', { job: job.id, code: answer.code, reason: answer.reason })
        return { wait: this.backoff.invalid }
    }
  }

  private async runLeased(job: KnownJob, lease: Lease, signal: AbortSignal): Promise<void> {
    this.busy++
    let outcome: TaskOutcome
    try {
      outcome = await this.init.run(job, lease, signal)
    } finally {
      this.busy--
    }
    const now = this.init.now()
    if (outcome.code === 'jobDone') this.init.jobs.forget(job.id, now)
    if (outcome.status === 'committed') {
      job.tasksRun++
      job.failures = 0
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
        clearTimeout(timer)
        this.waiters.delete(done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.waiters.add(done)
      signal.addEventListener('abort', done, { once: true })
    })
  }
}
