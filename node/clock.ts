// Time as a port: what the roles need of a clock (the time, timers, a
// sleep, a deadline signal). A node runs on systemClock; the simulator
// (testnet/sim/virtual-clock.ts) implements the same interface on virtual
// time, so role code written against Clock runs unchanged in both.
//
// Timers are unref'd unless asked otherwise: a node is kept alive by its
// sockets and its API server, not by a pending retry.

export interface ClockTimer {
  cancel(): void
}

export interface TimerOptions {
  /** Keep the process alive while the timer is pending (system clock only). */
  ref?: boolean
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  setTimeout(callback: () => void, ms: number, options?: TimerOptions): ClockTimer
  setInterval(callback: () => void, ms: number, options?: TimerOptions): ClockTimer
  /** Resolves `ms` from now; rejects with the signal's reason if it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A signal that aborts with a TimeoutError `ms` from now. */
  timeoutSignal(ms: number): AbortSignal
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms, options) {
    return systemTimer(setTimeout(callback, ms), options)
  },
  setInterval(callback, ms, options) {
    return systemTimer(setInterval(callback, ms), options)
  },
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
  timeoutSignal: (ms) => AbortSignal.timeout(ms)
}

/** A sleep on any clock's timers: resolves `ms` from now, rejects with the signal's reason if it aborts first. */
export function sleepOn(clock: Pick<Clock, 'setTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      timer.cancel()
      reject(signal?.reason)
    }
    // Ref'd: a sleep is awaited, so the process has something to wait for.
    const timer = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      ms,
      { ref: true }
    )
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function systemTimer(timer: NodeJS.Timeout, options: TimerOptions | undefined): ClockTimer {
  if (options?.ref !== true) timer.unref()
  return { cancel: () => clearTimeout(timer) }
}

/** The error a timeoutSignal aborts with, as AbortSignal.timeout's. */
export function timeoutError(ms: number): DOMException {
  return new DOMException(`The operation was aborted due to timeout after ${ms} ms`, 'TimeoutError')
}
