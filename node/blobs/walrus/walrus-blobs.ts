// Walrus as a RemoteBlobs backend. Blobs keep their sha256 id; Walrus is a
// second place to read them from.
//
// Publishing stores the given blobs together as one Walrus object (their
// concatenation, in order): one publisher request and one blob-id encoding
// instead of one per blob, which at 1000 shards saves ~1.5 s of CPU per extra
// blob. An object larger than `maxPartBytes` is cut into parts plus a parts
// manifest. Every upload's blob id is computed here as well, and an answer
// naming another id is refused before anything is recorded.
//
// Reading trusts nothing the aggregator says: the manifest is parsed with
// limits, each fully read part is checked against its sha256, and the local
// store keeps the bytes only if they hash to the blob's id.

import { createHash } from 'node:crypto'
import { encodeWalrusParts, LIMITS, parseWalrusParts, ProtocolError, WALRUS_PARTS_MAX_BYTES, type WalrusPart, walrusRefProblem } from '../../../protocol/index.ts'
import { createLogger, type Logger } from '../../log.ts'
import { BlobHashMismatchError, BlobNotFoundError } from '../errors.ts'
import { assertBlobId } from '../ids.ts'
import type { BlobIndexDb, LocalBlobStore } from '../local-store.ts'
import type { BlobGetOptions, BlobId, BlobStat, RemoteBlobs, RemoteRef } from '../types.ts'
import { computeWalrusBlobId, MAX_SHARDS, MIN_SHARDS } from './blob-id.ts'
import { WalrusBlobIdMismatchError, WalrusConfigError, WalrusRefError, WalrusResponseError } from './errors.ts'
import type { WalrusHttpClient } from './http-client.ts'

/** The HTTP client calls this backend makes (a test may wrap them). */
export type WalrusClient = Pick<WalrusHttpClient, 'epochs' | 'store' | 'read' | 'readAll' | 'health'>

export interface WalrusBlobsInit {
  client: WalrusClient
  local: Pick<LocalBlobStore, 'stat' | 'get' | 'put'>
  /** Shards of the Walrus network, for computing blob ids (1000 on testnet and mainnet). */
  shards: number
  /** Largest Walrus blob uploaded; larger objects are split into parts (default 10 MiB, the public publishers' request cap). */
  maxPartBytes?: number
  /** sha256 -> where it was published, e.g. `db.sublevel('walrus')`. */
  index: BlobIndexDb
  /**
   * Length of a Walrus epoch, to tell when a published blob runs out (default
   * one day, testnet's; mainnet's two weeks only makes that conservative).
   */
  epochMs?: number
  /** A recorded blob is published again once it has less than this left (default 1 h). */
  minLifetimeMs?: number
  /** Bytes per range request when reading (default 4 MiB). */
  readWindowBytes?: number
  /** Range requests in flight for one read (default 4). */
  readConcurrency?: number
  /** Store blobs as permanent instead of deletable (default false). */
  permanent?: boolean
  /** Sui address that receives the Blob objects. */
  sendObjectTo?: string
  logger?: Logger
  now?: () => number
}

/** One index entry: where a blob was published and until when it is sure to live. */
interface PublishedEntry {
  blobId: string
  parts: boolean
  offset: number
  endEpoch?: number
  expiresMs: number
}

/** A stretch of one Walrus blob to read; `sha256` when the stretch is the whole part. */
interface Segment {
  blobId: string
  from: number
  to: number
  sha256?: string
}

interface Uploaded {
  blobId: string
  endEpoch?: number
}

export class WalrusBlobs implements RemoteBlobs {
  readonly name = 'walrus'
  private readonly client: WalrusClient
  private readonly local: Pick<LocalBlobStore, 'stat' | 'get' | 'put'>
  private readonly index: BlobIndexDb
  private readonly shards: number
  private readonly maxPartBytes: number
  private readonly epochMs: number
  private readonly minLifetimeMs: number
  private readonly readWindowBytes: number
  private readonly readConcurrency: number
  private readonly permanent: boolean
  private readonly sendObjectTo: string | undefined
  private readonly log: Logger
  private readonly now: () => number

