// Open streams kept between requests, per key (a peer, or a peer and a
// protocol): the most recently used is handed out first, at most `maxPerKey`
// wait, each for `idleMs`. What a stream is and how it ends belong to the
// caller (RpcSessions, BlobSessions); the pool only keeps the lists, the
// timers and the bound.

/** stale: kept, but no longer usable when taken; unusable: not usable when offered; full: the key's list was full. */
export type IdleEndReason = 'stale' | 'unusable' | 'expired' | 'full' | 'closed'

export interface IdlePoolInit<T> {
  idleMs: number
  maxPerKey: number
  /** Whether an item can still carry a request. */
  usable(item: T): boolean
  /** Ends an item the pool gives up on. */
  end(item: T, why: IdleEndReason): void
  /** Called whenever an item leaves the pool (taken, removed or ended). */
  left?(item: T): void
}

interface Entry<T> {
  item: T
  timer: NodeJS.Timeout
}

export class IdlePool<T> {
  private readonly init: IdlePoolInit<T>
  private readonly lists = new Map<string, Entry<T>[]>()

  constructor(init: IdlePoolInit<T>) {
    this.init = init
  }

  /** Items waiting, all keys together. */
  get size(): number {
    let n = 0
    for (const list of this.lists.values()) n += list.length
    return n
  }

  /** The most recently kept item under `key` that is still usable, out of the pool; the unusable ones met on the way are ended. */
  take(key: string): T | undefined {
    const list = this.lists.get(key)
    while (list !== undefined && list.length > 0) {
      const { item, timer } = list.pop()!
      clearTimeout(timer)
      this.init.left?.(item)
      if (this.init.usable(item)) {
        if (list.length === 0) this.lists.delete(key)
        return item
      }
      this.init.end(item, 'stale')
    }
    this.lists.delete(key)
    return undefined
  }

  /** Keeps `item` under `key` for the next request; true when kept, else it was ended (unusable, or the key's list is full). */
  keep(key: string, item: T): boolean {
    const list = this.lists.get(key) ?? []
    const usable = this.init.usable(item)
    if (!usable || list.length >= this.init.maxPerKey) {
      this.init.end(item, usable ? 'full' : 'unusable')
      return false
    }
    const entry: Entry<T> = { item, timer: setTimeout(() => this.remove(key, item) && this.init.end(item, 'expired'), this.init.idleMs) }
    entry.timer.unref()
    list.push(entry)
    this.lists.set(key, list)
    return true
  }

  /** Takes `item` out without ending it; false when it was not waiting here. */
  remove(key: string, item: T): boolean {
    const list = this.lists.get(key)
    const at = list?.findIndex((e) => e.item === item) ?? -1
    if (at < 0) return false
    clearTimeout(list![at]!.timer)
    list!.splice(at, 1)
    if (list!.length === 0) this.lists.delete(key)
    this.init.left?.(item)
    return true
  }

  /** Ends every waiting item (the owner is stopping); items in use are not the pool's. */
  close(): void {
    for (const [key, list] of [...this.lists]) for (const { item } of [...list]) if (this.remove(key, item)) this.init.end(item, 'closed')
  }
}
