// Content-addressed blobs on local disk. Files are the truth, LevelDB holds
// metadata: a put writes a temp file, fsyncs it and renames it into place
// before the index entry is written, so a crash leaves either nothing, a
// stray temp file (swept by start()), or a complete file without an entry
// (repaired by stat() and start()). A put with `durable: false` skips the
// fsyncs: after an OS crash or power loss its file may be short or empty,
// which the next read detects by the hash and removes.
//
// The bytes are hashed once, as they arrive, and written in batches of
// BLOB_CHUNK_BYTES. Reads hash again unless asked to trust a file this store
// verified since it started (see BlobVerify).

import { createHash, type Hash, randomBytes } from 'node:crypto'
import { constants as fsConstants, createReadStream, type BigIntStats } from 'node:fs'
import { copyFile, type FileHandle, mkdir, open, readdir, rename, rm, stat as fsStat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { LIMITS } from '../../protocol/index.ts'
import { createLogger, type Logger } from '../log.ts'
import { BatchWriter, writeAll } from './batch-writer.ts'
import { BlobHashMismatchError, BlobNotFoundError, BlobTooLargeError } from './errors.ts'
import { assertBlobId, isBlobId } from './ids.ts'
import type { BlobGetOptions, BlobId, BlobPutOptions, BlobStat, BlobStore } from './types.ts'
import { isNotFound, retryAfterMkdir, statFile, syncDir, syncFile } from './file-ops.ts'
import { VerifiedFiles } from './verified-files.ts'

/**
 * Read and write size: one awaited fs call per MiB (64 KiB chunks made the
 * per-call cost dominate), and memory stays flat at a few MiB per transfer.
 */
export const BLOB_CHUNK_BYTES = 1024 * 1024

/** Files remembered as verified (an id and four numbers each); the oldest is forgotten first. */
const MAX_VERIFIED_FILES = 16_384

/**
 * The part of a LevelDB (sub)level the store uses, so the node can hand in
 * `db.sublevel<string, string>('blobs')` and share one database.
 */
export interface BlobIndexDb {
  get(key: string): Promise<string | undefined>
  put(key: string, value: string): Promise<void>
  del(key: string): Promise<void>
  keys(): AsyncIterable<string>
}

export interface BlobIndexEntry {
  size: number
  createdMs: number
}

export interface LocalBlobStoreInit {
  /** Root folder; blobs live under `<dir>/blobs/<first 2 hex>/<id>`. */
  dir: string
  index: BlobIndexDb
  /** Hard cap for one blob; a put's own `maxBytes` can only lower it. */
  maxBytes?: number
  logger?: Logger
  now?: () => number
}

export class LocalBlobStore implements BlobStore {
  readonly root: string
  private readonly tmpDir: string
  private readonly index: BlobIndexDb
  private readonly maxBytes: number
  private readonly log: Logger
  private readonly now: () => number
  private readonly verified = new VerifiedFiles(MAX_VERIFIED_FILES)

  constructor(init: LocalBlobStoreInit) {
    this.root = join(init.dir, 'blobs')
    this.tmpDir = join(this.root, 'tmp')
    this.index = init.index
    this.maxBytes = init.maxBytes ?? LIMITS.maxBlobBytes
    this.log = init.logger ?? createLogger('blobs:local')
    this.now = init.now ?? Date.now
  }

  /** Sweeps temp files of interrupted puts and reconciles the index with the files. */
  async start(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true })
    await mkdir(this.tmpDir, { recursive: true })
    let repaired = 0
    for (const shard of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue
      for (const name of await readdir(join(this.root, shard))) {
        if (!isBlobId(name) || name.slice(0, 2) !== shard) continue
        if ((await this.readIndex(name)) !== undefined) continue
        const st = await fsStat(join(this.root, shard, name))
        await this.writeIndex(name, st.size)
        repaired++
      }
    }
    for await (const id of this.index.keys()) {
      if (!isBlobId(id) || (await statFile(this.pathOf(id))) === undefined) {
        await this.index.del(id)
        repaired++
      }
    }
    if (repaired > 0) this.log.warn('repaired blob index', { entries: repaired })
  }

  async stop(): Promise<void> {}

  pathOf(id: BlobId): string {
    return join(this.root, id.slice(0, 2), id)
  }

  async has(id: BlobId): Promise<boolean> {
    return (await this.stat(id)) !== undefined
  }

  async stat(id: BlobId): Promise<BlobStat | undefined> {
    assertBlobId(id)
    const [entry, st] = await Promise.all([this.readIndex(id), statFile(this.pathOf(id))])
    if (st === undefined) {
      if (entry !== undefined) await this.index.del(id)
      return undefined
    }
    // A crash between rename and index write leaves a complete file without an entry.
    if (entry === undefined) await this.writeIndex(id, st.size)
    return { id, size: st.size }
  }

  async put(source: Uint8Array | AsyncIterable<Uint8Array>, options: BlobPutOptions = {}): Promise<BlobStat> {
    if (source instanceof Uint8Array) return this.putBytes(source, options)
    return this.putStream(source, options, options.sizeHint)
  }

  async putFile(path: string, options: BlobPutOptions = {}): Promise<BlobStat> {
    const { size } = await fsStat(path)
    const maxBytes = this.limit(options)
    // Refuse before reading a byte; the streaming check still guards a file that grows.
    if (size > maxBytes) throw new BlobTooLargeError(maxBytes)
    options.signal?.throwIfAborted()
    const stream = createReadStream(path, { highWaterMark: BLOB_CHUNK_BYTES, signal: options.signal })
    // An abort makes the stream emit 'error'; without a listener that would end the process.
    // putStream sees the same failure through iteration.
    stream.on('error', () => {})
    return this.putStream(stream, options, size)
  }

  /**
   * Streams the blob. With verify 'always' (the default) it re-hashes as it
   * goes and the check completes only at the end: a consumer must treat
   * everything it got as void if this throws (getFile does, by writing to a
   * temp file). A corrupted file is removed.
   */
  async *get(id: BlobId, options: BlobGetOptions = {}): AsyncGenerator<Uint8Array> {
    assertBlobId(id)
    const fh = await this.openBlob(id)
    let next: Promise<Uint8Array> | undefined
    try {
      const st = await fh.stat({ bigint: true })
      const total = Number(st.size)
      const hash = options.verify === 'once' && this.verified.matches(id, st) ? undefined : createHash('sha256')
      let bytes = 0
      next = readChunk(fh, 0, total)
      while (true) {
        options.signal?.throwIfAborted()
        const chunk = await next
        next = undefined
        if (chunk.byteLength === 0) break
        bytes += chunk.byteLength
        // The next read runs while the consumer handles this chunk; its
        // failure is handled when it is awaited (or in finally), never unhandled.
        next = readChunk(fh, bytes, total)
        next.catch(() => {})
        hash?.update(chunk)
        yield chunk
        options.onProgress?.({ bytes, total })
      }
      if (hash !== undefined) await this.checkRead(id, hash, st)
    } finally {
      await next?.catch(() => {})
      await fh.close()
    }
  }

  /**
   * Copies the blob to a file (temp name, then rename). A file this store
   * already verified is copied by the kernel when `verify` is 'once'.
   */
  async getFile(id: BlobId, path: string, options: BlobGetOptions = {}): Promise<void> {
    assertBlobId(id)
    if (options.verify === 'once') {
      const src = this.pathOf(id)
      const st = await statFile(src, { bigint: true })
      if (st !== undefined && this.verified.matches(id, st)) {
        options.signal?.throwIfAborted()
        await writeFileVia(path, async (tmp) => {
          await copyFile(src, tmp, fsConstants.COPYFILE_EXCL)
          await syncFile(tmp)
        })
        options.onProgress?.({ bytes: Number(st.size), total: Number(st.size) })
        return
      }
    }
    await writeFileFrom(path, this.get(id, options))
  }

  /** Removes the blob and its entry; absent blobs are ignored. */
  async delete(id: BlobId): Promise<void> {
    assertBlobId(id)
    this.verified.forget(id)
    await rm(this.pathOf(id), { force: true })
    await this.index.del(id)
  }

  private limit(options: BlobPutOptions): number {
    return Math.min(options.maxBytes ?? this.maxBytes, this.maxBytes)
  }

  private async openBlob(id: BlobId): Promise<FileHandle> {
    try {
      return await open(this.pathOf(id), 'r')
    } catch (err) {
      if (!isNotFound(err)) throw err
      this.verified.forget(id)
      await this.index.del(id)
      throw new BlobNotFoundError(id)
    }
  }

  /** After a full read: remembers a good file, removes a corrupted one. */
  private async checkRead(id: BlobId, hash: Hash, st: BigIntStats): Promise<void> {
    const actual = hash.digest('hex')
    if (actual === id) {
      this.verified.remember(id, st)
      return
    }
    this.log.error('blob corrupted on disk, removing it', { id, actual })
    await this.delete(id)
    throw new BlobHashMismatchError(id, actual, `blob ${id} is corrupted on disk`)
  }

  /** A buffer the caller owns: hashed and written as it is, without a copy. */
  private async putBytes(bytes: Uint8Array, options: BlobPutOptions): Promise<BlobStat> {
    const maxBytes = this.limit(options)
    if (bytes.byteLength > maxBytes) throw new BlobTooLargeError(maxBytes)
    return this.writeBlob(options, async (fh) => {
      options.signal?.throwIfAborted()
      const id = createHash('sha256').update(bytes).digest('hex')
      await writeAll(fh, bytes, 0)
      options.onProgress?.({ bytes: bytes.byteLength, total: bytes.byteLength })
      return { id, size: bytes.byteLength }
    })
  }

  /** Hashes each chunk as it arrives and writes in batches; stops at the first byte past the limit. */
  private async putStream(source: AsyncIterable<Uint8Array>, options: BlobPutOptions, total?: number): Promise<BlobStat> {
    const maxBytes = this.limit(options)
    const expected = total === undefined ? undefined : Math.min(total, maxBytes)
    return this.writeBlob(options, async (fh) => {
      const sink = new BatchWriter(fh, BLOB_CHUNK_BYTES, expected)
      try {
        let size = 0
        for await (const chunk of source) {
          options.signal?.throwIfAborted()
          size += chunk.byteLength
          if (size > maxBytes) throw new BlobTooLargeError(maxBytes)
          const wait = sink.push(chunk)
          if (wait !== undefined) await wait
          options.onProgress?.({ bytes: size, total })
        }
        return { id: await sink.finish(), size }
      } catch (err) {
        // The file is closed next: nothing may still be writing to it.
        await sink.cancel()
        throw err
      }
    })
  }

  /**
   * Runs `fill` on a new temp file, then makes it the blob: fsync (unless
   * `durable` is false), check against expectedId, rename into place, index.
   * Any failure removes the temp file.
   */
  private async writeBlob(options: BlobPutOptions, fill: (fh: FileHandle) => Promise<BlobStat>): Promise<BlobStat> {
    if (options.expectedId !== undefined) assertBlobId(options.expectedId)
    const durable = options.durable ?? true
    // Same folder tree as the blobs, so the final rename never crosses a filesystem.
    const tmp = join(this.tmpDir, `${randomBytes(8).toString('hex')}.tmp`)
    const fh = await retryAfterMkdir(this.tmpDir, () => open(tmp, 'wx', 0o644))
    let handleOpen = true
    try {
      const { id, size } = await fill(fh)
      options.signal?.throwIfAborted()
      if (durable) await fh.sync()
      handleOpen = false
      await fh.close()
      if (options.expectedId !== undefined && id !== options.expectedId) throw new BlobHashMismatchError(options.expectedId, id)
      const final = this.pathOf(id)
      // Renaming over an existing copy is harmless (same bytes) and heals a corrupted one.
      await retryAfterMkdir(dirname(final), () => rename(tmp, final))
      if (durable) await syncDir(dirname(final))
      // The bytes were hashed on their way to disk: this file is verified.
      const st = await statFile(final, { bigint: true })
      if (st !== undefined) this.verified.remember(id, st)
      if ((await this.readIndex(id)) === undefined) await this.writeIndex(id, size)
      return { id, size }
    } catch (err) {
      if (handleOpen) await fh.close().catch(() => {})
      await rm(tmp, { force: true })
      throw err
    }
  }

  private async readIndex(id: BlobId): Promise<BlobIndexEntry | undefined> {
    const value = await this.index.get(id)
    if (value === undefined) return undefined
    try {
      return JSON.parse(value) as BlobIndexEntry
    } catch {
      return undefined
    }
  }

  private async writeIndex(id: BlobId, size: number): Promise<void> {
    const entry: BlobIndexEntry = { size, createdMs: this.now() }
    await this.index.put(id, JSON.stringify(entry))
  }
}

