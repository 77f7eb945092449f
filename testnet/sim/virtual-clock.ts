// The simulator's clock: a discrete-event scheduler on virtual time. Code
// under simulation asks it for the time and for timers, as a node asks the
// system; run() fires the timers in order of time, then of scheduling
// (so the same calls give the same order every run), and between two
// timers lets every promise chain the last one started settle, so time
// moves only once the simulated world is waiting on a timer again.
//
// It implements node/clock.ts's Clock, the port role code takes its time
// and timers from. Nothing here reads the wall clock but run()'s own report
// of how fast it went (simulated seconds per wall second).
import { type Clock, type ClockTimer, sleepOn, timeoutError } from '../../node/clock.ts'
import { MinHeap } from './min-heap.ts'

/** Timers the simulation may hold at once: a runaway loop that schedules without end is stopped, not left to fill memory. */
export const MAX_PENDING_TIMERS = 10_000_000

interface Timer {
  id: number
  atMs: number
  callback: () => void
}

export interface RunOptions {
  /** Stop before firing a timer due after this time (it stays pending). */
  untilMs?: number
  /** Stop after this many timers. */
  maxEvents?: number
  /** Stop as soon as this holds, checked after each timer (the simulated world says it is done). */
  done?: () => boolean
}

export interface RunReport {
  events: number
  /** Virtual time when run() returned. */
  nowMs: number
  /** Why it returned: nothing left to fire, the time limit, or the event limit. */
  stopped: 'idle' | 'until' | 'maxEvents' | 'done'
  wallMs: number
}

export class VirtualClock implements Clock {
  private time = 0
  private nextId = 1
  private readonly heap = new MinHeap<Timer>(before)
  /** Ids of timers neither fired nor cleared. */
  private readonly live = new Set<number>()

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs) || startMs < 0) throw new RangeError(`clock start must be a finite time >= 0, got ${startMs}`)
    this.time = startMs
  }

  now(): number {
    return this.time
  }

  get pending(): number {
    return this.live.size
  }

  /** Calls `callback` `ms` from now, rounded up to a whole ms as Date.now() is (0 or less: at the current time, after what is already due then). */
  setTimeout(callback: () => void, ms: number): ClockTimer {
    if (!Number.isFinite(ms)) throw new RangeError(`timer delay must be finite, got ${ms}`)
    if (this.live.size >= MAX_PENDING_TIMERS) throw new RangeError(`more than ${MAX_PENDING_TIMERS} timers pending`)
    const timer: Timer = { id: this.nextId++, atMs: this.time + Math.ceil(Math.max(0, ms)), callback }
    this.heap.push(timer)
    this.live.add(timer.id)
    // A cancelled timer stays in the heap and is skipped when it comes up.
    return { cancel: () => this.live.delete(timer.id) }
  }

  /** Calls `callback` every `ms` (at least 1) until cancelled, the first time `ms` from now. */
  setInterval(callback: () => void, ms: number): ClockTimer {
    const period = Math.max(1, ms)
    let next: ClockTimer
    const tick = () => {
      next = this.setTimeout(tick, period)
      callback()
    }
    next = this.setTimeout(tick, period)
    return { cancel: () => next.cancel() }
  }

  timeoutSignal(ms: number): AbortSignal {
    const controller = new AbortController()
    this.setTimeout(() => controller.abort(timeoutError(ms)), ms)
    return controller.signal
  }

  /** Resolves `ms` from now; rejects with the signal's reason if it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal)
  }

  /** Fires due timers in order until none is left or a limit is reached. */
  async run(options: RunOptions = {}): Promise<RunReport> {
    const started = performance.now()
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY
    let events = 0
    let stopped: RunReport['stopped'] = 'idle'
    await settle()
    for (;;) {
      // Done first: a world that is done stops where it is, however far off its next timer is.
      if (options.done?.()) {
        stopped = 'done'
        break
      }
      const next = this.peekLive()
      if (next === undefined) break
      if (options.untilMs !== undefined && next.atMs > options.untilMs) {
        this.time = Math.max(this.time, options.untilMs)
        stopped = 'until'
        break
      }
      if (events >= maxEvents) {
        stopped = 'maxEvents'
        break
      }
      this.heap.pop()
      this.live.delete(next.id)
      this.time = next.atMs
      events++
      next.callback()
      await settle()
    }
    if (stopped === 'idle' && options.untilMs !== undefined) this.time = Math.max(this.time, options.untilMs)
    return { events, nowMs: this.time, stopped, wallMs: performance.now() - started }
  }

  private peekLive(): Timer | undefined {
    for (;;) {
      const top = this.heap.peek()
      if (top === undefined || this.live.has(top.id)) return top
      this.heap.pop()
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.id < b.id)
}

/**
 * Lets every promise chain started so far run to its next wait: a real
 * macrotask turn runs all microtasks first. Simulated code does no real
 * I/O, so nothing else is waiting in that turn.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
