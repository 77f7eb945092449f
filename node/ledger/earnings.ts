// What this node has been paid, for GET /api/earnings and the dashboard:
// the ledger's events folded for one address as they arrive. Each event is
// read once (a cursor moves through the stream), and what it pays this
// address is the wallet's own rule (wallet.ts summarise), so the dashboard
// and `pictor wallet` can never disagree on what counts as earned.
import { summarise } from './wallet.ts'
import { type Ledger, type LedgerEvent, type LedgerEventType, MAX_EVENTS_PER_QUERY } from './types.ts'

/** One event that paid this address. Amounts are decimal micro-PIC strings (u64 passes 2^53). */
export interface Payment {
  seq: number
  type: LedgerEventType
  jobId: string
  taskIndex?: number
  amount: string
  timestampMs: number
}

export interface EarningsReport {
  ledger: true
  address: string
  /** worker + checker + slashShares. */
  total: string
  byKind: { worker: string; checker: string; slashShares: string }
  /** This node's own stake lost to slashes (not subtracted from `total`). */
  slashed: string
  /** Events that paid this address, in all. */
  payments: number
  /** The most recent payments, newest first. */
  recent: Payment[]
  /**
   * Earned per hour: what the ledger paid this address since the node
   * started, but at most over the last hour, divided by that span (at least
   * a minute, so a node up for seconds does not extrapolate one payment
   * into a fortune).
   */
  perHour: string
  perHourWindowS: number
  /** Events read so far (the cursor); `catchingUp` while older ones are still unread. */
  eventsRead: number
  catchingUp: boolean
}

export interface EarningsBookInit {
  ledger: Pick<Ledger, 'events'>
  address: string
  /** When this node started (ms): the per-hour figure counts from here. */
  startedAt: number
  now(): number
  /** Payments listed in `recent` (default 20). */
  recentKeep?: number
  /** A report at most this old is answered from memory (default 1 s: the dashboard asks every second). */
  refreshMs?: number
  /** Pages of MAX_EVENTS_PER_QUERY read per refresh at most, so one request never reads a whole long chain (default 20). */
  maxPagesPerRefresh?: number
}

const HOUR_MS = 3_600_000
const MIN_WINDOW_MS = 60_000
/** Payments kept for the per-hour figure; an hour with more is a farm far past one node's pace. */
const HOUR_PAYMENTS_KEEP = 10_000
/** Jobs this address created, remembered so a WorkerSlashed on one pays it its slash share (the event does not name the creator). */
const OWN_JOBS_KEEP = 100_000

type JobCreated = Extract<LedgerEvent, { type: 'JobCreated' }>

export class EarningsBook {
  private readonly init: EarningsBookInit
  private readonly recentKeep: number
  private nextSeq = 0
  private catchingUp = true
  private readonly totals = { worker: 0n, checker: 0n, slashShares: 0n, slashed: 0n }
  private payments = 0
  /** Newest first. */
  private recent: Payment[] = []
  /** Oldest first, within the last hour of ledger time. */
  private lastHour: { timestampMs: number; amount: bigint }[] = []
  private readonly ownJobs = new Map<string, JobCreated>()
  private refreshedAt = Number.NEGATIVE_INFINITY
  private refreshing?: Promise<void>

  constructor(init: EarningsBookInit) {
    this.init = init
    this.recentKeep = init.recentKeep ?? 20
  }

  /** Reads the events that arrived since the last call (throttled), then reports. */
  async report(): Promise<EarningsReport> {
    if (this.init.now() - this.refreshedAt >= (this.init.refreshMs ?? 1_000)) {
      // Concurrent callers share one read, so the cursor never moves twice over the same events.
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = undefined
      })
      await this.refreshing
    }
    return this.snapshot()
  }

  private async refresh(): Promise<void> {
    const maxPages = this.init.maxPagesPerRefresh ?? 20
    for (let page = 0; page < maxPages; page++) {
      const events = await this.init.ledger.events({ fromSeq: this.nextSeq, limit: MAX_EVENTS_PER_QUERY })
      for (const e of events) this.fold(e)
      if (events.length > 0) this.nextSeq = events[events.length - 1]!.seq + 1
      this.catchingUp = events.length === MAX_EVENTS_PER_QUERY
      if (!this.catchingUp) break
    }
    this.refreshedAt = this.init.now()
  }

  private fold(e: LedgerEvent): void {
    const { address } = this.init
    if (e.type === 'JobCreated' && e.creator === address) {
      if (this.ownJobs.size >= OWN_JOBS_KEEP) this.ownJobs.delete(this.ownJobs.keys().next().value!)
      this.ownJobs.set(e.jobId, e)
    }
    const created = e.type === 'WorkerSlashed' ? this.ownJobs.get(e.jobId) : undefined
    const s = summarise(address, 0n, undefined, created === undefined ? [e] : [created, e])
    this.totals.worker += s.earnings.worker
    this.totals.checker += s.earnings.checker
    this.totals.slashShares += s.earnings.slashShares
    this.totals.slashed += s.slashed
    const amount = s.earnings.worker + s.earnings.checker + s.earnings.slashShares
    if (amount === 0n) return
    this.payments++
    const jobId = 'jobId' in e ? e.jobId : ''
    const taskIndex = 'taskIndex' in e ? e.taskIndex : undefined
    this.recent.unshift({ seq: e.seq, type: e.type, jobId, taskIndex, amount: amount.toString(), timestampMs: e.timestampMs })
    if (this.recent.length > this.recentKeep) this.recent.length = this.recentKeep
    if (e.timestampMs >= this.init.now() - HOUR_MS) {
      this.lastHour.push({ timestampMs: e.timestampMs, amount })
      if (this.lastHour.length > HOUR_PAYMENTS_KEEP) this.lastHour.shift()
    }
  }

  private snapshot(): EarningsReport {
    const now = this.init.now()
    const from = Math.max(this.init.startedAt, now - HOUR_MS)
    this.lastHour = this.lastHour.filter((p) => p.timestampMs >= now - HOUR_MS)
    const earned = this.lastHour.reduce((sum, p) => (p.timestampMs >= from ? sum + p.amount : sum), 0n)
    const windowMs = Math.max(MIN_WINDOW_MS, now - from)
    const { worker, checker, slashShares, slashed } = this.totals
    return {
      ledger: true,
      address: this.init.address,
      total: (worker + checker + slashShares).toString(),
      byKind: { worker: worker.toString(), checker: checker.toString(), slashShares: slashShares.toString() },
      slashed: slashed.toString(),
      payments: this.payments,
      recent: this.recent.map((p) => ({ ...p })),
      perHour: ((earned * BigInt(HOUR_MS)) / BigInt(windowMs)).toString(),
      perHourWindowS: Math.round(windowMs / 1000),
      eventsRead: this.nextSeq,
      catchingUp: this.catchingUp
    }
  }
}
