import { describe, expect, it } from 'vitest'
import { openDisputes } from '../../../../../node/roles/creator/disputes.ts'
import { acceptJob } from '../../../../../node/roles/creator/job-acceptance.ts'
import { cancelJob } from '../../../../../node/roles/creator/scheduler.ts'
import { newJob, W1, W2, withVerifiedTask } from './fixtures.ts'

describe('job acceptance', () => {
  it('signs a completed job off once, and refuses while tasks or a dispute are still open', () => {
    const half = withVerifiedTask(newJob(4, 2), W1)
    expect(acceptJob(half, 50)).toEqual({ refused: `job ${half.id} is not complete: 1 of 2 tasks still open` })
    expect(acceptJob(cancelJob(half), 50)).toMatchObject({ refused: expect.stringMatching(/was cancelled/) })

    const done = withVerifiedTask(half, W2)
    expect(done.status).toBe('completed')
    const disputed = { ...done, disputes: openDisputes(done, [3], 'too dark', 40) }
    expect(acceptJob(disputed, 50)).toEqual({ refused: `job ${done.id} has an open dispute on task 1: accept it once the dispute resolves` })
    const resolved = { ...disputed, disputes: disputed.disputes.map((d) => ({ ...d, outcome: 'dismissed' as const })) }

    const accepted = acceptJob(resolved, 50)
    expect(accepted).toEqual({ job: { ...resolved, acceptedMs: 50 } })
    // A retried accept keeps the first sign-off.
    if (!('job' in accepted)) throw new Error('not accepted')
    expect(acceptJob(accepted.job, 90)).toEqual({ job: accepted.job })
  })
})
