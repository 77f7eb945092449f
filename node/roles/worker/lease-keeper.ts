// Keeps one lease alive while its task runs: a LeaseRenewal every third of
// the lease's length, carrying the frames done so far. When the creator says
// the lease is no longer ours, or we could not renew it before it ran out,
// `signal` aborts so the render stops instead of producing frames nobody
// will accept.
import { type Clock, type ClockTimer, systemClock } from '../../clock.ts'
import type { Lease, ReplyCodeName } from '../../../protocol/index.ts'
import type { Logger } from '../../log.ts'
import type { CreatorRef } from './job-table.ts'
import type { TaskClient } from './task-client.ts'

/** Replies after which the task is no longer ours to finish. */
const LOST_CODES: readonly ReplyCodeName[] = ['notLeaseHolder', 'leaseExpired', 'jobDone', 'unknownJob', 'notAdmitted']

/** Never hammer a creator faster than this, whatever the lease length. */
const MIN_RENEW_MS = 1_000

export interface LeaseKeeperInit {
  client: TaskClient
  creator: CreatorRef
  lease: Lease
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  logger: Logger
  /** Overrides the renewal period (tests). */
  renewEveryMs?: number
}

export class LeaseKeeper {
  framesDone = 0
  renewals = 0
  /** Set once the lease is lost: the reply code, or 'leaseExpired' when it ran out locally. */
  lostCode?: ReplyCodeName
  private current: Lease
  private readonly init: LeaseKeeperInit
  private readonly controller = new AbortController()
  private readonly durationMs: number
  /** Local time by which the last granted lease runs out. Our clock, not the creator's: clocks may differ by seconds. */
  private deadline: number
  private timer?: ClockTimer
  private inFlight?: Promise<void>
  private stopped = false

  constructor(init: LeaseKeeperInit) {
    this.init = init
    this.current = init.lease
    this.durationMs = Math.max(0, init.lease.expiresMs - init.lease.issuedMs)
    this.deadline = init.now() + this.durationMs
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get lease(): Lease {
    return this.current
  }

  start(): void {
    this.schedule()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.timer?.cancel()
    await this.inFlight
  }

  private schedule(): void {
    if (this.stopped || this.controller.signal.aborted) return
    const every = this.init.renewEveryMs ?? Math.max(MIN_RENEW_MS, Math.floor(this.durationMs / 3))
    this.timer = (this.init.clock ?? systemClock).setTimeout(
      () => {
        this.inFlight = this.renew().finally(() => {
          this.inFlight = undefined
          this.schedule()
        })
      },
      every,
      { ref: true }
    )
  }

  private async renew(): Promise<void> {
    const sentAt = this.init.now()
    try {
      const answer = await this.init.client.renew(this.init.creator, this.current, this.framesDone)
      if (answer.code === 'ok' && answer.lease !== undefined) {
        this.current = answer.lease
        this.deadline = sentAt + Math.max(0, answer.lease.expiresMs - answer.lease.issuedMs)
        this.renewals++
        return
      }
      if (LOST_CODES.includes(answer.code)) return this.lose(answer.code, answer.reason)
      this.init.logger.debug('lease renewal refused', { code: answer.code, reason: answer.reason })
    } catch (err) {
      this.init.logger.debug('lease renewal failed', { err })
    }
    // Transient trouble (busy, network): keep rendering while the lease may still hold.
    if (this.init.now() >= this.deadline) this.lose('leaseExpired', 'lease ran out before it could be renewed')
  }

  private lose(code: ReplyCodeName, reason: string): void {
    if (this.lostCode !== undefined) return
    this.lostCode = code
    this.init.logger.info('lease lost, aborting task', { taskIndex: this.current.taskIndex, code, reason })
    this.controller.abort(new Error(`lease lost: ${code}${reason ? ` (${reason})` : ''}`))
  }
}
