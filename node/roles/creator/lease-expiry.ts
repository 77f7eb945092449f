// Beside the scheduler: every tick, the leases of active jobs that ran out
// without a renewal go back to the queue (the scheduler's expireLeases
// decides), and tasks running longer than their job's `--timeout-alert`
// raise it, once per attempt: a warn line here and an entry in the job
// view (timing.ts decides); a job past its deadline with nothing in flight
// ends as expired (expireJob). This only runs them on a timer and saves
// what changed.
import { type Clock, type ClockTimer, systemClock } from '../../clock.ts'
import type { Logger } from '../../log.ts'
import type { JobRecord } from './job-record.ts'
import type { JobChange } from './job-store.ts'
import { expireJob, expireLeases } from './scheduler.ts'
import { raiseAlerts } from './timing.ts'

export interface LeaseExpiryComponents {
  jobs(): readonly JobRecord[]
  /** `changed.tasks`: the tasks that changed (job-store.ts); every task when absent. */
  save(job: JobRecord, changed?: JobChange): Promise<void>
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  logger: Logger
  /** A job that ended at its deadline, once saved (the creator refunds it on the ledger). */
  onJobExpired?(job: JobRecord): void
}

/** Half a second: a lease is at least several seconds, so an expiry is late by a small fraction of it. */
export const LEASE_EXPIRY_TICK_MS = 500

export class LeaseExpiry {
  private readonly c: LeaseExpiryComponents
  private readonly tickMs: number
  private timer?: ClockTimer

  constructor(components: LeaseExpiryComponents, tickMs = LEASE_EXPIRY_TICK_MS) {
    this.c = components
    this.tickMs = tickMs
  }

  start(): void {
    this.timer ??= (this.c.clock ?? systemClock).setInterval(() => void this.tick(), this.tickMs, { ref: true })
  }

  stop(): void {
    this.timer?.cancel()
    this.timer = undefined
  }

  /** One pass over the active jobs; returns how many jobs had leases requeued. */
  async tick(): Promise<number> {
    let changed = 0
    for (const job of this.c.jobs()) {
      if (job.status !== 'active') continue
      const now = this.c.now()
      const expired = expireLeases(job, now)
      const alerted = raiseAlerts(expired ?? job, now)
      if (expired !== undefined) {
        changed++
        this.c.logger.info('leases expired, tasks requeued', { job: job.id })
      }
      for (const a of alerted?.raised ?? []) {
        this.c.logger.warn("task running longer than the job's timeout alert", { job: job.id, task: a.task, attempt: a.attempt, worker: a.worker, state: a.state, seconds: Math.round(a.ms / 1000), alertS: job.timeoutAlertS })
      }
      const next = alerted?.job ?? expired
      const ended = expireJob(next ?? job, now)
      if (ended !== undefined) {
        await this.c.save(ended)
        this.c.logger.warn('job expired at its deadline with frames undone', { job: job.id, undone: ended.tasks.filter((t) => t.status === 'cancelled').length })
        this.c.onJobExpired?.(ended)
      } else if (next !== undefined) await this.c.save(next, { tasks: changedTasks(job, next) })
    }
    return changed
  }
}

/** The tasks whose state or attempt timings differ (records are never changed in place: compared by reference). */
export function changedTasks(before: JobRecord, after: JobRecord): number[] {
  return after.tasks.flatMap((t, i) => (t !== before.tasks[i] || after.timings?.[i] !== before.timings?.[i] ? [i] : []))
}
