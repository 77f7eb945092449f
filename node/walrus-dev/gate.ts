// The publisher's load shedding, as a Walrus daemon does it: a few requests
// run at once, a few more wait their turn, and the rest get 429 at once.

export class RequestGate {
  private readonly maxActive: number
  private readonly maxQueued: number
  private active = 0
  private readonly queue: (() => void)[] = []

  constructor(maxActive: number, maxQueued: number) {
    this.maxActive = maxActive
    this.maxQueued = maxQueued
  }

  /** Resolves to a release function once the request may run; undefined when the gate is full. */
  enter(): Promise<() => void> | undefined {
    if (this.active < this.maxActive) {
      this.active += 1
      return Promise.resolve(this.release())
    }
    if (this.queue.length >= this.maxQueued) return undefined
    return new Promise((resolve) => this.queue.push(() => resolve(this.release())))
  }

  private release(): () => void {
    let done = false
    return () => {
      if (done) return
      done = true
      const next = this.queue.shift()
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) next()
      else this.active -= 1
    }
  }
}
