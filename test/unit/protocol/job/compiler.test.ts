import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileJob, taskAt, taskCount } from '../../../../protocol/job/compiler.ts'

describe('compileJob', () => {
  it('chunks frames, the last task shorter', () => {
    expect(compileJob({ frameStart: 1, frameEnd: 12, framesPerTask: 5 })).toEqual([
      { index: 0, frameStart: 1, frameEnd: 5 },
      { index: 1, frameStart: 6, frameEnd: 10 },
      { index: 2, frameStart: 11, frameEnd: 12 }
    ])
  })

  it('divides evenly when it can', () => {
    const tasks = compileJob({ frameStart: 0, frameEnd: 9, framesPerTask: 5 })
    expect(tasks.map((t) => t.frameEnd - t.frameStart + 1)).toEqual([5, 5])
  })

  it('a single frame is one task', () => {
    expect(compileJob({ frameStart: 7, frameEnd: 7, framesPerTask: 10 })).toEqual([{ index: 0, frameStart: 7, frameEnd: 7 }])
  })

  it('covers every frame exactly once, in order, and agrees with taskAt / taskCount', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(300), fc.integer({ min: 1, max: 50 }), (frameStart, length, framesPerTask) => {
        const layout = { frameStart, frameEnd: frameStart + length, framesPerTask }
        const tasks = compileJob(layout)
        expect(tasks).toHaveLength(taskCount(layout))
        const frames = tasks.flatMap((t) => Array.from({ length: t.frameEnd - t.frameStart + 1 }, (_, i) => t.frameStart + i))
        expect(frames).toEqual(Array.from({ length: length + 1 }, (_, i) => frameStart + i))
        tasks.forEach((t, i) => {
          expect(t.index).toBe(i)
          expect(taskAt(layout, i)).toEqual(t)
          expect(t.frameEnd - t.frameStart + 1).toBeLessThanOrEqual(framesPerTask)
        })
        expect(taskAt(layout, tasks.length)).toBeUndefined()
      })
    )
  })
})
