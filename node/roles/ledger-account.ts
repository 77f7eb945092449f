// Puts a node on the ledger when it starts: registered in its role, with the
// minimum stake for workers and checkers (creators stake nothing). A node
// that cannot register yet (its account not funded, the ledger down) keeps
// trying with backoff until it can, and says why in /api/status meanwhile:
// a worker or checker that is not registered is never paid.
import { PictorError } from '../errors.ts'
import { LedgerError } from '../ledger/errors.ts'
import { DEFAULT_LEDGER_PARAMS, type Ledger, type LedgerRoleName, ROLE, ROLE_NAMES } from '../ledger/types.ts'
import type { Logger } from '../log.ts'
import type { LedgerRegistration } from '../node-status.ts'
import type { NodeContext, NodeService } from '../node.ts'

/** The timer calls the account makes; tests pass a fake that fires on demand. */
export interface RetryTimers {
  setTimeout(fn: () => Promise<void>, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface LedgerAccountComponents {
  ledger: Pick<Ledger, 'address' | 'node' | 'register'>
  role: LedgerRoleName
  registration: LedgerRegistration
  logger: Logger
  timers?: RetryTimers
}

export interface RetryBackoff {
  firstMs: number
  maxMs: number
}

/**
 * 1 s doubling to 30 s: an account funded after its node started is
 * registered within 30 s of the funds arriving, and a ledger that is down is
 * asked at most twice a minute.
 */
export const REGISTRATION_BACKOFF: RetryBackoff = { firstMs: 1_000, maxMs: 30_000 }

/** The wait after the n-th failure in a row (n >= 1). */
export function retryDelayMs(failures: number, backoff: RetryBackoff = REGISTRATION_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(Math.max(failures - 1, 0), 30))
}

export const REAL_TIMERS: RetryTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout)
}

export class LedgerAccount implements NodeService {
  private readonly c: LedgerAccountComponents
  private readonly backoff: RetryBackoff
  private readonly timers: RetryTimers
  private failures = 0
  private lastReason = ''
  private timer?: unknown
  private attempt?: Promise<void>
  private stopped = false

  constructor(components: LedgerAccountComponents, backoff: RetryBackoff = REGISTRATION_BACKOFF) {
    this.c = components
    this.backoff = backoff
    this.timers = components.timers ?? REAL_TIMERS
  }

  /** Waits for the first attempt, so a funded node is registered before it serves; later attempts run in the background. */
  async start(): Promise<void> {
    this.stopped = false
    await this.tryRegister()
  }

  /** No timer is left behind, and an attempt in flight is waited for. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer)
    this.timer = undefined
    await this.attempt
  }

  private tryRegister(): Promise<void> {
    this.timer = undefined
    this.attempt = this.registerOnce().then((again) => {
      if (again && !this.stopped) this.timer = this.timers.setTimeout(() => this.tryRegister(), retryDelayMs(this.failures, this.backoff))
    })
    return this.attempt
  }

  /** One attempt; true when it should be tried again. */
  private async registerOnce(): Promise<boolean> {
    const { ledger, role, logger } = this.c
    try {
      const known = await ledger.node(ledger.address)
      if (known !== undefined && known.role !== ROLE[role]) {
        // A key registers once, in one role: waiting cannot fix this.
        this.c.registration.state = `not registered: this key is registered on the ledger as a ${ROLE_NAMES[known.role]}, not a ${role}`
        logger.error('ledger registration impossible', { role, address: ledger.address, registeredAs: ROLE_NAMES[known.role] })
        return false
      }
      if (known === undefined) {
        const stake = role === 'creator' ? 0n : DEFAULT_LEDGER_PARAMS.minStake
        await ledger.register(ROLE[role], stake)
        logger.info('registered on the ledger', { role, stake, address: ledger.address, attempts: this.failures + 1 })
      }
      this.c.registration.state = 'registered'
      this.failures = 0
      return false
    } catch (err) {
      if (this.stopped) return false
      this.failures++
      const reason = this.reasonOf(err)
      this.c.registration.state = `not registered: ${reason}`
      const retryInMs = retryDelayMs(this.failures, this.backoff)
      // Said once per reason: a node waiting minutes for funds should not fill its log.
      if (reason !== this.lastReason) logger.warn('ledger registration failed, retrying', { role, address: ledger.address, reason, retryInMs })
      else logger.debug('ledger registration failed, retrying', { role, reason, failures: this.failures, retryInMs })
      this.lastReason = reason
      return true
    }
  }

  private reasonOf(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err)
    if (err instanceof LedgerError && err.code === 'EInsufficientBalance') return `${err.code}: ${message}; fund ${this.c.ledger.address} (pictor wallet fund)`
    return err instanceof PictorError ? `${err.code}: ${message}` : message
  }
}

export function ledgerAccount(ctx: NodeContext): NodeService {
  const ledger = ctx.ledger
  if (ledger === undefined) return { start() {}, stop() {} }
  return new LedgerAccount({ ledger, role: ctx.config.role, registration: ctx.registration, logger: ctx.logger.child('ledger-account') })
}
