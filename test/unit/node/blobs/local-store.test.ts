import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BLOB_CHUNK_BYTES,
  BlobHashMismatchError,
  BlobNotFoundError,
  BlobTooLargeError,
  InvalidBlobIdError,
  LocalBlobStore,
  type BlobProgress
} from '../../../../node/blobs/index.ts'
import { silentLogger } from '../../../../node/log.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size)
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) parts.push(chunk)
  return Buffer.concat(parts)
}

describe('LocalBlobStore', () => {
  let dir: string
  let db: Level<string, string>
  let store: LocalBlobStore

  const index = () => db.sublevel<string, string>('blobs', { valueEncoding: 'utf8' })
  const tempFiles = async () => readdir(join(dir, 'blobs', 'tmp'))

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-blobs-'))
    db = new Level<string, string>(join(dir, 'db'))
    store = new LocalBlobStore({ dir, index: index(), logger: silentLogger, now: () => 1234 })
    await store.start()
  })

  afterEach(async () => {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('round-trips bytes; the id is the sha256 of the bytes', async () => {
    const bytes = randomBytes(200_000)
    const stat = await store.put(bytes)
    expect(stat).toEqual({ id: sha256(bytes), size: bytes.byteLength })
    expect(await store.has(stat.id)).toBe(true)
    expect(await store.stat(stat.id)).toEqual(stat)
    expect(Buffer.compare(await collect(store.get(stat.id)), bytes)).toBe(0)
    expect(JSON.parse((await index().get(stat.id))!)).toEqual({ size: bytes.byteLength, createdMs: 1234 })
    expect(await readFile(join(dir, 'blobs', stat.id.slice(0, 2), stat.id))).toEqual(bytes)
  })

  it('round-trips a stream and an empty blob', async () => {
    const bytes = randomBytes(300_001)
    const stat = await store.put(chunks(bytes, 7_000))
    expect(stat.id).toBe(sha256(bytes))
    expect(Buffer.compare(await collect(store.get(stat.id)), bytes)).toBe(0)
    const empty = await store.put(new Uint8Array())
    expect(empty).toEqual({ id: sha256(new Uint8Array()), size: 0 })
    expect((await collect(store.get(empty.id))).byteLength).toBe(0)
  })

  it('put is idempotent and keeps the first createdMs', async () => {
    const bytes = randomBytes(1000)
    const first = await store.put(bytes)
    const later = new LocalBlobStore({ dir, index: index(), logger: silentLogger, now: () => 9999 })
    expect(await later.put(chunks(bytes, 10))).toEqual(first)
    expect(JSON.parse((await index().get(first.id))!).createdMs).toBe(1234)
    expect(await tempFiles()).toEqual([])
  })

  it('aborts past maxBytes, leaving no temp file and no index entry', async () => {
    const bytes = randomBytes(10_000)
    await expect(store.put(chunks(bytes, 1000), { maxBytes: 4096 })).rejects.toBeInstanceOf(BlobTooLargeError)
    await expect(store.put(bytes, { maxBytes: 9999 })).rejects.toMatchObject({ code: 'ERR_BLOB_TOO_LARGE' })
    expect(await tempFiles()).toEqual([])
    expect(await store.has(sha256(bytes))).toBe(false)
    expect(await index().get(sha256(bytes))).toBeUndefined()
    // A per-put maxBytes cannot lift the store's own limit.
    const small = new LocalBlobStore({ dir, index: index(), logger: silentLogger, maxBytes: 100 })
    await expect(small.put(randomBytes(101), { maxBytes: 1_000_000 })).rejects.toBeInstanceOf(BlobTooLargeError)
  })

  it('stops early on a huge stream instead of reading it all', async () => {
    let produced = 0
    async function* endless(): AsyncGenerator<Uint8Array> {
      while (true) {
        produced += 65536
        yield new Uint8Array(65536)
      }
    }
    await expect(store.put(endless(), { maxBytes: 1 << 20 })).rejects.toBeInstanceOf(BlobTooLargeError)
    expect(produced).toBeLessThanOrEqual((1 << 20) + 65536)
    expect(await tempFiles()).toEqual([])
  })

  it('expectedId: bytes that hash to something else are not kept', async () => {
    const bytes = randomBytes(5000)
    const wrong = sha256(randomBytes(10))
    await expect(store.put(bytes, { expectedId: wrong })).rejects.toBeInstanceOf(BlobHashMismatchError)
    expect(await store.has(sha256(bytes))).toBe(false)
    expect(await tempFiles()).toEqual([])
    expect((await store.put(bytes, { expectedId: sha256(bytes) })).id).toBe(sha256(bytes))
  })

  it('an aborted put leaves nothing', async () => {
    const controller = new AbortController()
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield randomBytes(1000)
      controller.abort(new Error('cancelled'))
      yield randomBytes(1000)
    }
    await expect(store.put(slow(), { signal: controller.signal })).rejects.toThrow('cancelled')
    expect(await tempFiles()).toEqual([])
  })

  it('detects on-disk corruption on get and removes the blob', async () => {
    const bytes = randomBytes(150_000)
    const { id } = await store.put(bytes)
    const path = join(dir, 'blobs', id.slice(0, 2), id)
    const corrupted = Buffer.from(bytes)
    corrupted[100_000] ^= 0xff
    await writeFile(path, corrupted)
    await expect(collect(store.get(id))).rejects.toBeInstanceOf(BlobHashMismatchError)
    expect(await store.has(id)).toBe(false)
    expect(await index().get(id)).toBeUndefined()
    await expect(collect(store.get(id))).rejects.toBeInstanceOf(BlobNotFoundError)
  })

  it('missing blobs and bad ids', async () => {
    const id = sha256(randomBytes(8))
    expect(await store.has(id)).toBe(false)
    expect(await store.stat(id)).toBeUndefined()
    await expect(collect(store.get(id))).rejects.toBeInstanceOf(BlobNotFoundError)
    await expect(store.has('../../etc/passwd')).rejects.toBeInstanceOf(InvalidBlobIdError)
    await expect(collect(store.get(id.toUpperCase()))).rejects.toBeInstanceOf(InvalidBlobIdError)
  })

  it('reports progress on put and get', async () => {
    const size = 2 * BLOB_CHUNK_BYTES + 1000
    const bytes = randomBytes(size)
    const puts: BlobProgress[] = []
    const { id } = await store.put(bytes, { onProgress: (p) => puts.push(p) })
    expect(puts.at(-1)).toEqual({ bytes: size, total: size })
    const gets: BlobProgress[] = []
    await collect(store.get(id, { onProgress: (p) => gets.push(p) }))
    expect(gets.length).toBe(3)
    expect(gets.map((p) => p.bytes)).toEqual([...gets.map((p) => p.bytes)].sort((a, b) => a - b))
    expect(gets.at(-1)).toEqual({ bytes: size, total: size })
  })

  it('putFile streams from a path', async () => {
    const bytes = randomBytes(333_333)
    const path = join(dir, 'scene.blend')
    await writeFile(path, bytes)
    const progress: BlobProgress[] = []
    const stat = await store.putFile(path, { onProgress: (p) => progress.push(p) })
    expect(stat).toEqual({ id: sha256(bytes), size: bytes.byteLength })
    expect(progress.at(-1)).toEqual({ bytes: 333_333, total: 333_333 })
    await expect(store.putFile(path, { maxBytes: 1000 })).rejects.toBeInstanceOf(BlobTooLargeError)
  })

  it('getFile is atomic: a corrupted blob leaves no file, not even a temp one', async () => {
    const bytes = randomBytes(100_000)
    const { id } = await store.put(bytes)
    const out = join(dir, 'out')
    await store.getFile(id, join(dir, 'out-ok'))
    expect(await readFile(join(dir, 'out-ok'))).toEqual(bytes)
    await writeFile(join(dir, 'blobs', id.slice(0, 2), id), randomBytes(100_000))
    await expect(store.getFile(id, out)).rejects.toBeInstanceOf(BlobHashMismatchError)
    const names = await readdir(dir)
    expect(names.filter((n) => n.includes('out') && n !== 'out-ok')).toEqual([])
    await expect(store.getFile(sha256(randomBytes(4)), out)).rejects.toBeInstanceOf(BlobNotFoundError)
  })

  it('start() sweeps temp files and repairs the index both ways', async () => {
    const kept = await store.put(randomBytes(1000))
    const gone = await store.put(randomBytes(1000))
    await writeFile(join(dir, 'blobs', 'tmp', 'crashed.tmp'), randomBytes(10))
    await index().del(kept.id) // crash between rename and index write
    await rm(join(dir, 'blobs', gone.id.slice(0, 2), gone.id)) // file lost behind our back
    await store.start()
    expect(await tempFiles()).toEqual([])
    expect(JSON.parse((await index().get(kept.id))!).size).toBe(1000)
    expect(await index().get(gone.id)).toBeUndefined()
  })

  it('stat() repairs a missing index entry on read', async () => {
    const { id } = await store.put(randomBytes(500))
    await index().del(id)
    // A crash between rename and index write: the store that reads next is a new one (a store remembers the entries it wrote).
    const restarted = new LocalBlobStore({ dir, index: index(), logger: silentLogger })
    expect(await restarted.stat(id)).toEqual({ id, size: 500 })
    expect(await index().get(id)).toBeDefined()
  })
})
