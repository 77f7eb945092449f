// The system clock behind the Clock port: the same behaviour the simulator's
// virtual clock gives (testnet/sim/virtual-clock.test.ts), on real timers.
import { describe, expect, it } from 'vitest'
import { systemClock } from '../../../node/clock.ts'

describe('systemClock', () => {
  it('fires a timeout, repeats an interval until cancelled, and a cancelled timeout never fires', async () => {
    const order: string[] = []
    systemClock.setTimeout(() => order.push('never'), 5).cancel()
    const interval = systemClock.setInterval(() => {
      order.push('tick')
      if (order.filter((x) => x === 'tick').length === 2) interval.cancel()
    }, 5)
    systemClock.setTimeout(() => order.push('timeout'), 1, { ref: true })
    await systemClock.sleep(60)
    expect(order.filter((x) => x === 'timeout')).toEqual(['timeout'])
    expect(order.filter((x) => x === 'tick')).toEqual(['tick', 'tick'])
    expect(order).not.toContain('never')
  })

  it('an aborted sleep rejects with the reason; a timeout signal aborts with a TimeoutError', async () => {
    const controller = new AbortController()
    const sleeping = systemClock.sleep(10_000, controller.signal)
    controller.abort(new Error('stopped'))
    await expect(sleeping).rejects.toThrow('stopped')
    await expect(systemClock.sleep(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already')
    const signal = systemClock.timeoutSignal(5)
    await new Promise((resolve) => signal.addEventListener('abort', resolve))
    expect((signal.reason as DOMException).name).toBe('TimeoutError')
  })
})