  constructor(init: WalrusBlobsInit) {
    this.client = init.client
    this.local = init.local
    this.index = init.index
    this.shards = setting('shards', init.shards, MIN_SHARDS, MAX_SHARDS)
    this.maxPartBytes = setting('maxPartBytes', init.maxPartBytes ?? 10 * 1024 * 1024, 1, LIMITS.maxWalrusBlobBytes)
    this.epochMs = setting('epochMs', init.epochMs ?? 24 * 3600_000, 1, Number.MAX_SAFE_INTEGER)
    this.minLifetimeMs = setting('minLifetimeMs', init.minLifetimeMs ?? 3600_000, 0, Number.MAX_SAFE_INTEGER)
    this.readWindowBytes = setting('readWindowBytes', init.readWindowBytes ?? 4 * 1024 * 1024, 1, LIMITS.maxWalrusBlobBytes)
    this.readConcurrency = setting('readConcurrency', init.readConcurrency ?? 4, 1, 64)
    this.permanent = init.permanent ?? false
    this.sendObjectTo = init.sendObjectTo
    this.log = init.logger ?? createLogger('blobs:walrus')
    this.now = init.now ?? Date.now
  }

  async publish(ids: BlobId[], options: { signal?: AbortSignal } = {}): Promise<Map<BlobId, RemoteRef>> {
    const refs = new Map<BlobId, RemoteRef>()
    const fresh: BlobStat[] = []
    for (const id of new Set(ids)) {
      assertBlobId(id)
      const known = await this.recorded(id)
      if (known !== undefined) {
        refs.set(id, known)
        continue
      }
      const stat = await this.local.stat(id)
      if (stat === undefined) throw new BlobNotFoundError(id)
      // No ref can name zero bytes; an empty blob needs no transfer anyway.
      if (stat.size > 0) fresh.push(stat)
    }
    const maxObjectBytes = Math.min(LIMITS.maxWalrusObjectBytes, this.maxPartBytes * LIMITS.maxWalrusParts)
    for (const group of objects(fresh, maxObjectBytes)) {
      const placed = await this.publishObject(group, options.signal)
      for (const [id, entry] of placed) {
        await this.index.put(id, JSON.stringify(entry))
        refs.set(id, { blobId: entry.blobId, parts: entry.parts, offset: entry.offset })
      }
    }
    return refs
  }

  async fetchInto(ref: RemoteRef, id: BlobId, size: number, options: BlobGetOptions = {}): Promise<BlobStat> {
    assertBlobId(id)
    const problem = walrusRefProblem(ref, size)
    if (problem !== undefined) throw new WalrusRefError(`walrus ref for blob ${id}: ${problem}`)
    const { signal, onProgress } = options
    const segments = ref.parts ? await this.partSegments(ref, size, signal) : [{ blobId: ref.blobId, from: ref.offset, to: ref.offset + size }]
    return await this.local.put(this.readSegments(segments, signal), {
      expectedId: id,
      maxBytes: size,
      signal,
      onProgress: onProgress === undefined ? undefined : (p) => onProgress({ bytes: p.bytes, total: size })
    })
  }

  health(options: { signal?: AbortSignal } = {}): Promise<{ ok: boolean; detail: string }> {
    return this.client.health(options)
  }

  /** The recorded ref of a blob still sure to live for minLifetimeMs, if any. */
  private async recorded(id: BlobId): Promise<RemoteRef | undefined> {
    const value = await this.index.get(id)
    if (value === undefined) return undefined
    let entry: PublishedEntry
    try {
      entry = JSON.parse(value) as PublishedEntry
    } catch {
      return undefined
    }
    if (typeof entry.expiresMs !== 'number' || this.now() + this.minLifetimeMs > entry.expiresMs) return undefined
    const ref = { blobId: entry.blobId, parts: entry.parts === true, offset: entry.offset }
    return walrusRefProblem(ref, 1) === undefined ? ref : undefined
  }

