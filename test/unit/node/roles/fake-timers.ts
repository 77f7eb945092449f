// Retry timers for unit tests: nothing fires until the test says so.
import { expect } from 'vitest'
import type { RetryTimers } from '../../../../node/roles/ledger-account.ts'

/** Timers that fire only when the test says so. */
export function fakeTimers() {
  const pending = new Map<number, { fn: () => Promise<void>; ms: number }>()
  let next = 0
  const timers: RetryTimers = {
    setTimeout(fn, ms) {
      pending.set(++next, { fn, ms })
      return next
    },
    clearTimeout(handle) {
      pending.delete(handle as number)
    }
  }
  return {
    timers,
    pending,
    delays: () => [...pending.values()].map((t) => t.ms),
    async fire() {
      expect(pending.size).toBe(1)
      const [[id, t]] = [...pending]
      pending.delete(id)
      await t.fn()
    }
  }
}
