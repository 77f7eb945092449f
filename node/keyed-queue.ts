// Work that must not overlap per key: `run(key, fn)` starts `fn` once every
// earlier call with the same key has settled, whatever its outcome. A key
// is forgotten when its last call settles, so memory follows what waits.

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key)
    const result = before === undefined ? fn() : before.then(fn, fn)
    const tail = result.then(
      () => undefined,
      () => undefined
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }

  /** Keys with a call running or waiting. */
  get size(): number {
    return this.tails.size
  }
}