  /** Uploads the blobs as one object and says where each one starts. Records nothing: the caller does, once all went well. */
  private async publishObject(group: BlobStat[], signal?: AbortSignal): Promise<Map<BlobId, PublishedEntry>> {
    const started = this.now()
    const total = group.reduce((sum, b) => sum + b.size, 0)
    let head: Uploaded
    let partCount = 0
    if (total <= this.maxPartBytes) {
      const [bytes] = await collect(this.chunksOf(group, signal))
      head = await this.upload(bytes!, signal)
    } else {
      const parts: WalrusPart[] = []
      let endEpoch: number | undefined
      for await (const bytes of this.chunksOf(group, signal)) {
        const part = await this.upload(bytes, signal)
        parts.push({ blobId: part.blobId, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') })
        endEpoch = minEpoch(endEpoch, part.endEpoch)
      }
      const manifest = await this.upload(encodeWalrusParts({ size: total, parts }), signal)
      head = { blobId: manifest.blobId, endEpoch: minEpoch(endEpoch, manifest.endEpoch) }
      partCount = parts.length
    }
    // The current epoch may be nearly over, so only epochs - 1 full epochs are sure.
    const expiresMs = started + (this.client.epochs - 1) * this.epochMs
    const placed = new Map<BlobId, PublishedEntry>()
    let offset = 0
    for (const blob of group) {
      placed.set(blob.id, { blobId: head.blobId, parts: partCount > 0, offset, endEpoch: head.endEpoch, expiresMs })
      offset += blob.size
    }
    this.log.info('published blobs to walrus', { blobs: group.length, bytes: total, blobId: head.blobId, parts: partCount })
    return placed
  }

  /** Stores one Walrus blob, refusing a publisher answer that names another blob id than the bytes encode to. */
  private async upload(bytes: Uint8Array, signal?: AbortSignal): Promise<Uploaded> {
    // Encoding and uploading overlap: the id is only needed to judge the answer.
    const [expected, stored] = await Promise.all([
      computeWalrusBlobId(bytes, this.shards),
      this.client.store(bytes, { permanent: this.permanent, sendObjectTo: this.sendObjectTo, signal })
    ])
    if (stored.blobId !== expected) throw new WalrusBlobIdMismatchError(expected, stored.blobId)
    return { blobId: stored.blobId, endEpoch: stored.endEpoch }
  }

  /** The blobs' concatenation in chunks of maxPartBytes (the last may be shorter), streamed from the local files. */
  private async *chunksOf(group: BlobStat[], signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    let remaining = group.reduce((sum, b) => sum + b.size, 0)
    let buf = new Uint8Array(Math.min(this.maxPartBytes, remaining))
    let filled = 0
    for (const blob of group) {
      let read = 0
      for await (let chunk of this.local.get(blob.id, { signal })) {
        read += chunk.byteLength
        if (read > blob.size) throw new BlobHashMismatchError(blob.id, undefined, `blob ${blob.id} grew while being published`)
        while (chunk.byteLength > 0) {
          const take = Math.min(chunk.byteLength, buf.byteLength - filled)
          buf.set(chunk.subarray(0, take), filled)
          filled += take
          chunk = chunk.subarray(take)
          if (filled === buf.byteLength) {
            yield buf
            remaining -= filled
            buf = new Uint8Array(Math.min(this.maxPartBytes, remaining))
            filled = 0
          }
        }
      }
      if (read !== blob.size) throw new BlobHashMismatchError(blob.id, undefined, `blob ${blob.id} changed size while being published`)
    }
  }

  /** Reads the manifest a parts ref names and returns the stretches of parts that hold [offset, offset+size). */
  private async partSegments(ref: RemoteRef, size: number, signal?: AbortSignal): Promise<Segment[]> {
    const bytes = await this.client.readAll(ref.blobId, { maxBytes: WALRUS_PARTS_MAX_BYTES, signal })
    let manifest: ReturnType<typeof parseWalrusParts>
    try {
      manifest = parseWalrusParts(bytes)
    } catch (err) {
      if (err instanceof ProtocolError) throw new WalrusResponseError(`walrus parts manifest ${ref.blobId}: ${err.message}`)
      throw err
    }
    const end = ref.offset + size
    if (end > manifest.size) throw new WalrusRefError(`walrus ref reaches byte ${end} of a ${manifest.size}-byte object`)
    const segments: Segment[] = []
    let partStart = 0
    for (const part of manifest.parts) {
      const partEnd = partStart + part.size
      if (partEnd > ref.offset && partStart < end) {
        const from = Math.max(ref.offset, partStart) - partStart
        const to = Math.min(end, partEnd) - partStart
        segments.push({ blobId: part.blobId, from, to, sha256: from === 0 && to === part.size ? part.sha256 : undefined })
      }
      partStart = partEnd
    }
    return segments
  }

  /** The segments' bytes in order, read in windows with a few range requests in flight; whole parts checked against their sha256. */
  private async *readSegments(segments: Segment[], signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const windows: { segment: Segment; offset: number; length: number; last: boolean }[] = []
    for (const segment of segments) {
      for (let at = segment.from; at < segment.to; at += this.readWindowBytes) {
        const length = Math.min(this.readWindowBytes, segment.to - at)
        windows.push({ segment, offset: at, length, last: at + length === segment.to })
      }
    }
    let hash = createHash('sha256')
    const reads = inOrder(
      windows.map((w) => (s: AbortSignal) => this.client.read(w.segment.blobId, { offset: w.offset, length: w.length, signal: s })),
      this.readConcurrency,
      signal
    )
    let i = 0
    for await (const bytes of reads) {
      const w = windows[i++]!
      if (w.segment.sha256 !== undefined) {
        hash.update(bytes)
        if (w.last) {
          const actual = hash.digest('hex')
          hash = createHash('sha256')
          if (actual !== w.segment.sha256) throw new BlobHashMismatchError(w.segment.sha256, actual, `walrus part ${w.segment.blobId} hashed to ${actual}, its manifest says ${w.segment.sha256}`)
        }
      }
      yield bytes
    }
  }
}

/** Splits blobs, in order, into objects of at most maxBytes (a blob is never split across objects). */
function* objects(blobs: BlobStat[], maxBytes: number): Generator<BlobStat[]> {
  let group: BlobStat[] = []
  let bytes = 0
  for (const blob of blobs) {
    if (group.length > 0 && bytes + blob.size > maxBytes) {
      yield group
      group = []
      bytes = 0
    }
    group.push(blob)
    bytes += blob.size
  }
  if (group.length > 0) yield group
}

/**
 * Runs the tasks with at most `concurrency` in flight and yields their results
 * in order. Leaving early (or a failure) aborts whatever is still running.
 */
async function* inOrder<T>(tasks: ((signal: AbortSignal) => Promise<T>)[], concurrency: number, signal?: AbortSignal): AsyncGenerator<T> {
  const done = new AbortController()
  const taskSignal = signal === undefined ? done.signal : AbortSignal.any([signal, done.signal])
  const running: Promise<T>[] = []
  let next = 0
  const fill = () => {
    while (running.length < concurrency && next < tasks.length) {
      const p = tasks[next++]!(taskSignal)
      // Awaited in order below; a failure further back must not go unhandled meanwhile.
      p.catch(() => {})
      running.push(p)
    }
  }
  try {
    fill()
    while (running.length > 0) {
      const value = await running.shift()!
      fill()
      yield value
    }
  } finally {
    done.abort(new Error('walrus read finished'))
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of source) out.push(item)
  return out
}

function minEpoch(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.min(a, b)
}

function setting(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new WalrusConfigError(`walrus ${name} must be a whole number from ${min} to ${max}, got ${value}`)
  return value
}
