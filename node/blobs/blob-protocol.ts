// The blob fetch protocol (/pictor/blob/1.0.0), one blob per stream:
//   client -> server  varint-length-prefixed BlobRequest { blobId, offset }
//   client            closes its write end
//   server -> client  varint-length-prefixed BlobHeader { code, size }
//   server -> client  when code is ok: size = length - offset, then the raw
//                     bytes [offset, length), then close (SPEC R70)
// The client trusts nothing: size is checked against its limit before any
// byte is read, and the bytes against the requested id before they are kept.
// A provider that breaks the protocol fails with an error isBadProvider()
// recognises, so the caller can drop it (R73).

import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { BLOB_CODES, BLOB_PROTOCOL, BlobHeader, BlobRequest, bytesEqual, LIMITS } from '../../protocol/index.ts'
import { createLogger, type Logger } from '../log.ts'
import { BlobError, BlobFetchError, BlobHashMismatchError, BlobNotFoundError, BlobPeerBusyError, BlobPeerUnreachableError, BlobTooLargeError } from './errors.ts'
import { assertBlobId, blobIdFromBytes, blobIdToBytes } from './ids.ts'
import { readChunks, sendPaced, StreamClosedError } from './stream-io.ts'
import type { BlobId, BlobProgress, BlobStat, BlobStore } from './types.ts'

/** A request is a 32-byte id and a varint; anything longer is not one. */
const MAX_REQUEST_BYTES = 64
const MAX_HEADER_BYTES = 32

export interface BlobServerInit {
  /** Blobs being streamed at once, over all peers; beyond it a request gets `busy`. */
  maxConcurrentServes?: number
  /** Streams of this protocol one connection may hold open (libp2p resets the rest). */
  maxInboundStreams?: number
  /** Time a client has to send its request after opening the stream. */
  requestTimeoutMs?: number
  /** Time a served stream may take to flush and close. */
  closeTimeoutMs?: number
}

export interface BlobServerComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>
  /** Only local blobs are served: a request never triggers a fetch elsewhere. */
  store: BlobStore
  logger?: Logger
}

export class BlobServer {
  private readonly libp2p: BlobServerComponents['libp2p']
  private readonly store: BlobStore
  private readonly log: Logger
  private readonly maxConcurrentServes: number
  private readonly maxInboundStreams: number
  private readonly requestTimeoutMs: number
  private readonly closeTimeoutMs: number
  private readonly inFlight = new Set<AbortController>()
  private serving = 0

  constructor(components: BlobServerComponents, init: BlobServerInit = {}) {
    this.libp2p = components.libp2p
    this.store = components.store
    this.log = components.logger ?? createLogger('blobs:server')
    this.maxConcurrentServes = init.maxConcurrentServes ?? 16
    this.maxInboundStreams = init.maxInboundStreams ?? 16
    this.requestTimeoutMs = init.requestTimeoutMs ?? 10_000
    this.closeTimeoutMs = init.closeTimeoutMs ?? 30_000
  }

  async start(): Promise<void> {
    await this.libp2p.handle(BLOB_PROTOCOL, (stream, connection) => this.serve(stream, connection), {
      maxInboundStreams: this.maxInboundStreams
    })
  }

  async stop(): Promise<void> {
    await this.libp2p.unhandle(BLOB_PROTOCOL)
    for (const controller of this.inFlight) controller.abort(new StreamClosedError('blob server stopping'))
  }

