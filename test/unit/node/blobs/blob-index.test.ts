// The blob index's memory: what the store wrote or read lately is not read
// again, an entry keeps its first createdMs, a read overtaken by a write is
// not remembered, the memory is bounded, and after load() an id it does not
// remember has no entry, for as long as nothing had to be forgotten.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BlobIndex, type BlobIndexDb, type BlobIndexOp } from '../../../../node/blobs/blob-index.ts'
import { LocalBlobStore } from '../../../../node/blobs/index.ts'
import { silentLogger } from '../../../../node/log.ts'

const idOf = (n: number) => createHash('sha256').update(String(n)).digest('hex')

/** A LevelDB stand-in that counts its calls (puts and dels one per entry, batched or not); `hold` makes the next get wait until released, `holdWrites` every write. */
class CountingDb implements BlobIndexDb {
  readonly map = new Map<string, string>()
  gets = 0
  puts = 0
  dels = 0
  batches: BlobIndexOp[][] = []
  failNextBatch = false
  private held?: { release: () => void; waiting: Promise<void> }
  private writesHeld?: Promise<void>

  holdWrites(): () => void {
    let release!: () => void
    this.writesHeld = new Promise<void>((resolve) => (release = resolve))
    return () => {
      this.writesHeld = undefined
      release()
    }
  }

  hold(): () => void {
    let release!: () => void
    const waiting = new Promise<void>((resolve) => (release = resolve))
    this.held = { release, waiting }
    return release
  }

  async get(key: string) {
    this.gets++
    const value = this.map.get(key)
    const held = this.held
    this.held = undefined
    if (held !== undefined) await held.waiting
    return value
  }

  async put(key: string, value: string) {
    this.puts++
    this.map.set(key, value)
  }

  async del(key: string) {
    this.dels++
    this.map.delete(key)
  }

  async batch(ops: BlobIndexOp[]) {
    this.batches.push(ops)
    await this.writesHeld
    if (this.failNextBatch) {
      this.failNextBatch = false
      throw new Error('disk full')
    }
    for (const op of ops) await (op.type === 'put' ? this.put(op.key, op.value) : this.del(op.key))
  }

  async *keys() {
    yield* this.map.keys()
  }
}

