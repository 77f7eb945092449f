// A persistent map for the ledger's states: every version reads as a whole
// map, yet writing a version costs only the entries it writes, not a copy
// of the map (a transaction writes a handful of entries; a chain holds
// thousands of accounts). Only one version holds the real Map at a time;
// each other version holds the entries it differs by from a neighbour and
// a link to it. Reading a version that does not hold the Map first moves
// the Map there ("rerooting"), undoing and redoing the entries between:
// reading the newest state costs nothing more, reading an older one (a
// test comparing two states, a block that failed to persist) costs the
// entries written since. Iterating copies the Map first, so a read of
// another version inside a loop cannot change what the loop sees.

/** A neighbour's entries as this version has them; undefined: absent here. */
interface Diff<V> {
  next: VersionedMap<V>
  entries: [string, V | undefined][]
}

export class VersionedMap<V> implements ReadonlyMap<string, V> {
  #data: Map<string, V> | Diff<V>

  private constructor(data: Map<string, V>) {
    this.#data = data
  }

  /** The map as a VersionedMap: itself when it is one, else a copy (once). */
  static of<V>(from: ReadonlyMap<string, V>): VersionedMap<V> {
    return from instanceof VersionedMap ? from : new VersionedMap(new Map(from))
  }

  /** A new version with `writes` set; this version still reads as before. Values are never undefined. */
  with(writes: ReadonlyMap<string, V>): VersionedMap<V> {
    if (writes.size === 0) return this
    const map = this.#current()
    const undo: [string, V | undefined][] = []
    for (const [key, value] of writes) {
      undo.push([key, map.get(key)])
      map.set(key, value)
    }
    const next = new VersionedMap(map)
    this.#data = { next, entries: undo }
    return next
  }

  /** Moves the Map to this version and returns it. */
  #current(): Map<string, V> {
    if (this.#data instanceof Map) return this.#data
    const path: VersionedMap<V>[] = []
    let at: VersionedMap<V> = this
    while (!(at.#data instanceof Map)) {
      path.push(at)
      at = at.#data.next
    }
    const map = at.#data
    // From the version next to the Map's holder back to this one: each takes the Map, its neighbour the inverse entries.
    for (let i = path.length - 1; i >= 0; i--) {
      const version = path[i]
      const diff = version.#data as Diff<V>
      const redo: [string, V | undefined][] = []
      for (const [key, value] of diff.entries) {
        redo.push([key, map.get(key)])
        if (value === undefined) map.delete(key)
        else map.set(key, value)
      }
      diff.next.#data = { next: version, entries: redo }
      version.#data = map
    }
    return map
  }

  get size(): number {
    return this.#current().size
  }

  get(key: string): V | undefined {
    return this.#current().get(key)
  }

  has(key: string): boolean {
    return this.#current().has(key)
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [key, value] of this.entries()) fn(value, key, this)
  }

  entries(): MapIterator<[string, V]> {
    return new Map(this.#current()).entries()
  }

  keys(): MapIterator<string> {
    return new Map(this.#current()).keys()
  }

  values(): MapIterator<V> {
    return new Map(this.#current()).values()
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries()
  }
}
