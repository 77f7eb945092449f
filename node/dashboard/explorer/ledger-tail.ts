// Follows the ledger's event stream for the explorer: each refresh reads
// only the events after the last one it folded, a bounded number of pages
// at a time, at most once per interval however many pages watch it, and
// one at a time. A ledger that does not answer leaves the last reading in
// place with a one-line error beside it. Node records (stake, verified and
// rejected tasks: the ledger's own reputation) are read on demand and kept
// a few seconds.
import { type ChainNode, type Ledger, MAX_EVENTS_PER_QUERY } from '../../ledger/index.ts'
import { RecentMap } from '../../net/recent-map.ts'
import { LedgerFold, type LedgerFoldLimits } from './ledger-fold.ts'

export interface LedgerTailLimits extends LedgerFoldLimits {
  /** Pages of events read per refresh: a long ledger is caught up over several refreshes, none of them slow. */
  pagesPerRefresh: number
  /** The SSE stream polls every route once a second per page; the ledger is asked at most this often. */
  minIntervalMs: number
  /** How long a node record read from the ledger is shown before it is read again. */
  nodeTtlMs: number
  maxNodes: number
}

export const LEDGER_TAIL_LIMITS: Omit<LedgerTailLimits, keyof LedgerFoldLimits> = { pagesPerRefresh: 5, minIntervalMs: 500, nodeTtlMs: 10_000, maxNodes: 2_000 }

export interface LedgerTailStatus {
  /** Events folded so far (the next one to read). */
  scanned: number
  /** The last read reached the end of the stream. */
  caughtUp: boolean
  /** Why the last read failed; absent when it did not. */
  error?: string
}

const NODE_READS_AT_ONCE = 16

interface CachedNode {
  node: ChainNode | undefined
  atMs: number
}

/** An error as one short line, whatever threw it. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return (text.split('\n')[0] ?? '').slice(0, 200) || 'unknown error'
}

export class LedgerTail {
  readonly fold: LedgerFold
  private readonly ledger: Pick<Ledger, 'events' | 'node'>
  private readonly now: () => number
  private readonly limits: Omit<LedgerTailLimits, keyof LedgerFoldLimits>
  private readonly nodes: RecentMap<string, CachedNode>
  private readonly reading = new Set<string>()
  private nextSeq = 0
  private caughtUp = false
  private error?: string
  private lastRefreshMs?: number
  private running?: Promise<void>

  constructor(init: { ledger: Pick<Ledger, 'events' | 'node'>; now: () => number; limits?: Partial<LedgerTailLimits> }) {
    this.ledger = init.ledger
    this.now = init.now
    this.fold = new LedgerFold(init.limits)
    this.limits = { ...LEDGER_TAIL_LIMITS, ...init.limits }
    this.nodes = new RecentMap(this.limits.maxNodes)
  }

  get status(): LedgerTailStatus {
    return { scanned: this.nextSeq, caughtUp: this.caughtUp, ...(this.error === undefined ? {} : { error: this.error }) }
  }

  /** Reads what the ledger added since the last refresh; never rejects. */
  refresh(): Promise<void> {
    if (this.running !== undefined) return this.running
    const nowMs = this.now()
    if (this.lastRefreshMs !== undefined && nowMs - this.lastRefreshMs < this.limits.minIntervalMs) return Promise.resolve()
    this.lastRefreshMs = nowMs
    this.running = this.pull().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  /**
   * Reads the ledger's record of each address not read within the TTL and
   * not being read already, a few at a time; `chainNode` then has it.
   * Never rejects: a failed read keeps the last record and says why in the status.
   */
  async refreshNodes(addresses: string[]): Promise<void> {
    const nowMs = this.now()
    const due = addresses.filter((a) => !this.reading.has(a) && !(nowMs - (this.nodes.get(a)?.atMs ?? -Infinity) < this.limits.nodeTtlMs))
    for (const a of due) this.reading.add(a)
    try {
      // A few reads at a time: a page of hundreds of workers must not open hundreds of ledger requests at once.
      for (let i = 0; i < due.length; i += NODE_READS_AT_ONCE) await Promise.all(due.slice(i, i + NODE_READS_AT_ONCE).map((a) => this.readNode(a, nowMs)))
    } finally {
      for (const a of due) this.reading.delete(a)
    }
  }

  /** The ledger's record of `address` as last read (undefined: not registered, or not read yet). */
  chainNode(address: string): ChainNode | undefined {
    return this.nodes.get(address)?.node
  }

  private async readNode(address: string, nowMs: number): Promise<void> {
    try {
      const node = await this.ledger.node(address)
      this.nodes.update(address, () => ({ node, atMs: nowMs }))
    } catch (err) {
      // The last record stands, and is not asked for again before the TTL: a ledger that is down is not hammered.
      this.nodes.update(address, (cached) => ({ node: cached?.node, atMs: nowMs }))
      this.error = oneLine(err)
    }
  }

  private async pull(): Promise<void> {
    try {
      for (let page = 0; page < this.limits.pagesPerRefresh; page++) {
        const events = await this.ledger.events({ fromSeq: this.nextSeq, limit: MAX_EVENTS_PER_QUERY })
        const before = this.nextSeq
        for (const e of events) {
          if (e.seq < this.nextSeq) continue
          this.fold.add(e)
          this.nextSeq = e.seq + 1
        }
        this.caughtUp = events.length < MAX_EVENTS_PER_QUERY
        // A full page that moved nothing forward would be read again forever.
        if (this.caughtUp || this.nextSeq === before) break
      }
      this.error = undefined
    } catch (err) {
      this.error = oneLine(err)
    }
  }
}
