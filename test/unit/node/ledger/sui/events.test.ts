import { normalizeSuiAddress } from '@mysten/sui/utils'
import { describe, expect, it } from 'vitest'
import { decodeEvents, EVENT_LAYOUTS } from '../../../../../node/ledger/sui/events.ts'
import { encode, event } from './fake-transport.ts'
import { PACKAGE_ID } from './offline.ts'

const JOB = 'ef'.repeat(32)
const CHECKER = normalizeSuiAddress('0xcc')
const WORKER = normalizeSuiAddress('0xb1')

describe('package events', () => {
  it('decode with camelCase fields, money as bigint, counts as numbers, bytes as hex', () => {
    const events = [
      event(
        `${PACKAGE_ID}::verify::CheckerAssigned`,
        encode(EVENT_LAYOUTS.verify.CheckerAssigned, {
          job_id: Buffer.from(JOB, 'hex'),
          task_index: 7,
          checker: CHECKER,
          beacon: new Uint8Array(32).fill(1)
        })
      ),
      event(
        `${PACKAGE_ID}::verify::WorkerSlashed`,
        encode(EVENT_LAYOUTS.verify.WorkerSlashed, {
          job_id: Buffer.from(JOB, 'hex'),
          task_index: 7,
          worker: WORKER,
          amount: 1_000_001n
        })
      ),
      event(
        `${PACKAGE_ID}::appeal::AppealJudged`,
        encode(EVENT_LAYOUTS.appeal.AppealJudged, {
          job_id: Buffer.from(JOB, 'hex'),
          task_index: 7,
          checker: CHECKER,
          accepted: true,
          overturned: true,
          verdict_checker: normalizeSuiAddress('0xcd'),
          slashed: 1_000_000n,
          slashed_to: WORKER,
          fee: 10n
        })
      ),
      event(
        `${PACKAGE_ID}::registry::WithdrawRequested`,
        encode(EVENT_LAYOUTS.registry.WithdrawRequested, { node: WORKER, withdraw_at: 1_700_000_000_000 })
      )
    ]
    expect(decodeEvents(events, [PACKAGE_ID])).toEqual([
      { type: 'CheckerAssigned', jobId: JOB, taskIndex: 7, checker: CHECKER, beacon: '01'.repeat(32) },
      {
        type: 'WorkerSlashed',
        jobId: JOB,
        taskIndex: 7,
        worker: WORKER,
        amount: 1_000_001n
      },
      {
        type: 'AppealJudged',
        jobId: JOB,
        taskIndex: 7,
        checker: CHECKER,
        accepted: true,
        overturned: true,
        verdictChecker: normalizeSuiAddress('0xcd'),
        slashed: 1_000_000n,
        slashedTo: WORKER,
        fee: 10n
      },
      { type: 'WithdrawRequested', node: WORKER, withdrawAt: 1_700_000_000_000 }
    ])
  })

  it('skip events of other packages and unknown names', () => {
    const bytes = encode(EVENT_LAYOUTS.job.JobCancelled, { job_id: new Uint8Array(32), refunded: 1 })
    const events = [
      event(`${normalizeSuiAddress('0xbad')}::job::JobCancelled`, bytes),
      event(`${PACKAGE_ID}::job::Unheard`, bytes),
      event(`${PACKAGE_ID}::job::JobCancelled`, bytes)
    ]
    expect(decodeEvents(events, [PACKAGE_ID]).map((e) => e.type)).toEqual(['JobCancelled'])
  })
})
