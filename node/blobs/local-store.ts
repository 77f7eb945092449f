// Content-addressed blobs on local disk. Files are the truth, LevelDB holds
// metadata: a put writes a temp file, fsyncs it and renames it into place
// before the index entry is written, so a crash leaves either nothing, a
// stray temp file (swept by start()), or a complete file without an entry
// (repaired by start(), or by stat() in a store that did not write it; see
// blob-index.ts for what a store remembers). A put with `durable: false` skips the
// fsyncs: after an OS crash or power loss its file may be short or empty,
// which the next read detects by the hash and removes.
//
// The bytes are hashed once, as they arrive, and written in batches of
// BLOB_CHUNK_BYTES. Reads hash again unless asked to trust a file this store
// verified since it started (see BlobVerify).
//
// A put of bytes the caller read from a file it gives up (`adopt`: a
// rendered frame) moves that file into place instead of writing a copy,
// once the rename shows it is still the file that was read (adopt-file.ts).

import { createHash, type Hash, randomBytes } from 'node:crypto'
import { type BigIntStats, closeSync, constants as fsConstants, createReadStream, fstatSync, openSync, renameSync, rmSync } from 'node:fs'
import { copyFile, type FileHandle, mkdir, open, rm, stat as fsStat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { LIMITS } from '../../protocol/index.ts'
import { createLogger, type Logger } from '../log.ts'
import { type AdoptionStore, moveIntoPlace } from './adopt-file.ts'
import { BatchWriter, writeAll } from './batch-writer.ts'
import { BlobIndex, type BlobIndexDb } from './blob-index.ts'
import { reconcileIndex } from './reconcile-index.ts'
import { BlobHashMismatchError, BlobNotFoundError, BlobTooLargeError } from './errors.ts'
import { assertBlobId } from './ids.ts'
import type { BlobAdoptFile, BlobGetOptions, BlobId, BlobPutOptions, BlobStat, BlobStore } from './types.ts'
import { isNotFound, openFd, readAllSync, readChunk, retryAfterMkdir, statFile, SYNC_IO_BYTES, syncDir, syncFd, syncFile, writeAllSync, writeFileFrom, writeFileVia } from './file-ops.ts'
import { VerifiedFiles } from './verified-files.ts'

export type { BlobIndexDb, BlobIndexEntry } from './blob-index.ts'
export { writeFileFrom } from './file-ops.ts'

/**
 * Read and write size: one awaited fs call per MiB (64 KiB chunks made the
 * per-call cost dominate), and memory stays flat at a few MiB per transfer.
 */
export const BLOB_CHUNK_BYTES = 1024 * 1024

/** Files remembered as verified (an id and four numbers each); the oldest is forgotten first. */
const MAX_VERIFIED_FILES = 16_384
/** Index entries remembered as present or absent (blob-index.ts); the oldest is forgotten first. */
const MAX_KNOWN_ENTRIES = 16_384

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
  private readonly index: BlobIndex
  private readonly maxBytes: number
  private readonly log: Logger
  private readonly verified = new VerifiedFiles(MAX_VERIFIED_FILES)
  /** Adoptions in flight, by blob id: two files with the same bytes (two black frames) are moved one after the other. */
  private readonly adoptions = new Map<BlobId, Promise<unknown>>()
  private readonly adoption: AdoptionStore

  constructor(init: LocalBlobStoreInit) {
    this.root = join(init.dir, 'blobs')
    this.tmpDir = join(this.root, 'tmp')
    this.maxBytes = init.maxBytes ?? LIMITS.maxBlobBytes
    this.log = init.logger ?? createLogger('blobs:local')
    this.index = new BlobIndex(init.index, init.now ?? Date.now, MAX_KNOWN_ENTRIES)
    this.adoption = {
      pathOf: (id) => this.pathOf(id),
      writeBytes: (id, bytes, options) => this.writeBytes(id, bytes, options),
      settle: (id, size, st) => this.settle(id, size, st),
      log: this.log
    }
  }

  /** Sweeps temp files of interrupted puts and reconciles the index with the files. */
  async start(): Promise<void> {
    await this.index.load()
    await rm(this.tmpDir, { recursive: true, force: true })
    await mkdir(this.tmpDir, { recursive: true })
    const repaired = await reconcileIndex(this.index, this.root, (id) => this.pathOf(id))
    if (repaired > 0) this.log.warn('repaired blob index', { entries: repaired })
  }

  async stop(): Promise<void> {}

  pathOf(id: BlobId): string {
    return join(this.root, id.slice(0, 2), id)
  }

  async has(id: BlobId): Promise<boolean> {
    return (await this.stat(id)) !== undefined
  }

  /** The file says whether the blob is here; the index is read only for an entry this store does not remember. */
  async stat(id: BlobId): Promise<BlobStat | undefined> {
    assertBlobId(id)
    const st = await statFile(this.pathOf(id))
    if (st === undefined) {
      await this.index.drop(id)
      return undefined
    }
    // A crash between rename and index write leaves a complete file without an entry.
    await this.index.ensure(id, st.size)
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
    const small = await this.readSmall(id, options)
    if (small !== undefined) {
      options.signal?.throwIfAborted()
      if (small.byteLength > 0) yield small
      options.onProgress?.({ bytes: small.byteLength, total: small.byteLength })
      return
    }
    const fh = await this.openBlob(id)
    let next: Promise<Uint8Array> | undefined
    try {
      const st = await fh.stat({ bigint: true })
      const total = Number(st.size)
      const hash = options.verify === 'once' && this.verified.matches(id, st) ? undefined : createHash('sha256')
      let bytes = 0
      next = readChunk(fh, 0, total, BLOB_CHUNK_BYTES)
      while (next !== undefined) {
        options.signal?.throwIfAborted()
        const chunk = await next
        next = undefined
        if (chunk.byteLength === 0) break
        bytes += chunk.byteLength
        // The next read runs while the consumer handles this chunk; its
        // failure is handled when it is awaited (or in finally), never unhandled.
        // A trusted file ends at its verified size: no probe past it (a hashed
        // one is read to its end, so that bytes added behind our back fail the check).
        if (hash !== undefined || bytes < total) {
          next = readChunk(fh, bytes, total, BLOB_CHUNK_BYTES)
          next.catch(() => {})
        }
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
      throw await this.notFound(id, err)
    }
  }

  private async notFound(id: BlobId, err: unknown): Promise<unknown> {
    if (!isNotFound(err)) return err
    this.verified.forget(id)
    await this.index.drop(id)
    return new BlobNotFoundError(id)
  }

  /**
   * A blob of at most SYNC_IO_BYTES, read whole with synchronous calls and
   * checked before anything is handed out; undefined for a larger one (get
   * streams it). A hashed read asks for one byte more than the stat says, so
   * bytes added behind our back fail the check.
   */
  private async readSmall(id: BlobId, options: BlobGetOptions): Promise<Uint8Array | undefined> {
    let fd: number
    try {
      fd = openSync(this.pathOf(id), 'r')
    } catch (err) {
      throw await this.notFound(id, err)
    }
    let st: BigIntStats
    let bytes: Uint8Array
    try {
      st = fstatSync(fd, { bigint: true })
      if (st.size > BigInt(SYNC_IO_BYTES)) return undefined
      const trusted = options.verify === 'once' && this.verified.matches(id, st)
      bytes = readAllSync(fd, Number(st.size) + (trusted ? 0 : 1))
      if (trusted) return bytes
    } finally {
      closeSync(fd)
    }
    await this.checkRead(id, createHash('sha256').update(bytes), st)
    return bytes
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

  /** A buffer the caller owns: hashed and written as it is, without a copy (or its file moved into place, see adopt). */
  private async putBytes(bytes: Uint8Array, options: BlobPutOptions): Promise<BlobStat> {
    const maxBytes = this.limit(options)
    if (bytes.byteLength > maxBytes) throw new BlobTooLargeError(maxBytes)
    const id = createHash('sha256').update(bytes).digest('hex')
    if (options.adopt !== undefined) return this.adoptFile(id, bytes, options.adopt, options)
    return this.writeBytes(id, bytes, options)
  }

  private async writeBytes(id: BlobId, bytes: Uint8Array, options: BlobPutOptions): Promise<BlobStat> {
    if (bytes.byteLength <= SYNC_IO_BYTES) return this.writeSmall(id, bytes, options)
    return this.writeBlob(options, async (fh) => {
      options.signal?.throwIfAborted()
      await writeAll(fh, bytes, 0)
      options.onProgress?.({ bytes: bytes.byteLength, total: bytes.byteLength })
      return { id, size: bytes.byteLength }
    })
  }

  /** writeBlob for a small buffer: the same steps, with synchronous writes and close. */
  private async writeSmall(id: BlobId, bytes: Uint8Array, options: BlobPutOptions): Promise<BlobStat> {
    if (options.expectedId !== undefined) assertBlobId(options.expectedId)
    options.signal?.throwIfAborted()
    const tmp = this.tempPath()
    const fd = await retryAfterMkdir(this.tmpDir, () => openFd(tmp, 'wx', 0o644))
    try {
      writeAllSync(fd, bytes)
      if (options.durable ?? true) await syncFd(fd)
    } catch (err) {
      closeSync(fd)
      rmSync(tmp, { force: true })
      throw err
    }
    closeSync(fd)
    options.onProgress?.({ bytes: bytes.byteLength, total: bytes.byteLength })
    return this.placeTemp(tmp, { id, size: bytes.byteLength }, options)
  }

  /** Moves the file the bytes were read from to the blob's path (adopt-file.ts); two files with the same bytes are moved one after the other. */
  private async adoptFile(id: BlobId, bytes: Uint8Array, adopt: BlobAdoptFile, options: BlobPutOptions): Promise<BlobStat> {
    if (options.expectedId !== undefined) {
      assertBlobId(options.expectedId)
      if (id !== options.expectedId) throw new BlobHashMismatchError(options.expectedId, id)
    }
    const move = () => moveIntoPlace(this.adoption, id, bytes, adopt, options)
    const previous = this.adoptions.get(id)
    // The same bytes are being moved in already: after that, whatever its outcome.
    const adoption = previous === undefined ? move() : previous.then(move, move)
    this.adoptions.set(id, adoption)
    try {
      return await adoption
    } finally {
      if (this.adoptions.get(id) === adoption) this.adoptions.delete(id)
    }
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
   * Runs `fill` on a new temp file, fsyncs it (unless `durable` is false)
   * and places it (placeTemp). Any failure removes the temp file.
   */
  private async writeBlob(options: BlobPutOptions, fill: (fh: FileHandle) => Promise<BlobStat>): Promise<BlobStat> {
    if (options.expectedId !== undefined) assertBlobId(options.expectedId)
    const tmp = this.tempPath()
    const fh = await retryAfterMkdir(this.tmpDir, () => open(tmp, 'wx', 0o644))
    let written: BlobStat
    try {
      written = await fill(fh)
      options.signal?.throwIfAborted()
      if (options.durable ?? true) await syncFd(fh.fd)
    } catch (err) {
      await fh.close().catch(() => {})
      rmSync(tmp, { force: true })
      throw err
    }
    await fh.close()
    return this.placeTemp(tmp, written, options)
  }

  /** Same folder tree as the blobs, so the final rename never crosses a filesystem. */
  private tempPath(): string {
    return join(this.tmpDir, `${randomBytes(8).toString('hex')}.tmp`)
  }

  /** A complete (and, when durable, fsynced) temp file becomes the blob: check against expectedId, rename into place, index. Any failure removes it. */
  private async placeTemp(tmp: string, { id, size }: BlobStat, options: BlobPutOptions): Promise<BlobStat> {
    try {
      if (options.expectedId !== undefined && id !== options.expectedId) throw new BlobHashMismatchError(options.expectedId, id)
      const final = this.pathOf(id)
      // Renaming over an existing copy is harmless (same bytes) and heals a corrupted one.
      await retryAfterMkdir(dirname(final), async () => renameSync(tmp, final))
      if (options.durable ?? true) await syncDir(dirname(final))
      await this.settle(id, size, await statFile(final, { bigint: true }))
      return { id, size }
    } catch (err) {
      rmSync(tmp, { force: true })
      throw err
    }
  }

  /** A file now in place whose bytes were hashed on their way (st: its stat after the rename, which changed its ctime): verified, then indexed. */
  private async settle(id: BlobId, size: number, st: BigIntStats | undefined): Promise<void> {
    if (st !== undefined) this.verified.remember(id, st)
    await this.index.ensure(id, size)
  }
}
