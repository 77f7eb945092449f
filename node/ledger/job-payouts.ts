// What a job moved on the ledger: escrow in; worker pay, checker fees,
// slashes and the refund out. They must add up to the escrow exactly.
import type { Ledger, LedgerEvent } from './types.ts'

export interface JobPayouts {
  escrow: bigint
  workers: Map<string, bigint>
  checkers: Map<string, bigint>
  refunded: bigint
  /** Slashed stake that went to the creator (the checker's share is in `checkers`). */
  slashedToCreator: bigint
  closed: boolean
}

export async function jobPayouts(ledger: Pick<Ledger, 'events'>, jobId: string): Promise<JobPayouts> {
  const events: LedgerEvent[] = []
  for (let from = 0; ; ) {
    const page = await ledger.events({ fromSeq: from, limit: 1000 })
    events.push(...page)
    if (page.length < 1000) break
    from = page[page.length - 1].seq + 1
  }
  const out: JobPayouts = { escrow: 0n, workers: new Map(), checkers: new Map(), refunded: 0n, slashedToCreator: 0n, closed: false }
  const add = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v)
  for (const e of events) {
    if (!('jobId' in e) || e.jobId !== jobId) continue
    if (e.type === 'JobCreated') out.escrow = e.escrow
    else if (e.type === 'WorkerPaid') add(out.workers, e.worker, e.amount)
    else if (e.type === 'CheckerPaid') add(out.checkers, e.checker, e.amount)
    else if (e.type === 'Refunded') out.refunded += e.amount
    else if (e.type === 'JobClosed') out.closed = true
  }
  return out
}

/** Escrow out: worker pay + checker fees + refund (slashes come from stake, not escrow). */
export function paidOut(p: JobPayouts): bigint {
  const sum = (m: Map<string, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n)
  return sum(p.workers) + sum(p.checkers) + p.refunded
}
