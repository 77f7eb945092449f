import { describe, expect, it } from 'vitest'
import { disputeClosed, earlierCheckers, finishRerender, openDisputes, settleDispute } from '../../../../../node/roles/creator/disputes.ts'
import { claimTask, deadlineOf } from '../../../../../node/roles/creator/scheduler.ts'
import type { ResultOutcome } from '../../../../../node/roles/creator/verifier.ts'
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

  it('dismisses on an independent acceptance, and upholds a refusal by banning the worker', () => {
    const job = withVerifiedTask(withVerifiedTask(newJob(), W1), W2)
    const [dispute] = openDisputes(job, [1], 'wrong', 9)
    const open = { ...job, disputes: [dispute!] }

    const dismissed = settleDispute(open, dispute!, { accepted: true, frames: {}, checkedBy: ['ee'.repeat(32)] }, 100)
    expect(dismissed).toMatchObject({ upheld: false, rerender: false })
    expect(dismissed.job.disputes![0]).toMatchObject({ outcome: 'dismissed' })

    const upheld = settleDispute(open, dispute!, { accepted: false, reason: 'tile differs' }, 100)
    expect(upheld).toMatchObject({ upheld: true, rerender: false })
    expect(upheld.job.disputes![0]).toMatchObject({ outcome: 'upheld', detail: 'tile differs' })
    expect(upheld.job.banned).toEqual([W1])
    // W1's accepted task is revoked and requeued; W2's stands.
    expect(upheld.job.tasks[0]).toMatchObject({ status: 'enqueued' })
    expect(upheld.job.tasks[1]).toMatchObject({ status: 'verified', worker: W2 })
    expect(upheld.job.paid[W1]).toBeUndefined()
  })

  const undecided: [string, ResultOutcome][] = [
    ['no independent checker was available', { accepted: true, frames: {}, checkedBy: [] }],
    ['the check could not run', { accepted: false, unavailable: true, reason: 'gone' }]
  ]
  for (const [when, outcome] of undecided) {
    it(`re-renders the task on another worker when ${when}, and settles as re-rendered once that result is accepted`, () => {
      const job = withVerifiedTask(withVerifiedTask(newJob(), W1), W2)
      const [dispute] = openDisputes(job, [1], 'wrong', 9)
      const settled = settleDispute({ ...job, disputes: [dispute!] }, dispute!, outcome, 100)
      expect(settled).toMatchObject({ upheld: false, rerender: true })
      // Still open: it resolves when the new result is in. Nothing proved W1 wrong: not banned, still paid.
      expect(settled.job.disputes![0]).toMatchObject({ outcome: 'open', rerender: { from: W1 } })
      expect(settled.job.disputes![0]!.detail).toMatch(/rendered again by another worker/)
      expect(settled.job.tasks[0]).toMatchObject({ status: 'enqueued', excluded: [W1] })
      expect(settled.job.frames[1]).toBeUndefined()
      expect(settled.job.banned ?? []).toEqual([])
      expect(settled.job.paid[W1]).toBe(job.paid[W1])
      // W1 may not take its own task back; W2 renders it and the new frames replace the disputed ones.
      expect(claimTask(settled.job, W1, 'again', 1_000, 0)).toMatchObject({ task: { index: 2 } })
      expect(finishRerender(settled.job, 0)).toBe(settled.job)
      const rerendered = withVerifiedTask(settled.job, W2, 'dd'.repeat(32), { 2: 'cd'.repeat(32) })
      expect(rerendered.frames[1]).toMatchObject({ worker: W2 })
      const finished = finishRerender(rerendered, 0)
      expect(finished.disputes![0]).toMatchObject({ outcome: 're-rendered', rerender: { from: W1, by: W2, changedFrames: [2] } })
      expect(finished.disputes![0]!.detail).toMatch(/^rendered again by worker bbbbbbbbbbbb…: frames 2 differ/)
      // Finishing again changes nothing.
      expect(finishRerender(finished, 0)).toBe(finished)
    })
  }

  it('past the deadline no task is leased again: a dispute nobody can judge is dismissed, the frames stand', () => {
    const job = withVerifiedTask(newJob(), W1)
    const [dispute] = openDisputes(job, [1], 'wrong', 9)
    const late = settleDispute({ ...job, disputes: [dispute!] }, dispute!, { accepted: true, frames: {}, checkedBy: [] }, deadlineOf(job))
    expect(late).toMatchObject({ upheld: false, rerender: false })
    expect(late.job.disputes![0]).toMatchObject({ outcome: 'dismissed', detail: expect.stringMatching(/deadline has passed/) })
    expect(late.job.tasks[0]).toMatchObject({ status: 'verified', worker: W1 })
  })

  it('takes no dispute once the job is accepted or cancelled', () => {
    const job = withVerifiedTask(newJob(2, 2), W1)
    expect(disputeClosed(job)).toBeUndefined()
    expect(disputeClosed({ ...job, acceptedMs: 5 })).toMatch(/was accepted/)
    expect(disputeClosed({ ...job, status: 'cancelled' })).toMatch(/is cancelled/)
  })
})
