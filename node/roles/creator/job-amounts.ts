// Where a ledger job's escrow stands, from the creator's own record: what
// it locked, what it owes workers for accepted frames, what checkers' fees
// took, what is held for frames not done yet, and so what comes back to it.
// Pure; amounts in µPIC as decimal strings (they may exceed 2^53).
import type { JobRecord } from './job-record.ts'

export interface JobAmounts {
  escrow: string
  /** Owed to workers for accepted frames, at their admitted prices. */
  paid: string
  /**
   * One fee per verdict the ledger pays a checker for: each accepted task a
   * checker stood behind, each refused result. Estimated from the creator's
   * record (it does not read the ledger's events).
   */
  checkerFees: string
  /** Held for tasks not accepted yet: their frames at the price cap plus a checker fee each (what assigning a task reserves at most). */
  reserved: string
  /** escrow - paid - checkerFees - reserved: what comes back at least, were every undone frame paid at the cap. */
  refundable: string
  /** What the ledger refunded when the job closed; set once it did. */
  refunded?: string
}

export function amountsOf(job: JobRecord): JobAmounts | undefined {
  if (job.ledger === undefined) return undefined
  const escrow = BigInt(job.ledger.escrow)
  const maxFrameCost = BigInt(job.ledger.maxFrameCost)
  const checkerFee = BigInt(job.ledger.checkerFee)
  const paid = Object.values(job.paid).reduce((sum, v) => sum + BigInt(v), 0n)
  let verdicts = 0n
  let reserved = 0n
  for (const task of job.tasks) {
    if (task.status === 'verified') {
      const checked = (job.frames[task.frameStart]?.checkedBy ?? []).length > 0
      if (checked) verdicts++
    } else if (task.status !== 'cancelled') {
      reserved += BigInt(task.frameEnd - task.frameStart + 1) * maxFrameCost + checkerFee
    }
    for (const a of job.timings?.[task.index] ?? []) if (a.outcome === 'refused') verdicts++
  }
  const checkerFees = verdicts * checkerFee
  const left = escrow - paid - checkerFees - reserved
  return {
    escrow: String(escrow),
    paid: String(paid),
    checkerFees: String(checkerFees),
    reserved: String(reserved),
    refundable: String(left > 0n ? left : 0n),
    ...(job.ledger.refunded === undefined ? {} : { refunded: job.ledger.refunded })
  }
}
