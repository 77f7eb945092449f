// A map that keeps only its most recently updated entries: what the
// explorer remembers of gossip and of the ledger, so no number of jobs or
// workers the network shows can grow a node's memory past a fixed count.

export class RecentMap<K, V> {
  /** Insertion order is update order: the first key is the least recently updated. */
  private readonly entries = new Map<K, V>()
  readonly max: number

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`a RecentMap holds at least 1 entry, got ${max}`)
    this.max = max
  }

  get size(): number {
    return this.entries.size
  }

  get(key: K): V | undefined {
    return this.entries.get(key)
  }

  /**
   * Stores `merge(previous)` under `key` as the newest entry (one entry per
   * key however often it comes), then drops the least recently updated
   * entries past `max`.
   */
  update(key: K, merge: (previous: V | undefined) => V): V {
    const value = merge(this.entries.get(key))
    this.entries.delete(key)
    this.entries.set(key, value)
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K)
    return value
  }

  /** Changes an entry in place without making it newer; false when the key is not held. */
  patch(key: K, change: (value: V) => V): boolean {
    const value = this.entries.get(key)
    if (value === undefined) return false
    this.entries.set(key, change(value))
    return true
  }

  /** Forgets the entry; false when the key is not held. */
  delete(key: K): boolean {
    return this.entries.delete(key)
  }

  /** Up to `limit` values, most recently updated first. */
  newest(limit = this.max): V[] {
    const out: V[] = []
    const values = [...this.entries.values()]
    for (let i = values.length - 1; i >= 0 && out.length < limit; i--) out.push(values[i]!)
    return out
  }
}
