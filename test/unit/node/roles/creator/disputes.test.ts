import { describe, expect, it } from 'vitest'
import { earlierCheckers, openDisputes, settleDispute } from '../../../../../node/roles/creator/disputes.ts'
import { CHECKER, newJob, W1, W2, withVerifiedTask } from './fixtures.ts'

describe('creator disputes', () => {
  it('opens one dispute per task with an accepted result, and none for frames not yet accepted', () => {
    const job = withVerifiedTask(newJob(), W1)
    const disputes = openDisputes(job, [2, 1, 3, 5], 'too dark', 7)
    // Task 0 holds frames 1-2 and is verified; frames 3 and 5 are in tasks still queued.
    expect(disputes).toEqual([{ taskIndex: 0, frames: [2, 1], reason: 'too dark', openedMs: 7, outcome: 'open' }])
    expect(openDisputes(job, [3, 4], 'x', 7)).toEqual([])
  })

  it('names the checkers that already passed the task, so that others judge it', () => {
    const job = withVerifiedTask(newJob(), W1)
    expect(earlierCheckers(job, 0)).toEqual([CHECKER])
    expect(earlierCheckers(job, 1)).toEqual([])
  })

  it('dismisses on an independent acceptance, stays open without a checker or a check, and upholds a refusal by banning the worker', () => {
    const job = withVerifiedTask(withVerifiedTask(newJob(), W1), W2)
    const [dispute] = openDisputes(job, [1], 'wrong', 9)
    const open = { ...job, disputes: [dispute!] }
    const accepted = (checkedBy: string[]) => ({ accepted: true as const, frames: {}, checkedBy })

    const dismissed = settleDispute(open, dispute!, accepted(['ee'.repeat(32)]))
    expect(dismissed.upheld).toBe(false)
    expect(dismissed.job.disputes![0]).toMatchObject({ outcome: 'dismissed' })

    expect(settleDispute(open, dispute!, accepted([])).job.disputes![0]).toMatchObject({ outcome: 'open', detail: 'no independent checker was available' })
    expect(settleDispute(open, dispute!, { accepted: false, unavailable: true, reason: 'gone' }).job.disputes![0]).toMatchObject({ outcome: 'open', detail: 'could not check: gone' })

    const upheld = settleDispute(open, dispute!, { accepted: false, reason: 'tile differs' })
    expect(upheld.upheld).toBe(true)
    expect(upheld.job.disputes![0]).toMatchObject({ outcome: 'upheld', detail: 'tile differs' })
    expect(upheld.job.banned).toEqual([W1])
    // W1's accepted task is revoked and requeued; W2's stands.
    expect(upheld.job.tasks[0]).toMatchObject({ status: 'enqueued' })
    expect(upheld.job.tasks[1]).toMatchObject({ status: 'verified', worker: W2 })
    expect(upheld.job.paid[W1]).toBeUndefined()
  })
})
