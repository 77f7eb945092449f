import { describe, expect, it } from 'vitest'
import { viewOf } from '../../../../../node/roles/creator/job-view.ts'
import { claimTask, commitResult, isRefusal, rejectResult } from '../../../../../node/roles/creator/scheduler.ts'
import { summariseProgress } from '../../../../../protocol/index.ts'
import { newJob, W1, W2, withVerifiedTask } from './fixtures.ts'

describe('job view', () => {
  it('reports the protocol progress numbers, frame by frame', () => {
    const verified = withVerifiedTask(newJob(8, 2), W1)
    const claimed = claimTask(verified, W2, 'l2', 100)
    if (isRefusal(claimed)) throw new Error(claimed.reason)
    const committed = commitResult(claimed.job, W2, 1, 'l2', 'ee'.repeat(32), 50)
    if (isRefusal(committed)) throw new Error(committed.reason)
    const requeued = rejectResult(committed.job, 1, 'ee'.repeat(32), 'frame 3 did not decode')
    const view = viewOf(requeued)
    const progress = summariseProgress(requeued.tasks)
    expect(view.counts).toEqual(progress.frameCounts)
    expect(view.frames.map((f) => f.status)).toEqual(progress.frames.map((f) => f.status))
    // Frames 1-2 accepted; frames 3-4 failed a check and wait for a retry (shown as failed); 5-8 queued.
    expect(view.counts).toMatchObject({ succeeded: 2, failed: 2, enqueued: 4, processing: 0, total: 8 })
    expect(view.frames[0]).toMatchObject({ frame: 1, status: 'succeeded', worker: W1, attempts: 1 })
    expect(view.frames[2]).toMatchObject({ frame: 3, status: 'failed', attempts: 1 })
    expect(view.workers.find((w) => w.publicKey === W1)).toMatchObject({ frames: 2, banned: false })
  })
})