/**
 * Writes a stream to `path` through a temp file in the same folder, renamed
 * only once the source finished without error: readers never see a partial
 * or unverified file.
 */
export async function writeFileFrom(path: string, source: AsyncIterable<Uint8Array>): Promise<void> {
  await writeFileVia(path, async (tmp) => {
    const fh = await open(tmp, 'wx', 0o644)
    try {
      for await (const chunk of source) await writeAll(fh, chunk)
      await fh.sync()
    } finally {
      await fh.close()
    }
  })
}

/** `fill` creates and fsyncs the temp file; it is then renamed to `path`, or removed if anything failed. */
async function writeFileVia(path: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await fill(tmp)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/**
 * Reads the next chunk at `position`: what the file should still hold, at
 * most BLOB_CHUNK_BYTES; at the expected end a 1-byte probe for EOF; past it
 * (the file grew) full chunks again. A fresh buffer each time: the consumer
 * may keep it.
 */
async function readChunk(fh: FileHandle, position: number, total: number): Promise<Uint8Array> {
  const size = position === total ? 1 : Math.min(BLOB_CHUNK_BYTES, position < total ? total - position : BLOB_CHUNK_BYTES)
  const buf = Buffer.allocUnsafe(size)
  const { bytesRead } = await fh.read(buf, 0, size, position)
  return buf.subarray(0, bytesRead)
}
