// The put/get paths at and around their batch boundaries: whatever the
// blob's size and however the source splits it, the stored file and the id
// are those of the bytes, and a failed put leaves nothing.
import { createHash } from 'node:crypto'
import { mkdtemp, open, readdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises'
import { fsync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  BLOB_CHUNK_BYTES,
  memoryBlobIndex,
  BlobHashMismatchError,
  BlobTooLargeError,
  LocalBlobStore
} from '../../../../node/blobs/index.ts'
import { SYNC_IO_BYTES } from '../../../../node/blobs/file-ops.ts'
import { silentLogger } from '../../../../node/log.ts'

vi.mock('node:fs', async (original) => (await import('./fsync-spy.ts')).withCountedFsync(await original()))

const CHUNK = BLOB_CHUNK_BYTES
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')


/** Deterministic bytes (cheap to make, different at every offset). */
function bytesOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size)
  let x = seed | 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** The bytes cut at the given points, each piece a fresh copy reused by nobody. */
async function* pieces(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.byteLength)].sort((a, b) => a - b).concat(bytes.byteLength)) {
    if (cut > at) yield bytes.slice(at, cut)
    at = cut
  }
}

/** A producer that reuses one buffer for every piece: the store must copy what it keeps. */
async function* reusing(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(size)
  for (let at = 0; at < bytes.byteLength; at += size) {
    const n = Math.min(size, bytes.byteLength - at)
    buf.set(bytes.subarray(at, at + n))
    yield buf.subarray(0, n)
    buf.fill(0xee)
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) parts.push(chunk)
  return Buffer.concat(parts)
}

/** Sizes at every boundary that matters: empty, one byte, each side of one, two and three batches. */
const boundary = fc.constantFrom(0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK, 2 * CHUNK + 1, 3 * CHUNK + 12_345)

