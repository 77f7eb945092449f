// The simulator's clock: timers fire in order of time, then of scheduling;
// promise chains settle before time moves; limits stop a run cleanly.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../../../testnet/sim/virtual-clock.ts'

describe('VirtualClock', () => {
  it('fires timers by time, then in the order they were set, and reads the time of each', async () => {
    const clock = new VirtualClock()
    const fired: string[] = []
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20)
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10)
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20)
    clock.setTimeout(() => fired.push(`z@${clock.now()}`), -5)
    const report = await clock.run()
    expect(fired).toEqual(['z@0', 'a@10', 'b@20', 'c@20'])
    expect(report).toMatchObject({ events: 4, nowMs: 20, stopped: 'idle' })
  })

  it('lets an async chain run to its next wait before time moves on', async () => {
    const clock = new VirtualClock()
    const seen: number[] = []
    const worker = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100)
        await Promise.resolve()
        seen.push(clock.now())
      }
    }
    void worker()
    clock.setTimeout(() => seen.push(-clock.now()), 150)
    await clock.run()
    expect(seen).toEqual([100, -150, 200, 300])
  })

  it('a cleared timer never fires; an aborted sleep rejects with the reason and leaves nothing pending', async () => {
    const clock = new VirtualClock()
    let fired = false
    clock.setTimeout(() => (fired = true), 5).cancel()
    const controller = new AbortController()
    const sleeping = clock.sleep(1_000, controller.signal).then(
      () => 'slept',
      (err: Error) => err.message
    )
    clock.setTimeout(() => controller.abort(new Error('stopped')), 10)
    const report = await clock.run()
    expect(await sleeping).toBe('stopped')
    expect(fired).toBe(false)
    expect(clock.pending).toBe(0)
    expect(report).toMatchObject({ events: 1, nowMs: 10 })
  })

  it('stops at a time limit or an event limit with the rest still pending', async () => {
    const clock = new VirtualClock()
    let ticks = 0
    const tick = () => {
      ticks++
      clock.setTimeout(tick, 1_000)
    }
    clock.setTimeout(tick, 0)
    expect(await clock.run({ untilMs: 5_500 })).toMatchObject({ events: 6, nowMs: 5_500, stopped: 'until' })
    expect(await clock.run({ maxEvents: 3 })).toMatchObject({ events: 3, nowMs: 8_000, stopped: 'maxEvents' })
    expect(ticks).toBe(9)
    expect(clock.pending).toBe(1)
  })

  it('a world that is done stops where it is, even with its next timer past the time limit', async () => {
    const clock = new VirtualClock()
    let done = false
    clock.setTimeout(() => (done = true), 10)
    clock.setTimeout(() => {}, 5_000)
    const report = await clock.run({ untilMs: 1_000, done: () => done })
    expect({ stopped: report.stopped, nowMs: report.nowMs, pending: clock.pending }).toEqual({ stopped: 'done', nowMs: 10, pending: 1 })
  })

  it('an interval repeats until cancelled, also from inside itself; a timeout signal aborts with a TimeoutError on virtual time', async () => {
    const clock = new VirtualClock(1_000)
    const ticks: number[] = []
    const interval = clock.setInterval(() => {
      ticks.push(clock.now())
      if (ticks.length === 3) interval.cancel()
    }, 250)
    const signal = clock.timeoutSignal(600)
    let abortedAt = -1
    signal.addEventListener('abort', () => (abortedAt = clock.now()))
    await clock.run()
    expect(ticks).toEqual([1_250, 1_500, 1_750])
    expect(abortedAt).toBe(1_600)
    expect((signal.reason as DOMException).name).toBe('TimeoutError')
    expect(clock.pending).toBe(0)
  })

  it('refuses a start or delay that is not a finite time', () => {
    expect(() => new VirtualClock(-1)).toThrow(/finite time >= 0/)
    expect(() => new VirtualClock().setTimeout(() => {}, Number.NaN)).toThrow(/must be finite/)
  })

  it('any set of timers fires sorted by (time, order set), whatever order they were set in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 60 }), async (delays) => {
        const clock = new VirtualClock()
        const fired: [number, number][] = []
        for (const [i, ms] of delays.entries()) clock.setTimeout(() => fired.push([clock.now(), i]), ms)
        await clock.run()
        const expected = delays.map((ms, i): [number, number] => [ms, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
        expect(fired).toEqual(expected)
      }),
      { numRuns: 50 }
    )
  })
})
