// How `pictor job status`, `job watch` and the demo say where a completed
// ledger job stands: settled, settling, or not settled with the tasks the
// ledger holds back.
import { describe, expect, it } from 'vitest'
import { settlementLine } from '../../../../node/cli/job-client.ts'
import type { JobRecord, LedgerSettlement } from '../../../../node/roles/creator/job-record.ts'
import { viewOf } from '../../../../node/roles/creator/job-view.ts'
import { newJob } from '../roles/creator/fixtures.ts'

const terms = { maxFrameCost: '100', checkerFee: '10', escrow: '700' }
const completed = (ledger?: JobRecord['ledger']) => viewOf({ ...newJob(6, 2), status: 'completed', ledger }, 0)
const settlement = (s: Partial<LedgerSettlement>): LedgerSettlement => ({ state: 'pending', unsettledTasks: [], unsettledCount: 0, reason: '', checkedMs: 0, ...s })

describe('ledger settlement line', () => {
  it('is absent without a ledger or before the job completes', () => {
    expect(settlementLine(completed())).toBeUndefined()
    expect(settlementLine(viewOf({ ...newJob(6, 2), ledger: terms }, 0))).toBeUndefined()
  })

  it('says settling until the creator has closed the job, then settled with the refund', () => {
    expect(settlementLine(completed(terms))).toEqual({ state: 'pending', line: 'settling: closing the job on the ledger' })
    expect(settlementLine(completed({ ...terms, refunded: '40', settlement: settlement({ state: 'settled' }) }))).toEqual({ state: 'settled', line: 'settled: every task paid, job closed, 40 µPIC refunded' })
    // A record from before settlements were kept: the refund alone.
    expect(settlementLine(completed({ ...terms, refunded: '40' }))?.state).toBe('settled')
  })

  it('names the unpaid tasks and why', () => {
    const pending = settlement({ unsettledTasks: [2], unsettledCount: 1, reason: "task 2 committed on the ledger, waiting for the checker's verdict: unpaid on the ledger" })
    expect(settlementLine(completed({ ...terms, settlement: pending }))?.line).toBe("settling: 1 of 3 tasks unpaid (2); task 2 committed on the ledger, waiting for the checker's verdict: unpaid on the ledger")
    const failed = settlement({ state: 'failed', unsettledTasks: [0, 1], unsettledCount: 3, reason: 'tasks 0, 1, 2 never assigned on the ledger' })
    expect(settlementLine(completed({ ...terms, settlement: failed }))).toEqual({ state: 'failed', line: 'NOT SETTLED: 3 of 3 tasks unpaid (0, 1 …); tasks 0, 1, 2 never assigned on the ledger' })
  })
})