describe('BlobIndex', () => {
  it('writes an entry once, keeping the first createdMs, and answers from memory afterwards', async () => {
    const db = new CountingDb()
    let now = 1000
    const index = new BlobIndex(db, () => now, 16)
    await index.ensure(idOf(1), 10)
    now = 2000
    await index.ensure(idOf(1), 10)
    expect(await index.has(idOf(1))).toBe(true)
    expect(JSON.parse(db.map.get(idOf(1))!)).toEqual({ size: 10, createdMs: 1000 })
    expect({ gets: db.gets, puts: db.puts }).toEqual({ gets: 1, puts: 1 })
  })

  it('an entry written by an earlier store is read once and kept; an unreadable one counts as none', async () => {
    const db = new CountingDb()
    db.map.set(idOf(1), JSON.stringify({ size: 3, createdMs: 5 }))
    db.map.set(idOf(2), 'not json')
    const index = new BlobIndex(db, () => 9, 16)
    await index.ensure(idOf(1), 3)
    await index.ensure(idOf(2), 4)
    expect(JSON.parse(db.map.get(idOf(1))!).createdMs).toBe(5)
    expect(JSON.parse(db.map.get(idOf(2))!)).toEqual({ size: 4, createdMs: 9 })
    expect(await index.has(idOf(1))).toBe(true)
    expect(db.gets).toBe(2)
  })

  it('drop deletes an entry that exists, and costs nothing for one known to be absent', async () => {
    const db = new CountingDb()
    const index = new BlobIndex(db, () => 1, 16)
    await index.ensure(idOf(1), 1)
    await index.drop(idOf(1))
    expect(db.map.has(idOf(1))).toBe(false)
    await index.drop(idOf(1))
    await index.drop(idOf(2))
    await index.drop(idOf(2))
    expect({ gets: db.gets, dels: db.dels }).toEqual({ gets: 2, dels: 1 })
    // Absence is remembered too: the next ensure writes without reading.
    await index.ensure(idOf(2), 2)
    expect({ gets: db.gets, puts: db.puts }).toEqual({ gets: 2, puts: 2 })
  })

  it('a read overtaken by a write is not remembered; concurrent reads of one id share one get', async () => {
    const db = new CountingDb()
    db.map.set(idOf(1), JSON.stringify({ size: 1, createdMs: 1 }))
    const index = new BlobIndex(db, () => 1, 16)
    const release = db.hold()
    const reading = index.has(idOf(1))
    const again = index.has(idOf(1))
    await index.del(idOf(1))
    release()
    // What the read saw (the entry, before the delete) is returned, not remembered.
    expect(await reading).toBe(true)
    expect(await again).toBe(true)
    expect(await index.has(idOf(1))).toBe(false)
    expect(db.gets).toBe(1)
  })

  it('writes asked for while one is written go out as one batch, in order, each caller resolved once its own entry is written', async () => {
    const db = new CountingDb()
    const index = new BlobIndex(db, () => 1, 16)
    await index.load()
    const release = db.holdWrites()
    const first = index.ensure(idOf(1), 1)
    await new Promise((resolve) => setImmediate(resolve))
    let laterDone = false
    const later = Promise.all([index.del(idOf(1)), index.ensure(idOf(2), 2), index.ensure(idOf(3), 3)]).then(() => (laterDone = true))
    await new Promise((resolve) => setImmediate(resolve))
    // Only the first write has started; the rest wait for it, unwritten.
    expect(laterDone).toBe(false)
    expect(db.batches.map((ops) => ops.map((op) => `${op.type} ${op.key.slice(0, 4)}`))).toEqual([[`put ${idOf(1).slice(0, 4)}`]])
    expect(db.map.size).toBe(0)
    release()
    await first
    await later
    expect(laterDone).toBe(true)
    expect(db.batches.map((ops) => ops.map((op) => `${op.type} ${op.key.slice(0, 4)}`))).toEqual([
      [`put ${idOf(1).slice(0, 4)}`],
      [`del ${idOf(1).slice(0, 4)}`, `put ${idOf(2).slice(0, 4)}`, `put ${idOf(3).slice(0, 4)}`]
    ])
    expect([...db.map.keys()].sort()).toEqual([idOf(2), idOf(3)].sort())
    expect(await index.has(idOf(1))).toBe(false)
  })

  it('a failed batch fails its callers and is not remembered; the next write goes out on its own', async () => {
    const db = new CountingDb()
    const index = new BlobIndex(db, () => 1, 16)
    await index.load()
    const release = db.holdWrites()
    const first = index.ensure(idOf(1), 1)
    db.failNextBatch = true
    release()
    await expect(first).rejects.toThrow('disk full')
    expect(await index.has(idOf(1))).toBe(false)
    await index.ensure(idOf(2), 2)
    expect(db.map.has(idOf(2))).toBe(true)
    expect(db.batches).toHaveLength(2)
  })

  it('remembers at most max entries, and nothing after forgetAll', async () => {
    const db = new CountingDb()
    const index = new BlobIndex(db, () => 1, 2)
    for (const n of [1, 2, 3]) await index.ensure(idOf(n), n)
    const before = db.gets
    expect(await index.has(idOf(3))).toBe(true)
    expect(await index.has(idOf(2))).toBe(true)
    expect(db.gets).toBe(before)
    expect(await index.has(idOf(1))).toBe(true)
    expect(db.gets).toBe(before + 1)
    index.forgetAll()
    expect(await index.has(idOf(1))).toBe(true)
    expect(db.gets).toBe(before + 2)
  })
})

