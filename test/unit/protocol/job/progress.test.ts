import { describe, expect, it } from 'vitest'
import { compileJob } from '../../../../protocol/job/compiler.ts'
import { frameStatusOf, summariseProgress } from '../../../../protocol/job/progress.ts'
import { newTaskState, transition } from '../../../../protocol/task/state-machine.ts'

describe('summariseProgress', () => {
  it('buckets every frame by its task state', () => {
    const [t0, t1, t2, t3] = compileJob({ frameStart: 1, frameEnd: 7, framesPerTask: 2 }).map(newTaskState)
    const leased = transition(t1!, { type: 'lease', worker: 'w', leaseId: 'l', expiresMs: 10 })
    const verified = transition(transition(transition(t2!, { type: 'lease', worker: 'w', leaseId: 'l2', expiresMs: 10 }), { type: 'commit', leaseId: 'l2', root: 'r' }), {
      type: 'verify',
      accepted: true
    })
    const failed = transition(transition(t3!, { type: 'lease', worker: 'w', leaseId: 'l3', expiresMs: 10 }), { type: 'fail', reason: 'crash' })
    const p = summariseProgress([verified, failed, t0!, leased])
    expect(p.frames.map((f) => f.frame)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(p.frames.map((f) => f.status)).toEqual(['enqueued', 'enqueued', 'processing', 'processing', 'succeeded', 'succeeded', 'failed'])
    expect(p.frameCounts).toEqual({ enqueued: 2, processing: 2, succeeded: 2, failed: 1, total: 7 })
    expect(p.taskCounts).toMatchObject({ enqueued: 1, leased: 1, verified: 1, failed: 1, total: 4 })
    expect(p.done).toBe(false)
    expect(p.fraction).toBeCloseTo(2 / 7)
  })

  it('is done when every task is verified or cancelled', () => {
    const [a, b] = compileJob({ frameStart: 0, frameEnd: 1, framesPerTask: 1 }).map(newTaskState)
    const verified = transition(transition(transition(a!, { type: 'lease', worker: 'w', leaseId: 'l', expiresMs: 1 }), { type: 'commit', leaseId: 'l', root: 'r' }), {
      type: 'verify',
      accepted: true
    })
    const p = summariseProgress([verified, transition(b!, { type: 'cancel' })])
    expect(p.done).toBe(true)
    expect(p.fraction).toBe(0.5)
    expect(summariseProgress([]).fraction).toBe(0)
  })
})

describe('frameStatusOf', () => {
  it('shows a task back in the queue after a failure as failed until it is leased again', () => {
    const [t] = compileJob({ frameStart: 0, frameEnd: 0, framesPerTask: 1 }).map(newTaskState)
    const failed = transition(transition(t!, { type: 'lease', worker: 'w', leaseId: 'l', expiresMs: 1 }), { type: 'fail', reason: 'crash' })
    const requeued = transition(failed, { type: 'requeue' })
    expect(frameStatusOf(t!)).toBe('enqueued')
    expect(frameStatusOf(requeued)).toBe('failed')
    expect(frameStatusOf(transition(requeued, { type: 'lease', worker: 'v', leaseId: 'm', expiresMs: 2 }))).toBe('processing')
  })
})
