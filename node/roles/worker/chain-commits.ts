// The worker's commitments on the ledger. The creator assigned the task
// there before acknowledging our commitment, so a failed on-chain commit is
// usually one that heals: no checker registered yet (ENoChecker), or the
// ledger out of reach. Those are retried with backoff in the background,
// for a bounded time, so the task still gets its verdict and its pay; a
// refusal that cannot heal (the task reassigned, the job closed) is not.
import { LedgerError, type LedgerErrorCode } from '../../ledger/errors.ts'
import type { Logger } from '../../log.ts'
import { REAL_TIMERS, REGISTRATION_BACKOFF, type RetryTimers, retryDelayMs } from '../ledger-account.ts'

/** Codes another attempt can get past: a checker may register, funds may arrive. */
const HEALS: ReadonlySet<LedgerErrorCode> = new Set(['ENoChecker', 'EInsufficientBalance', 'EInsufficientGas', 'ENotRegistered', 'EBadNonce'])
/** A commitment not on the ledger after this long is given up: the creator's lease on the task has long gone elsewhere. */
export const CHAIN_COMMIT_GIVE_UP_MS = 30 * 60_000

export type ChainCommit = (jobId: string, taskIndex: number, merkleRoot: string) => Promise<void>

export interface ChainCommitsComponents {
  commit: ChainCommit
  logger: Logger
  timers?: RetryTimers
  now(): number
}

export function heals(err: unknown): boolean {
  return err instanceof LedgerError ? HEALS.has(err.code) : true
}

export class ChainCommits {
  private readonly c: ChainCommitsComponents
  private readonly timers: RetryTimers
  private readonly pending = new Set<unknown>()
  private stopped = false

  constructor(components: ChainCommitsComponents) {
    this.c = components
    this.timers = components.timers ?? REAL_TIMERS
  }

  /** Resolves after the first attempt: true when it landed. A failure that can heal keeps being retried in the background. */
  async commit(jobId: string, taskIndex: number, merkleRoot: string): Promise<boolean> {
    return this.attempt({ jobId, taskIndex, merkleRoot, failures: 0, since: this.c.now() })
  }

  /** Retries no more: the worker is stopping. */
  stop(): void {
    this.stopped = true
    for (const handle of this.pending) this.timers.clearTimeout(handle)
    this.pending.clear()
  }

  private async attempt(job: { jobId: string; taskIndex: number; merkleRoot: string; failures: number; since: number }): Promise<boolean> {
    try {
      await this.c.commit(job.jobId, job.taskIndex, job.merkleRoot)
      if (job.failures > 0) this.c.logger.info('on-chain commitment landed after retries', { job: job.jobId, taskIndex: job.taskIndex, failures: job.failures })
      return true
    } catch (err) {
      const failures = job.failures + 1
      if (this.stopped || !heals(err) || this.c.now() - job.since >= CHAIN_COMMIT_GIVE_UP_MS) {
        this.c.logger.warn('on-chain commitment failed', { job: job.jobId, taskIndex: job.taskIndex, failures, err })
        return false
      }
      const waitMs = retryDelayMs(failures, REGISTRATION_BACKOFF)
      this.c.logger.info('on-chain commitment failed, retrying', { job: job.jobId, taskIndex: job.taskIndex, waitMs, err })
      const handle = this.timers.setTimeout(async () => {
        this.pending.delete(handle)
        await this.attempt({ ...job, failures })
      }, waitMs)
      this.pending.add(handle)
      return false
    }
  }
}