  /** Never throws: every outcome ends with the stream closed or aborted. */
  async serve(stream: Stream, connection: Connection): Promise<void> {
    const controller = new AbortController()
    this.inFlight.add(controller)
    const signal = controller.signal
    let failure: Error | undefined
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
      const bytes = (await lp.read({ signal: AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]) })).subarray()
      const request = BlobRequest.decode(bytes)
      // The decoder skips fields of an unexpected wire type; only the one encoding of a request is one.
      if (!bytesEqual(BlobRequest.encode(request), bytes)) throw new BlobError('ERR_BLOB_BAD_REQUEST', 'blob request is not canonically encoded')
      const id = blobIdFromBytes(request.blobId)
      if (this.serving >= this.maxConcurrentServes) {
        await lp.write(BlobHeader.encode({ code: BLOB_CODES.busy, size: 0 }), { signal })
        return
      }
      this.serving++
      try {
        const stat = await this.store.stat(id)
        if (stat === undefined) {
          await lp.write(BlobHeader.encode({ code: BLOB_CODES.notFound, size: 0 }), { signal })
          return
        }
        if (request.offset > stat.size) throw new BlobError('ERR_BLOB_BAD_REQUEST', `offset ${request.offset} past the end`)
        // R70: size counts the bytes that follow, not the whole blob.
        await lp.write(BlobHeader.encode({ code: BLOB_CODES.ok, size: stat.size - request.offset }), { signal })
        const raw = lp.unwrap()
        let skip = request.offset
        // The client hashes what it receives. get() re-hashes a copy this store
        // has not verified since it started; a corrupted one ends in an abort, never a clean close.
        for await (const chunk of this.store.get(id, { signal, verify: 'once' })) {
          if (stream.remoteReadStatus === 'closed') throw new StreamClosedError('client stopped reading')
          if (skip >= chunk.byteLength) {
            skip -= chunk.byteLength
            continue
          }
          await sendPaced(raw, skip > 0 ? chunk.subarray(skip) : chunk, { signal })
          skip = 0
        }
        this.log.debug('served blob', { id, size: stat.size, peer: connection.remotePeer.toString() })
      } finally {
        this.serving--
      }
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err))
      this.log.debug('blob serve failed', { err: failure, peer: connection.remotePeer.toString() })
    } finally {
      this.inFlight.delete(controller)
      // Returning from a handler does not close the stream; a leaked one counts against maxInboundStreams.
      if (failure !== undefined) stream.abort(failure)
      else await stream.close({ signal: AbortSignal.timeout(this.closeTimeoutMs) }).catch((err: Error) => stream.abort(err))
    }
  }
}

export interface FetchBlobOptions {
  signal?: AbortSignal
  onProgress?: (progress: BlobProgress) => void
  /** Refuse a blob announced or sent larger than this. */
  maxBytes?: number
  /** Give up on a peer that sends nothing for this long. */
  idleTimeoutMs?: number
  /** Give up on a peer not dialled within this long (a provider found in the DHT may be a dead address); the idle timeout otherwise. */
  dialTimeoutMs?: number
  /** Passed to the store's put (default true). */
  durable?: boolean
}

/**
 * Fetches one blob from one peer into `store`. Resolves only once the bytes
 * hashed to `id` and were stored; a peer that lies (wrong bytes, more bytes
 * than announced) gives BlobHashMismatchError and leaves nothing behind.
 */
