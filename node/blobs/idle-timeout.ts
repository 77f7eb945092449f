// An abort signal that fires after a stretch without progress: a slow
// transfer is fine, a stalled one is not. Its timer is cleared as soon as
// the owner is done, so none outlives an exchange.

export class IdleTimeout {
  private readonly controller = new AbortController()
  private readonly ms: number
  private readonly reason: () => Error
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(ms: number, reason: () => Error) {
    this.ms = ms
    this.reason = reason
    this.touch()
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Progress: the clock starts again. */
  touch(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.controller.abort(this.reason()), this.ms)
  }

  clear(): void {
    clearTimeout(this.timer)
  }
}