describe('blob put/get chunking', () => {
  let dir: string
  let store: LocalBlobStore

  const tempFiles = async () => readdir(join(dir, 'blobs', 'tmp'))

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-chunking-'))
    store = new LocalBlobStore({ dir, index: memoryBlobIndex(), logger: silentLogger })
    await store.start()
  })

  afterEach(async () => {
    await store.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('any size, any split, with or without a size hint, durable or not: the id and the file are those of the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        boundary,
        fc.integer({ min: 1, max: 1 << 30 }),
        fc.array(fc.integer({ min: 0, max: 4 * CHUNK }), { maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        async (size, seed, cuts, hinted, durable) => {
          const bytes = bytesOf(size, seed)
          const stat = await store.put(pieces(bytes, cuts), { sizeHint: hinted ? size : undefined, durable })
          expect(stat).toEqual({ id: sha256(bytes), size })
          expect(Buffer.compare(await readFile(fileOf(dir, stat.id)), bytes)).toBe(0)
          expect(Buffer.compare(await collect(store.get(stat.id)), bytes)).toBe(0)
          expect(Buffer.compare(await collect(store.get(stat.id, { verify: 'once' })), bytes)).toBe(0)
          await store.delete(stat.id)
        }
      ),
      { numRuns: 40 }
    )
    expect(await tempFiles()).toEqual([])
  })

  it('a producer that reuses its buffer still gets its bytes stored, with or without a size hint', async () => {
    for (const hint of [undefined, 3 * CHUNK]) {
      const bytes = bytesOf(3 * CHUNK, 7)
      const stat = await store.put(reusing(bytes, 100_000), { sizeHint: hint })
      expect(stat.id).toBe(sha256(bytes))
      expect(Buffer.compare(await readFile(fileOf(dir, stat.id)), bytes)).toBe(0)
      await store.delete(stat.id)
    }
  })

  it('putFile and put(bytes) agree with a streamed put around the boundaries', async () => {
    for (const size of [0, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 1]) {
      const bytes = bytesOf(size, size + 3)
      const path = join(dir, `in-${size}`)
      await writeFile(path, bytes)
      const fromFile = await store.putFile(path)
      expect(fromFile).toEqual({ id: sha256(bytes), size })
      expect(await store.put(bytes)).toEqual(fromFile)
    }
  })

  it('bytes that do not hash to expectedId are refused, and nothing is kept', async () => {
    for (const size of [CHUNK + 5, 3 * CHUNK]) {
      const bytes = bytesOf(size, 11)
      const tampered = Uint8Array.from(bytes)
      tampered[size - 2]! ^= 0x01
      await expect(store.put(pieces(tampered, [CHUNK / 2]), { expectedId: sha256(bytes), sizeHint: size })).rejects.toBeInstanceOf(BlobHashMismatchError)
      expect(await store.has(sha256(tampered))).toBe(false)
      expect(await store.has(sha256(bytes))).toBe(false)
      expect(await tempFiles()).toEqual([])
    }
  })

  it('the size cap holds even when the size hint lies', async () => {
    const bytes = bytesOf(4 * CHUNK, 5)
    let produced = 0
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.byteLength; at += 65_536) {
        produced += 65_536
        yield bytes.subarray(at, at + 65_536)
      }
    }
    await expect(store.put(counted(), { sizeHint: 2 * CHUNK, maxBytes: 3 * CHUNK })).rejects.toBeInstanceOf(BlobTooLargeError)
    expect(produced).toBeLessThanOrEqual(3 * CHUNK + 65_536)
    expect(await tempFiles()).toEqual([])
  })

  it('an abort halfway through a put of several batches leaves nothing, and the next put works', async () => {
    const controller = new AbortController()
    const bytes = bytesOf(4 * CHUNK, 9)
    async function* aborting(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 2 * CHUNK + 10)
      controller.abort(new Error('cancelled'))
      yield bytes.subarray(2 * CHUNK + 10)
    }
    await expect(store.put(aborting(), { sizeHint: bytes.byteLength, signal: controller.signal })).rejects.toThrow('cancelled')
    expect(await tempFiles()).toEqual([])
    expect((await store.put(pieces(bytes, [CHUNK]), { sizeHint: bytes.byteLength })).id).toBe(sha256(bytes))
  })
})

describe('durable: false', () => {
  let dir: string
  let store: LocalBlobStore
  const syncs = vi.mocked(fsync)

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-durable-'))
    store = new LocalBlobStore({ dir, index: memoryBlobIndex(), logger: silentLogger })
    await store.start()
    syncs.mockClear()
  })

  afterEach(async () => {
    await store.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('skips every fsync and still stores a readable, verified blob (one batch and several)', async () => {
    for (const size of [500, 3 * CHUNK]) {
      const bytes = bytesOf(size, size)
      const stat = await store.put(pieces(bytes, [100]), { durable: false, sizeHint: size })
      expect(syncs).not.toHaveBeenCalled()
      expect(stat).toEqual({ id: sha256(bytes), size })
      expect(await store.stat(stat.id)).toEqual(stat)
      expect(Buffer.compare(await collect(store.get(stat.id)), bytes)).toBe(0)
    }
    const bytes = bytesOf(700, 1)
    await store.put(bytes)
    // The file, then its folder.
    expect(syncs).toHaveBeenCalledTimes(2)
  })

  it("a non-durable blob cut short behind the store's back (as after a power loss) is caught by the next read", async () => {
    const bytes = bytesOf(CHUNK + 100, 21)
    const { id } = await store.put(bytes, { durable: false })
    await truncate(fileOf(dir, id), 1000)
    await expect(collect(store.get(id, { verify: 'once' }))).rejects.toBeInstanceOf(BlobHashMismatchError)
    expect(await store.has(id)).toBe(false)
  })
})

