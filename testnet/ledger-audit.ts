// What research runs check on the ledger after attacking a testnet: a job's
// money (escrow in = worker pay + checker fees + refund out, nothing paid
// twice for one task) and a record of acknowledged transactions that must
// survive the devchain being killed.
import { jobPayouts, paidOut } from '../node/ledger/job-payouts.ts'
import type { Ledger, LedgerEvent } from '../node/ledger/types.ts'

export async function allEvents(ledger: Pick<Ledger, 'events'>): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = []
  for (let from = 0; ; ) {
    const page = await ledger.events({ fromSeq: from, limit: 1000 })
    events.push(...page)
    if (page.length < 1000) return events
    from = page[page.length - 1]!.seq + 1
  }
}

export interface JobAudit {
  closed: boolean
  /** JobClosed events: a job settles once. */
  closings: number
  escrow: bigint
  /** Worker pay + checker fees + refund. */
  paidOut: bigint
  /** WorkerPaid events per task index. */
  workerPaid: Map<number, number>
  /** Tasks with more than one WorkerPaid event. */
  paidTwice: number[]
}

export async function auditJob(ledger: Pick<Ledger, 'events'>, jobId: string): Promise<JobAudit> {
  const events = await allEvents(ledger)
  // One read of the event stream serves both sums and counts.
  const payouts = await jobPayouts({ events: async ({ fromSeq = 0, limit = 1000 } = {}) => events.filter((e) => e.seq >= fromSeq).slice(0, limit) }, jobId)
  const workerPaid = new Map<number, number>()
  let closings = 0
  for (const e of events) {
    if (e.type === 'WorkerPaid' && e.jobId === jobId) workerPaid.set(e.taskIndex, (workerPaid.get(e.taskIndex) ?? 0) + 1)
    if (e.type === 'JobClosed' && e.jobId === jobId) closings++
  }
  return {
    closed: payouts.closed,
    closings,
    escrow: payouts.escrow,
    paidOut: paidOut(payouts),
    workerPaid,
    paidTwice: [...workerPaid].filter(([, n]) => n > 1).map(([task]) => task)
  }
}

/** Where an acknowledged transaction's first event sits, to find it again after a restart. */
interface Acked {
  digest: string
  seq: number
}

/**
 * Sends small faucet mints to one address, one after another, and remembers
 * each one the ledger acknowledged. `lost()` says how many of them the chain
 * no longer has. Failed calls (the devchain is down) are only counted.
 */
type ProbeLedger = Pick<Ledger, 'faucet' | 'events'>

export class AckedTxProbe {
  readonly acked: Acked[] = []
  failed = 0
  /** Asked again after a failed call: a restarted devchain may want a fresh client. */
  private readonly ledgerOf: () => Promise<ProbeLedger>
  private ledger?: ProbeLedger
  private readonly address: string
  private readonly gapMs: number
  private running?: Promise<void>
  private stopping = false

  constructor(ledgerOf: () => Promise<ProbeLedger>, address: string, gapMs = 100) {
    this.ledgerOf = ledgerOf
    this.address = address
    this.gapMs = gapMs
  }

  start(): void {
    this.stopping = false
    this.running ??= this.loop()
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.running
    this.running = undefined
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        this.ledger ??= await this.ledgerOf()
        const receipt = await this.ledger.faucet(this.address, 1n)
        const first = receipt.events[0]
        if (first !== undefined) this.acked.push({ digest: receipt.digest, seq: first.seq })
      } catch {
        this.failed++
        this.ledger = undefined
      }
      await new Promise((resolve) => setTimeout(resolve, this.gapMs))
    }
  }

  /** Acknowledged transactions whose events are not on the chain (at their seq, with their digest). */
  async lost(): Promise<number> {
    const bySeq = new Map((await allEvents(await this.ledgerOf())).map((e) => [e.seq, e.txDigest]))
    return this.acked.filter((a) => bySeq.get(a.seq) !== a.digest).length
  }
}
