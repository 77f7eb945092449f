// The blob store's LevelDB index, with what this store last read or wrote
// of each recent entry kept in memory: a put of a blob it just looked for,
// a stat of a blob it just stored, skip the database round trip (a
// thread-pool job and its callback each). Only this store writes its index,
// so what it remembers stays true; a forgotten entry is read again.
//
// load() (at start) reads every key. While all of them fit in memory and
// none was forgotten since, an id not remembered has no entry, and a put of
// a new blob (a rendered frame) writes its entry without looking first.
//
// Writes are group-committed: those asked for while one is being written go
// out together as one LevelDB batch when it is done (a worker stores a
// task's frames at once, a creator fetches them at once). Each caller still
// resolves only once its own entry is written.

import { RecentMap } from '../net/recent-map.ts'
import type { BlobId } from './types.ts'

/**
 * The part of a LevelDB (sub)level the store uses, so the node can hand in
 * `db.sublevel<string, string>('blobs')` and share one database.
 */
export interface BlobIndexDb {
  get(key: string): Promise<string | undefined>
  put(key: string, value: string): Promise<void>
  del(key: string): Promise<void>
  /** Written together, in order: all or none. */
  batch(ops: BlobIndexOp[]): Promise<void>
  keys(): AsyncIterable<string>
}

export type BlobIndexOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string }

/** An index in a Map, for tools and tests that do not measure or keep the index. */
export function memoryBlobIndex(): BlobIndexDb & { map: Map<string, string> } {
  const map = new Map<string, string>()
  const apply = (op: BlobIndexOp) => (op.type === 'put' ? void map.set(op.key, op.value) : void map.delete(op.key))
  return {
    map,
    get: async (key) => map.get(key),
    put: async (key, value) => apply({ type: 'put', key, value }),
    del: async (key) => apply({ type: 'del', key }),
    batch: async (ops) => ops.forEach(apply),
    keys: async function* () {
      yield* map.keys()
    }
  }
}

export interface BlobIndexEntry {
  size: number
  createdMs: number
}

export class BlobIndex {
  private readonly db: BlobIndexDb
  private readonly now: () => number
  /** true: an entry exists; false: none does. Bounded: the oldest is forgotten first. */
  private known: RecentMap<BlobId, boolean>
  /** Reads in flight, shared by concurrent callers; a write meanwhile makes one stale (not remembered). */
  private readonly reads = new Map<BlobId, PendingRead>()
  /** Every entry is remembered (as true): one that is not has none. Absences are then not stored. */
  private complete = false
  /** Writes asked for while a batch is being written: the next batch. */
  private queued: QueuedOp[] = []
  private writing = false

  constructor(db: BlobIndexDb, now: () => number, max: number) {
    this.db = db
    this.now = now
    this.known = new RecentMap(max)
  }

  /** Whether the blob has an entry (an unreadable one counts as none). */
  async has(id: BlobId): Promise<boolean> {
    const known = this.known.get(id)
    if (known !== undefined) return known
    if (this.complete) return false
    const pending = this.reads.get(id)
    if (pending !== undefined) return pending.present
    const read: PendingRead = { stale: false, present: this.read(id).then((entry) => entry !== undefined) }
    this.reads.set(id, read)
    try {
      const present = await read.present
      if (!read.stale) this.remember(id, present)
      return present
    } finally {
      if (this.reads.get(id) === read) this.reads.delete(id)
    }
  }

  /** Writes an entry unless one exists: the first createdMs stays. */
  async ensure(id: BlobId, size: number): Promise<void> {
    if (await this.has(id)) return
    const entry: BlobIndexEntry = { size, createdMs: this.now() }
    await this.commit({ type: 'put', key: id, value: JSON.stringify(entry) })
    this.wrote(id, true)
  }

  /** Removes the entry if there is one; one known to be absent costs nothing. */
  async drop(id: BlobId): Promise<void> {
    if (await this.has(id)) await this.del(id)
  }

  /** Removes the entry, whatever this store remembers of it (remembered as gone once it is). */
  async del(id: BlobId): Promise<void> {
    await this.commit({ type: 'del', key: id })
    this.wrote(id, false)
  }

  /**
   * Remembers every key (start()): until one has to be forgotten for room,
   * an id not remembered has no entry. An index with more keys than fit is
   * read on demand instead.
   */
  async load(): Promise<void> {
    this.forgetAll()
    for await (const key of this.db.keys()) {
      if (this.known.size === this.known.max) {
        this.forgetAll()
        return
      }
      this.known.update(key, () => true)
    }
    this.complete = true
  }

  /** Forgets what it remembers. */
  forgetAll(): void {
    this.known = new RecentMap(this.known.max)
    this.complete = false
    for (const read of this.reads.values()) read.stale = true
    this.reads.clear()
  }

  keys(): AsyncIterable<string> {
    return this.db.keys()
  }

  /** Resolves once `op` is written: at once when nothing else is being written, else in the next batch. */
  private commit(op: BlobIndexOp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ op, resolve, reject })
      if (!this.writing) void this.writeQueued()
    })
  }

  /** Writes batch after batch while writes keep coming; each batch's callers hear its outcome. */
  private async writeQueued(): Promise<void> {
    this.writing = true
    while (this.queued.length > 0) {
      const batch = this.queued
      this.queued = []
      try {
        await this.db.batch(batch.map((queued) => queued.op))
        for (const queued of batch) queued.resolve()
      } catch (err) {
        for (const queued of batch) queued.reject(err)
      }
    }
    this.writing = false
  }

  private async read(id: BlobId): Promise<BlobIndexEntry | undefined> {
    const value = await this.db.get(id)
    if (value === undefined) return undefined
    try {
      return JSON.parse(value) as BlobIndexEntry
    } catch {
      return undefined
    }
  }

  private wrote(id: BlobId, present: boolean): void {
    const read = this.reads.get(id)
    if (read !== undefined) {
      read.stale = true
      this.reads.delete(id)
    }
    this.remember(id, present)
  }

  private remember(id: BlobId, present: boolean): void {
    if (this.complete && !present) {
      this.known.delete(id)
      return
    }
    // Full: the oldest entry goes, so not being remembered no longer means absent.
    if (this.known.size === this.known.max && this.known.get(id) === undefined) this.complete = false
    this.known.update(id, () => present)
  }
}

interface QueuedOp {
  op: BlobIndexOp
  resolve: () => void
  reject: (err: unknown) => void
}

interface PendingRead {
  present: Promise<boolean>
  stale: boolean
}