describe("verify: 'once'", () => {
  let dir: string
  let store: LocalBlobStore

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-verify-once-'))
    store = new LocalBlobStore({ dir, index: memoryBlobIndex(), logger: silentLogger })
    await store.start()
  })

  afterEach(async () => {
    await store.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it("a file replaced behind the store's back is hashed again and, being wrong, removed", async () => {
    const bytes = bytesOf(CHUNK + 1, 3)
    const { id } = await store.put(bytes)
    const other = join(dir, 'other')
    await writeFile(other, bytesOf(CHUNK + 1, 4))
    await rename(other, fileOf(dir, id))
    await expect(collect(store.get(id, { verify: 'once' }))).rejects.toBeInstanceOf(BlobHashMismatchError)
    expect(await store.has(id)).toBe(false)
  })

  it('a store that did not verify a file since it started hashes it', async () => {
    const bytes = bytesOf(5000, 8)
    const { id } = await store.put(bytes)
    const corrupted = Uint8Array.from(bytes)
    corrupted[10]! ^= 0xff
    await writeFile(fileOf(dir, id), corrupted)
    const restarted = new LocalBlobStore({ dir, index: memoryBlobIndex(), logger: silentLogger })
    await restarted.start()
    await expect(collect(restarted.get(id, { verify: 'once' }))).rejects.toBeInstanceOf(BlobHashMismatchError)
  })

  it('a small blob is read whole and checked before any of it is handed out', async () => {
    for (const size of [0, 500, SYNC_IO_BYTES]) {
      const bytes = bytesOf(size, size + 2)
      const { id } = await store.put(bytes)
      expect(Buffer.compare(await collect(store.get(id)), bytes)).toBe(0)
      expect(Buffer.compare(await collect(store.get(id, { verify: 'once' })), bytes)).toBe(0)
    }
    const bytes = bytesOf(500, 9)
    const { id } = await store.put(bytes)
    // One byte more than was stored: a hashed read sees it, hands out nothing and removes the file.
    await writeFile(fileOf(dir, id), Buffer.concat([bytes, Buffer.from([1])]))
    const handedOut: Uint8Array[] = []
    await expect(
      (async () => {
        for await (const chunk of store.get(id)) handedOut.push(chunk)
      })()
    ).rejects.toBeInstanceOf(BlobHashMismatchError)
    expect(handedOut).toEqual([])
    await expect(store.has(id)).resolves.toBe(false)
  })

  it('a trusted read ends at the verified size; a hashed one reads on to the end of the file', async () => {
    const probe = await open(tmpdir(), 'r')
    const reads = vi.spyOn(Object.getPrototypeOf(probe), 'read')
    await probe.close()
    try {
      // Blobs over SYNC_IO_BYTES are streamed through a file handle, one read per chunk.
      for (const size of [SYNC_IO_BYTES + 1, CHUNK, 2 * CHUNK + 3]) {
        const bytes = bytesOf(size, size + 1)
        const { id } = await store.put(bytes)
        reads.mockClear()
        expect(Buffer.compare(await collect(store.get(id, { verify: 'once' })), bytes)).toBe(0)
        const trusted = reads.mock.calls.length
        reads.mockClear()
        expect(Buffer.compare(await collect(store.get(id)), bytes)).toBe(0)
        // One read per chunk trusted; hashed, one more to find the end.
        expect(trusted).toBe(Math.ceil(size / CHUNK))
        expect(reads.mock.calls.length).toBe(Math.ceil(size / CHUNK) + 1)
      }
    } finally {
      reads.mockRestore()
    }
  })

  it('getFile copies a verified file whole, through a temp file', async () => {
    const bytes = bytesOf(2 * CHUNK + 77, 6)
    const { id } = await store.put(bytes)
    const out = join(dir, 'copy.bin')
    await store.getFile(id, out, { verify: 'once' })
    expect(Buffer.compare(await readFile(out), bytes)).toBe(0)
    expect((await readdir(dir)).filter((name) => name.includes('copy.bin') && name !== 'copy.bin')).toEqual([])
  })
})

function fileOf(dir: string, id: string): string {
  return join(dir, 'blobs', id.slice(0, 2), id)
}
