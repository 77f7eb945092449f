import { describe, expect, it } from 'vitest'
import { viewOf } from '../../../../../node/roles/creator/job-view.ts'
import { claimTask, commitResult, isRefusal, rejectResult } from '../../../../../node/roles/creator/scheduler.ts'
import { summariseProgress } from '../../../../../protocol/index.ts'
import { raiseAlerts } from '../../../../../node/roles/creator/timing.ts'
import { newJob, W1, W2, withVerifiedTask } from './fixtures.ts'

describe('job view', () => {
  it('reports the protocol progress numbers, frame by frame', () => {
    const verified = withVerifiedTask(newJob(8, 2), W1)
    const claimed = claimTask(verified, W2, 'l2', 100, 0)
    if (isRefusal(claimed)) throw new Error(claimed.reason)
    const committed = commitResult(claimed.job, W2, 1, 'l2', 'ee'.repeat(32), 50)
    if (isRefusal(committed)) throw new Error(committed.reason)
    const requeued = rejectResult(committed.job, 1, 'ee'.repeat(32), 'frame 3 did not decode')
    const view = viewOf(requeued, 0)
    const progress = summariseProgress(requeued.tasks)
    expect(view.counts).toEqual(progress.frameCounts)
    expect(view.frames.map((f) => f.status)).toEqual(progress.frames.map((f) => f.status))
    // Frames 1-2 accepted; frames 3-4 failed a check and wait for a retry (shown as failed); 5-8 queued.
    expect(view.counts).toMatchObject({ succeeded: 2, failed: 2, enqueued: 4, processing: 0, total: 8 })
    expect(view.frames[0]).toMatchObject({ frame: 1, status: 'succeeded', worker: W1, attempts: 1 })
    expect(view.frames[2]).toMatchObject({ frame: 3, status: 'failed', attempts: 1 })
    expect(view.workers.find((w) => w.publicKey === W1)).toMatchObject({ frames: 2, banned: false })
  })

  it('shows frames accepted on integrity alone as unchecked, frame by frame and in a count', () => {
    const checked = withVerifiedTask(newJob(4, 2), W1)
    const job = withVerifiedTask(checked, W2)
    const unchecked = { ...job, frames: { ...job.frames, 3: { ...job.frames[3]!, checkedBy: [], unchecked: true }, 4: { ...job.frames[4]!, checkedBy: [], unchecked: true } } }
    const view = viewOf(unchecked, 0)
    expect(view.unchecked).toBe(2)
    expect(view.frames.map((f) => f.unchecked === true)).toEqual([false, false, true, true])
    expect(viewOf(job, 0).unchecked).toBe(0)
  })

  it('says when the deadline has passed and which frames are left undone', () => {
    const base = withVerifiedTask(newJob(6, 2), W1)
    const job = { ...base, spec: { ...base.spec, timeoutStopS: 60 } }
    const claimed = claimTask(job, W2, 'l2', 70_000, 10_000)
    if (isRefusal(claimed)) throw new Error(claimed.reason)
    expect(viewOf(claimed.job, 59_999).deadline).toEqual({ atMs: 60_000, passed: false, undone: [] })
    // Frames 3-4 are still rendering under a lease granted before the deadline; 5-6 will never be leased.
    expect(viewOf(claimed.job, 60_000).deadline).toEqual({ atMs: 60_000, passed: true, undone: [3, 4, 5, 6] })
  })

  it('carries the timeout alerts and the timing analysis', () => {
    const claimed = claimTask({ ...newJob(2, 1), timeoutAlertS: 30 }, W1, 'l1', 100_000, 0)
    if (isRefusal(claimed)) throw new Error(claimed.reason)
    const alerted = raiseAlerts(claimed.job, 31_000)!.job
    const view = viewOf(alerted, 40_000)
    expect(view.timeoutAlertS).toBe(30)
    expect(view.alerts).toMatchObject([{ task: 0, worker: W1, ms: 40_000, state: 'running', alertedMs: 31_000 }])
    expect(view.timing.long).toMatchObject([{ task: 0, worker: W1, overAlert: true }])
  })
})