export async function fetchBlobFromPeer(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  store: BlobStore,
  peer: PeerId,
  id: BlobId,
  options: FetchBlobOptions = {}
): Promise<BlobStat> {
  assertBlobId(id)
  const maxBytes = options.maxBytes ?? LIMITS.maxBlobBytes
  const idle = new IdleTimeout(options.idleTimeoutMs ?? 30_000, () => new BlobFetchError(id, `peer ${peer} stalled`))
  const signal = options.signal === undefined ? idle.signal : AbortSignal.any([options.signal, idle.signal])
  let stream: Stream | undefined
  try {
    stream = await dial(libp2p, peer, id, signal, options.dialTimeoutMs)
    const lp = lpStream(stream, { maxDataLength: MAX_HEADER_BYTES })
    await lp.write(BlobRequest.encode({ blobId: blobIdToBytes(id), offset: 0 }), { signal })
    // No half-close here: a fast server can finish its side first, and a
    // stream closed at both ends then refuses the data still in flight
    // ("Cannot push data onto a stream that is closed"). We close after the body.
    const header = await readHeader(lp, id, peer, signal)
    idle.touch()
    if (header.code === BLOB_CODES.notFound) throw new BlobNotFoundError(id)
    if (header.code === BLOB_CODES.busy) throw new BlobPeerBusyError(id, `peer ${peer} is busy`)
    if (header.code !== BLOB_CODES.ok) throw new BlobFetchError(id, `peer ${peer} replied with unknown code ${header.code}`, { badProvider: true })
    if (header.size > maxBytes) throw new BlobTooLargeError(maxBytes, `peer ${peer} announced ${header.size} bytes, over the limit of ${maxBytes}`)
    const body = exactly(readChunks(lp.unwrap(), { signal }), header.size, id, idle)
    const onProgress = options.onProgress
    const stat = await store.put(body, {
      expectedId: id,
      maxBytes,
      sizeHint: header.size,
      durable: options.durable,
      signal,
      onProgress: onProgress && ((p) => onProgress({ bytes: p.bytes, total: header.size }))
    })
    await stream.close({ signal }).catch((err: Error) => stream?.abort(err))
    return stat
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    if (idle.signal.aborted) throw idle.signal.reason
    if (options.signal?.aborted) throw options.signal.reason
    if (err instanceof BlobError) throw err
    throw new BlobFetchError(id, `transfer from peer ${peer} failed`, { cause: err })
  } finally {
    idle.clear()
  }
}

/** Opens the blob stream; a failed or timed-out dial is BlobPeerUnreachableError, an abort of `signal` its reason. */
async function dial(libp2p: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, id: BlobId, signal: AbortSignal, timeoutMs: number | undefined): Promise<Stream> {
  try {
    return await libp2p.dialProtocol(peer, BLOB_PROTOCOL, { signal: timeoutMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) })
  } catch (err) {
    if (signal.aborted) throw err
    throw new BlobPeerUnreachableError(id, `could not open a blob stream to peer ${peer}`, { cause: err })
  }
}

/** lpStream's errors for a length prefix that is not one, or over maxDataLength. */
const BAD_LENGTH_ERRORS = new Set(['InvalidMessageLengthError', 'InvalidDataLengthError', 'InvalidDataLengthLengthError'])

/** The provider's header; one that does not decode as a BlobHeader within its cap marks the provider bad (R73). */
async function readHeader(lp: ReturnType<typeof lpStream>, id: BlobId, peer: PeerId, signal: AbortSignal): Promise<BlobHeader> {
  let bytes: Uint8Array
  try {
    bytes = (await lp.read({ signal })).subarray()
  } catch (err) {
    if (err instanceof Error && BAD_LENGTH_ERRORS.has(err.name)) throw new BlobFetchError(id, `peer ${peer} sent a malformed header`, { cause: err, badProvider: true })
    throw err
  }
  try {
    return BlobHeader.decode(bytes)
  } catch (err) {
    throw new BlobFetchError(id, `peer ${peer} sent a malformed header`, { cause: err, badProvider: true })
  }
}

/** Passes the body through, failing as soon as the peer breaks its announced size. */
async function* exactly(source: AsyncIterable<Uint8Array>, size: number, id: BlobId, idle: IdleTimeout): AsyncGenerator<Uint8Array> {
  let received = 0
  for await (const chunk of source) {
    idle.touch()
    received += chunk.byteLength
    if (received > size) throw new BlobHashMismatchError(id, undefined, `peer sent more than the ${size} bytes it announced for ${id}`)
    yield chunk
  }
  // A clean end short of the announced size is a lie; a reset or abort throws above instead.
  if (received < size) throw new BlobFetchError(id, `stream ended after ${received} of ${size} bytes`, { badProvider: true })
}

/** An abort signal that fires after `ms` without a touch(): a slow transfer is fine, a stalled one is not. */
class IdleTimeout {
  private readonly controller = new AbortController()
  private readonly ms: number
  private readonly reason: () => Error
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(ms: number, reason: () => Error) {
    this.ms = ms
    this.reason = reason
    this.touch()
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  touch(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.controller.abort(this.reason()), this.ms)
  }

  clear(): void {
    clearTimeout(this.timer)
  }
}
