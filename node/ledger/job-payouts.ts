// What a job moved on the ledger: escrow in; worker pay, checker fees and
// the refund out (they must add up to the escrow exactly); and beside the
// escrow, slashed stake and appeals.
import type { Ledger, LedgerEvent } from './types.ts'

export interface JobPayouts {
  escrow: bigint
  workers: Map<string, bigint>
  checkers: Map<string, bigint>
  refunded: bigint
  /** Stake slashed from rejected workers (all of it to the creator: a checker earns only its fee). */
  slashedWorkers: Map<string, bigint>
  /** Slashed stake paid to the creator: rejected workers', and overturned checkers' that accepted wrongly. */
  slashedToCreator: bigint
  /** Appeal fees paid to the checkers that judged the job's appeals (by the appellants, not from escrow). */
  appealFees: Map<string, bigint>
  /** Stake slashed from checkers whose verdict an appeal overturned, and the workers paid from it. */
  slashedCheckers: Map<string, bigint>
  slashedToWorkers: Map<string, bigint>
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
  const out: JobPayouts = {
    escrow: 0n,
    workers: new Map(),
    checkers: new Map(),
    refunded: 0n,
    slashedWorkers: new Map(),
    slashedToCreator: 0n,
    appealFees: new Map(),
    slashedCheckers: new Map(),
    slashedToWorkers: new Map(),
    closed: false
  }
  let creator: string | undefined
  const add = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v)
  for (const e of events) {
    if (!('jobId' in e) || e.jobId !== jobId) continue
    if (e.type === 'JobCreated') {
      out.escrow = e.escrow
      creator = e.creator
    } else if (e.type === 'JobToppedUp') out.escrow += e.amount
    else if (e.type === 'WorkerPaid') add(out.workers, e.worker, e.amount)
    else if (e.type === 'CheckerPaid') add(out.checkers, e.checker, e.amount)
    else if (e.type === 'Refunded') out.refunded += e.amount
    else if (e.type === 'JobClosed') out.closed = true
    else if (e.type === 'WorkerSlashed') {
      add(out.slashedWorkers, e.worker, e.amount)
      out.slashedToCreator += e.amount
    } else if (e.type === 'AppealJudged') {
      add(out.appealFees, e.checker, e.fee)
      if (e.overturned) {
        add(out.slashedCheckers, e.verdictChecker, e.slashed)
        if (e.slashedTo === creator) out.slashedToCreator += e.slashed
        else add(out.slashedToWorkers, e.slashedTo, e.slashed)
      }
    }
  }
  return out
}

/** Escrow out: worker pay + checker fees + refund (slashes come from stake, not escrow). */
export function paidOut(p: JobPayouts): bigint {
  const sum = (m: Map<string, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n)
  return sum(p.workers) + sum(p.checkers) + p.refunded
}