describe('BlobIndex.load', () => {
  it('after loading every key, a new id costs no read, and absences take no room', async () => {
    const db = new CountingDb()
    db.map.set(idOf(1), JSON.stringify({ size: 1, createdMs: 1 }))
    const index = new BlobIndex(db, () => 7, 2)
    await index.load()
    expect(await index.has(idOf(1))).toBe(true)
    for (let n = 2; n < 10; n++) {
      expect(await index.has(idOf(n))).toBe(false)
      await index.drop(idOf(n))
    }
    await index.ensure(idOf(2), 2)
    expect(JSON.parse(db.map.get(idOf(2))!)).toEqual({ size: 2, createdMs: 7 })
    await index.del(idOf(1))
    expect(await index.has(idOf(1))).toBe(false)
    expect({ gets: db.gets, puts: db.puts, dels: db.dels }).toEqual({ gets: 0, puts: 1, dels: 1 })
  })

  it('an index with more keys than fit is read on demand', async () => {
    const db = new CountingDb()
    for (const n of [1, 2, 3]) db.map.set(idOf(n), JSON.stringify({ size: n, createdMs: 1 }))
    const index = new BlobIndex(db, () => 1, 2)
    await index.load()
    expect(await index.has(idOf(3))).toBe(true)
    expect(await index.has(idOf(4))).toBe(false)
    expect(db.gets).toBe(2)
  })

  it('once an entry had to be forgotten for room, an id not remembered is read again', async () => {
    const db = new CountingDb()
    const index = new BlobIndex(db, () => 1, 2)
    await index.load()
    for (const n of [1, 2, 3]) await index.ensure(idOf(n), n)
    expect(db.gets).toBe(0)
    // idOf(1) was forgotten: its entry is found by reading, not taken as absent.
    expect(await index.has(idOf(1))).toBe(true)
    expect(await index.has(idOf(4))).toBe(false)
    expect(db.gets).toBe(2)
  })
})

describe('LocalBlobStore index reads', () => {
  let dir: string | undefined

  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('a started store reads no entry: its index is in memory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-index-reads-'))
    const db = new CountingDb()
    const first = new LocalBlobStore({ dir, index: db, logger: silentLogger })
    await first.start()
    const kept = await first.put(randomBytes(100), { durable: false })
    const store = new LocalBlobStore({ dir, index: db, logger: silentLogger })
    await store.start()
    expect(await store.stat(kept.id)).toEqual(kept)
    // As a fetch does: look, find nothing, store, read back.
    const bytes = randomBytes(100)
    const id = createHash('sha256').update(bytes).digest('hex')
    expect(await store.stat(id)).toBeUndefined()
    await store.put(bytes, { durable: false })
    expect(await store.stat(id)).toEqual({ id, size: 100 })
    expect({ gets: db.gets, dels: db.dels }).toEqual({ gets: 0, dels: 0 })
    // A file removed behind the store's back: its entry goes at the next stat.
    await rm(join(dir, 'blobs', id.slice(0, 2), id))
    expect(await store.stat(id)).toBeUndefined()
    expect(db.map.has(id)).toBe(false)
  })

  it('a store that was not started reads an entry once: a stat of a blob it stored, or a put of one it looked for, reads none', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-index-reads-'))
    const db = new CountingDb()
    const store = new LocalBlobStore({ dir, index: db, logger: silentLogger })
    const stored = await store.put(randomBytes(100), { durable: false })
    expect(db.gets).toBe(1)
    expect(await store.stat(stored.id)).toEqual(stored)
    const bytes = randomBytes(100)
    const id = createHash('sha256').update(bytes).digest('hex')
    expect(await store.stat(id)).toBeUndefined()
    await store.put(bytes, { durable: false })
    expect(await store.stat(id)).toEqual({ id, size: 100 })
    expect({ gets: db.gets, dels: db.dels }).toEqual({ gets: 2, dels: 0 })
  })
})
