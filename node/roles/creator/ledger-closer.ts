// Beside the creator service: once a ledger job completes, closes it on the
// ledger (the refund) and records in the job what the ledger still holds
// back while it cannot (the job's ledger settlement), so that a job is never
// reported done while its workers are unpaid there. Resumed after a restart.
import type { Clock } from '../../clock.ts'
import type { Ledger } from '../../ledger/types.ts'
import type { Logger } from '../../log.ts'
import { closeOnChain } from './job-ledger.ts'
import type { JobRecord, LedgerSettlement } from './job-record.ts'
import type { JobChange } from './job-store.ts'

export interface LedgerCloserComponents {
  ledger: Ledger
  job(id: string): JobRecord | undefined
  save(job: JobRecord, changed?: JobChange): Promise<void>
  logger: Logger
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
}

export interface LedgerCloserOptions {
  /**
   * Give up when nothing settled for this long (checkers submit verdicts
   * seconds after answering), unless a task's ledger deadline is ahead: then
   * wait for it, to reclaim the task or have another checker drawn.
   */
  patienceMs: number
  retryMs: number
}

export const DEFAULT_LEDGER_CLOSER_OPTIONS: LedgerCloserOptions = { patienceMs: 120_000, retryMs: 1_000 }

/** A ledger job that has ended (completed, cancelled or expired) whose refund is not recorded yet still needs closing. */
export function needsClosing(job: JobRecord): boolean {
  return job.status !== 'active' && job.ledger !== undefined && job.ledger.refunded === undefined
}

export class LedgerCloser {
  private readonly c: LedgerCloserComponents
  private readonly options: LedgerCloserOptions
  private readonly running = new Map<string, Promise<void>>()
  private readonly stopping = new AbortController()

  constructor(components: LedgerCloserComponents, options: LedgerCloserOptions = DEFAULT_LEDGER_CLOSER_OPTIONS) {
    this.c = components
    this.options = options
  }

  /** Starts closing the job unless that is running already or not needed. */
  close(id: string): void {
    const job = this.c.job(id)
    if (job === undefined || !needsClosing(job) || this.running.has(id) || this.stopping.signal.aborted) return
    const run = this.run(id).finally(() => this.running.delete(id))
    this.running.set(id, run)
  }

  /** Waits for the runs in flight, which stop at their next pause and record nothing more. */
  async stop(): Promise<void> {
    this.stopping.abort()
    await Promise.allSettled(this.running.values())
  }

  private async run(id: string): Promise<void> {
    const { patienceMs, retryMs } = this.options
    try {
      const { settlement, refunded } = await closeOnChain(this.c.ledger, id, { patienceMs, retryMs, signal: this.stopping.signal, now: this.c.now, clock: this.c.clock, onPending: (s) => this.record(id, s) })
      await this.record(id, settlement, refunded)
      if (settlement.state === 'settled') this.c.logger.info('job closed on the ledger', { job: id, refunded })
      else this.c.logger.error('the ledger did not settle the job', { job: id, unsettled: settlement.unsettledCount, reason: settlement.reason, ...(refunded === undefined ? {} : { refunded }) })
    } catch (err) {
      if (this.stopping.signal.aborted) return
      this.c.logger.error('closing the job on the ledger failed', { job: id, err })
      const reason = `closing the job on the ledger failed: ${(err as Error).message}`
      await this.record(id, { state: 'failed', unsettledTasks: [], unsettledCount: 0, reason, checkedMs: this.c.now() }).catch(() => {})
    }
  }

  private async record(id: string, settlement: LedgerSettlement, refunded?: bigint): Promise<void> {
    const latest = this.c.job(id)
    if (latest?.ledger === undefined || this.stopping.signal.aborted) return
    const ledger = { ...latest.ledger, settlement, ...(refunded === undefined ? {} : { refunded: String(refunded) }) }
    // The ledger terms are job-level: no task changes.
    await this.c.save({ ...latest, ledger }, { tasks: [] })
  }
}
