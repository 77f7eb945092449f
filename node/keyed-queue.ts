// Work that must not overlap per key: `run(key, fn)` starts `fn` once every
// earlier call with the same key has settled, whatever its outcome. A key
// is forgotten when its last call settles, so memory follows what waits.

const settled = () => undefined

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  /** `signal` gives up waiting for the turn (the call rejects with its reason and `fn` never runs); a call already started runs on. */
  run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const before = this.tails.get(key)
    let started = false
    const go = (): Promise<T> => {
      if (signal?.aborted) return Promise.reject(signal.reason)
      started = true
      return fn()
    }
    const queued = before === undefined ? go() : before.then(go, go)
    const tail = queued.then(settled, settled)
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    if (signal === undefined || started) return queued
    return new Promise<T>((resolve, reject) => {
      const giveUp = () => {
        if (!started) reject(signal.reason)
      }
      signal.addEventListener('abort', giveUp, { once: true })
      queued.then(resolve, reject).finally(() => signal.removeEventListener('abort', giveUp))
    })
  }

  /** Keys with a call running or waiting. */
  get size(): number {
    return this.tails.size
  }
}
