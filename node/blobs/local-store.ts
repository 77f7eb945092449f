// Content-addressed blobs on local disk. Files are the truth, LevelDB holds
// metadata: a put writes a temp file, fsyncs it and renames it into place
// before the index entry is written, so a crash leaves either nothing, a
// stray temp file (swept by start()), or a complete file without an entry
// (repaired by stat() and start()).

import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { type FileHandle, mkdir, open, readdir, rename, rm, stat as fsStat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { LIMITS } from '../../protocol/index.ts'
import { createLogger, type Logger } from '../log.ts'
import { BlobHashMismatchError, BlobNotFoundError, BlobTooLargeError } from './errors.ts'
import { assertBlobId, isBlobId } from './ids.ts'
import type { BlobGetOptions, BlobId, BlobPutOptions, BlobStat, BlobStore } from './types.ts'

/** Read size: large enough for throughput, small enough to keep memory flat. */
export const BLOB_CHUNK_BYTES = 64 * 1024

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
    if (source instanceof Uint8Array) return this.putStream(oneChunk(source), options, source.byteLength)
    return this.putStream(source, options)
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
   * Streams the blob and re-hashes it as it goes. The check completes only at
   * the end: a consumer must treat everything it got as void if this throws
   * (getFile does, by writing to a temp file). A corrupted file is removed.
   */
  async *get(id: BlobId, options: BlobGetOptions = {}): AsyncGenerator<Uint8Array> {
    assertBlobId(id)
    const path = this.pathOf(id)
    let fh: FileHandle
    try {
      fh = await open(path, 'r')
    } catch (err) {
      if (!isNotFound(err)) throw err
      await this.index.del(id)
      throw new BlobNotFoundError(id)
    }
    try {
      const total = (await fh.stat()).size
      const hash = createHash('sha256')
      let bytes = 0
      while (true) {
        options.signal?.throwIfAborted()
        // A fresh buffer per chunk: the consumer may keep what it was given.
        const buf = Buffer.allocUnsafe(BLOB_CHUNK_BYTES)
        const { bytesRead } = await fh.read(buf, 0, BLOB_CHUNK_BYTES, null)
        if (bytesRead === 0) break
        const chunk = buf.subarray(0, bytesRead)
        hash.update(chunk)
        bytes += bytesRead
        yield chunk
        options.onProgress?.({ bytes, total })
      }
      const actual = hash.digest('hex')
      if (actual !== id) {
        this.log.error('blob corrupted on disk, removing it', { id, actual })
        await this.delete(id)
        throw new BlobHashMismatchError(id, actual, `blob ${id} is corrupted on disk`)
      }
    } finally {
      await fh.close()
    }
  }

  async getFile(id: BlobId, path: string, options: BlobGetOptions = {}): Promise<void> {
    await writeFileFrom(path, this.get(id, options))
  }

  /** Removes the blob and its entry; absent blobs are ignored. */
  async delete(id: BlobId): Promise<void> {
    assertBlobId(id)
    await rm(this.pathOf(id), { force: true })
    await this.index.del(id)
  }

  private limit(options: BlobPutOptions): number {
    return Math.min(options.maxBytes ?? this.maxBytes, this.maxBytes)
  }

  private async putStream(source: AsyncIterable<Uint8Array>, options: BlobPutOptions, total?: number): Promise<BlobStat> {
    const maxBytes = this.limit(options)
    if (options.expectedId !== undefined) assertBlobId(options.expectedId)
    // Same folder tree as the blobs, so the final rename never crosses a filesystem.
    await mkdir(this.tmpDir, { recursive: true })
    const tmp = join(this.tmpDir, `${randomBytes(8).toString('hex')}.tmp`)
    const fh = await open(tmp, 'wx', 0o644)
    let handleOpen = true
    try {
      const hash = createHash('sha256')
      let size = 0
      for await (const chunk of source) {
        options.signal?.throwIfAborted()
        size += chunk.byteLength
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes)
        hash.update(chunk)
        await writeAll(fh, chunk)
        options.onProgress?.({ bytes: size, total })
      }
      options.signal?.throwIfAborted()
      await fh.sync()
      handleOpen = false
      await fh.close()
      const id = hash.digest('hex')
      if (options.expectedId !== undefined && id !== options.expectedId) throw new BlobHashMismatchError(options.expectedId, id)
      const final = this.pathOf(id)
      await mkdir(dirname(final), { recursive: true })
      // Renaming over an existing copy is harmless (same bytes) and heals a corrupted one.
      await rename(tmp, final)
      await syncDir(dirname(final))
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
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const fh = await open(tmp, 'wx', 0o644)
  let handleOpen = true
  try {
    for await (const chunk of source) await writeAll(fh, chunk)
    await fh.sync()
    handleOpen = false
    await fh.close()
    await rename(tmp, path)
  } catch (err) {
    if (handleOpen) await fh.close().catch(() => {})
    await rm(tmp, { force: true })
    throw err
  }
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

/** FileHandle.write may write less than asked. */
async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.byteLength - offset, null)
    offset += bytesWritten
  }
}

/** Makes the rename itself durable; some platforms cannot fsync a folder, which is fine. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {}
}

async function statFile(path: string): Promise<{ size: number } | undefined> {
  try {
    return await fsStat(path)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'ENOENT'
}
