// The job view's finer frame stages and attempt spans, on job records
// driven through the scheduler and the dispute rules (never written by hand):
// each stage is reached the way a live job reaches it, and the view's
// existing `status` keeps its meaning beside it.
import { describe, expect, it } from 'vitest'
import { settleDispute, openDisputes } from '../../../../../node/roles/creator/disputes.ts'
import { stageOf } from '../../../../../node/roles/creator/frame-stage.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { viewOf } from '../../../../../node/roles/creator/job-view.ts'
import { cancelJob, claimTask, commitResult, expireLeases, isRefusal, settleResult } from '../../../../../node/roles/creator/scheduler.ts'
import { attemptSpans } from '../../../../../node/roles/creator/task-attempts.ts'
import { newJob, W1, W2, withVerifiedTask } from './fixtures.ts'

const ROOT = 'ee'.repeat(32)

function leased(job: JobRecord, worker: string, nowMs = 0) {
  const claimed = claimTask(job, worker, `l-${worker.slice(0, 2)}-${nowMs}`, nowMs + 1_000, nowMs)
  if (isRefusal(claimed)) throw new Error(claimed.reason)
  return claimed
}

function committed(job: JobRecord, worker: string, nowMs = 0) {
  const l = leased(job, worker, nowMs)
  const c = commitResult(l.job, worker, l.task.index, l.task.leaseId!, ROOT, nowMs + 50)
  if (isRefusal(c)) throw new Error(c.reason)
  return { job: c.job, index: l.task.index }
}

const stages = (job: JobRecord) => viewOf(job, 10_000).frames.map((f) => f.stage)

describe('frame stages', () => {
  it('follows a task from the queue through rendering, commitment and checking to verified', () => {
    const job = newJob(4, 2)
    expect(stages(job)).toEqual(['queued', 'queued', 'queued', 'queued'])
    const l = leased(job, W1)
    expect(stages(l.job)).toEqual(['rendering', 'rendering', 'queued', 'queued'])
    const c = committed(job, W1)
    expect(stages(c.job)).toEqual(['committed', 'committed', 'queued', 'queued'])
    // The creator took the result up for verification (recordPending).
    const checking = { ...c.job, pending: { [c.index]: { worker: W1, workerPeer: 'p', merkleRoot: ROOT, frames: [], envelope: '' } } }
    expect(stages(checking)).toEqual(['checking', 'checking', 'queued', 'queued'])
    const verified = withVerifiedTask(job, W1)
    expect(stages(verified)).toEqual(['verified', 'verified', 'queued', 'queued'])
    // The protocol's buckets are unchanged beside them.
    expect(viewOf(checking, 0).frames.map((f) => f.status)).toEqual(['processing', 'processing', 'enqueued', 'enqueued'])
  })

  it('tells a refused result (rejected) from one that could not be had (failed); an expired lease is queued again', () => {
    const c = committed(newJob(4, 2), W1)
    const refused = settleResult(c.job, { taskIndex: c.index, merkleRoot: ROOT, worker: W1 }, { accepted: false, reason: 'pixels differ' }, 100).job
    expect(stages(refused).slice(0, 2)).toEqual(['rejected', 'rejected'])
    const lost = settleResult(c.job, { taskIndex: c.index, merkleRoot: ROOT, worker: W1 }, { accepted: false, unavailable: true, reason: 'worker gone' }, 100).job
    expect(stages(lost).slice(0, 2)).toEqual(['failed', 'failed'])
    expect(viewOf(refused, 0).frames[0]!.status).toBe('failed')
    const expired = expireLeases(leased(newJob(4, 2), W1).job, 5_000)!
    expect(stages(expired).slice(0, 2)).toEqual(['queued', 'queued'])
  })

  it('shows a disputed frame checking while its result is re-checked, rejected once sent for a re-render', () => {
    const job = withVerifiedTask(newJob(4, 2), W1)
    const [dispute] = openDisputes(job, [1], 'looks wrong', 100)
    const open = { ...job, disputes: [dispute!] }
    expect(stages(open)).toEqual(['checking', 'checking', 'queued', 'queued'])
    const rerender = settleDispute(open, dispute!, { accepted: true, frames: {}, checkedBy: [] }, 200).job
    expect(stages(rerender)).toEqual(['rejected', 'rejected', 'queued', 'queued'])
    expect(stages(leased(rerender, W2, 300).job)).toEqual(['rendering', 'rendering', 'queued', 'queued'])
  })

  it('shows the frames of a cancelled job that were not done as failed', () => {
    const job = cancelJob(withVerifiedTask(newJob(4, 2), W1))
    expect(stages(job)).toEqual(['verified', 'verified', 'failed', 'failed'])
    expect(stageOf(job, job.tasks[1]!)).toBe('failed')
  })
})

describe('attempt spans', () => {
  it('has one span per lease, on its worker, ended by the decision, the expiry or now', () => {
    const verified = withVerifiedTask(newJob(6, 2), W1)
    // W1's lease of task 1 runs out at 1,200; W2's of task 2 (from 1,000) still runs at 1,500.
    const both = leased(leased(verified, W1, 200).job, W2, 1_000).job
    const expiring = expireLeases(both, 1_500)!
    const spans = attemptSpans(expiring, 1_800)
    expect(spans).toEqual([
      { task: 0, frameStart: 1, frameEnd: 2, attempt: 1, worker: W1, leasedMs: 0, committedMs: 10, endMs: 20, outcome: 'accepted' },
      { task: 1, frameStart: 3, frameEnd: 4, attempt: 1, worker: W1, leasedMs: 200, committedMs: undefined, endMs: 1_500, outcome: 'expired' },
      { task: 2, frameStart: 5, frameEnd: 6, attempt: 1, worker: W2, leasedMs: 1_000, committedMs: undefined, endMs: 1_800, outcome: 'running' }
    ])
    expect(viewOf(expiring, 1_800).taskAttempts).toEqual(spans)
  })

  it('keeps a committed result open until it is decided, and ends attempts let go otherwise', () => {
    const c = committed(newJob(4, 2), W1, 100)
    expect(attemptSpans(c.job, 900)).toMatchObject([{ outcome: 'committed', committedMs: 150, endMs: 900 }])
    const cancelled = cancelJob(leased(newJob(4, 2), W2, 100).job)
    expect(attemptSpans(cancelled, 900)).toMatchObject([{ worker: W2, outcome: 'ended', endMs: 100 }])
  })
})
