// The blob fetch protocol, provider side (the fetcher is blob-client.ts).
// /pictor/blob/1.0.0, one blob per stream:
//   client -> server  varint-length-prefixed BlobRequest { blobId, offset }
//   server -> client  varint-length-prefixed BlobHeader { code, size }
//   server -> client  when code is ok: size = length - offset, then the raw
//                     bytes [offset, length), then close (SPEC R70)
// /pictor/blob/1.1.0, the same exchange repeated on one stream: after a
// header (and, when ok, exactly `size` raw bytes) the client may write its
// next request, or close its write side to end the stream (R70a). A stream
// carries at most maxRequestsPerStream requests and waits idleTimeoutMs for
// each after the first; then the provider ends it. Opening a stream and
// negotiating its protocol costs ~10 times a request on an open one, and a
// creator fetches every frame of every result from the same worker.
// Busy and concurrency rules are per request, as in 1.0.0: an idle stream
// serves nothing and counts only against maxInboundStreams.

import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { type LengthPrefixedStream, lpStream } from '@libp2p/utils'
import { concat } from 'uint8arrays/concat'
import { BLOB_CODES, BLOB_PROTOCOL, BLOB_PROTOCOL_1_1, BlobHeader, BlobRequest, bytesEqual } from '../../protocol/index.ts'
import { createLogger, type Logger } from '../log.ts'
import { BlobError } from './errors.ts'
import { blobIdFromBytes } from './ids.ts'
import { lengthPrefixed, sendPaced, StreamClosedError } from './stream-io.ts'
import type { BlobId, BlobStore } from './types.ts'

/** A request is a 32-byte id and a varint; anything longer is not one. */
export const MAX_REQUEST_BYTES = 64
export const MAX_HEADER_BYTES = 32
/**
 * Requests one 1.1.0 stream carries before the provider ends it: a stream
 * does not live for ever, and a client that wants more opens another.
 */
export const MAX_REQUESTS_PER_STREAM = 256
/**
 * How long a provider keeps a 1.1.0 stream open for the next request. An
 * idle stream costs a slot of maxInboundStreams; clients drop theirs sooner
 * (BLOB_CLIENT_IDLE_MS), so a request rarely meets a stream being ended.
 */
export const BLOB_IDLE_TIMEOUT_MS = 5_000
/**
 * A body up to this size is read whole before anything is sent, and goes
 * out with its header in one write: one frame on the connection instead of
 * two for the small blobs (frames) that make up most requests.
 */
const SMALL_BODY_BYTES = 64 * 1024

export interface BlobServerInit {
  /** Blobs being streamed at once, over all peers; beyond it a request gets `busy`. */
  maxConcurrentServes?: number
  /** Streams of each blob protocol one connection may hold open, default 64 (libp2p resets the rest; fetchers keep theirs well under it, BLOB_MAX_ACTIVE_PER_PEER). */
  maxInboundStreams?: number
  /** Time a client has to send its request after opening the stream. */
  requestTimeoutMs?: number
  /** 1.1.0: time a client has to send its next request after a blob; then the stream is reset. */
  idleTimeoutMs?: number
  /** 1.1.0: requests one stream may carry; after the last answer the stream is closed. */
  maxRequestsPerStream?: number
  /** Time a served stream may take to flush and close. */
  closeTimeoutMs?: number
}

export interface BlobServerComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>
  /** Only local blobs are served: a request never triggers a fetch elsewhere. */
  store: BlobStore
  logger?: Logger
}

/** A stream that waited past the idle timeout for its next request: routine, not worth a log line. */
class StreamIdleError extends BlobError {
  constructor() {
    super('ERR_BLOB_STREAM_IDLE', 'blob stream idle')
  }
}

export class BlobServer {
  private readonly libp2p: BlobServerComponents['libp2p']
  private readonly store: BlobStore
  private readonly log: Logger
  private readonly maxConcurrentServes: number
  private readonly maxInboundStreams: number
  private readonly requestTimeoutMs: number
  private readonly idleTimeoutMs: number
  private readonly maxRequestsPerStream: number
  private readonly closeTimeoutMs: number
  private readonly inFlight = new Set<AbortController>()
  private serving = 0

  constructor(components: BlobServerComponents, init: BlobServerInit = {}) {
    this.libp2p = components.libp2p
    this.store = components.store
    this.log = components.logger ?? createLogger('blobs:server')
    this.maxConcurrentServes = init.maxConcurrentServes ?? 16
    this.maxInboundStreams = init.maxInboundStreams ?? 64
    this.requestTimeoutMs = init.requestTimeoutMs ?? 10_000
    this.idleTimeoutMs = init.idleTimeoutMs ?? BLOB_IDLE_TIMEOUT_MS
    this.maxRequestsPerStream = init.maxRequestsPerStream ?? MAX_REQUESTS_PER_STREAM
    this.closeTimeoutMs = init.closeTimeoutMs ?? 30_000
  }

  async start(): Promise<void> {
    const handler = (stream: Stream, connection: Connection) => this.serve(stream, connection)
    await this.libp2p.handle([BLOB_PROTOCOL_1_1, BLOB_PROTOCOL], handler, { maxInboundStreams: this.maxInboundStreams })
  }

  async stop(): Promise<void> {
    await this.libp2p.unhandle([BLOB_PROTOCOL_1_1, BLOB_PROTOCOL])
    for (const controller of this.inFlight) controller.abort(new StreamClosedError('blob server stopping'))
  }

  /**
   * Answers the stream's requests: one on 1.0.0 (and on a stream without a
   * negotiated protocol), up to maxRequestsPerStream on 1.1.0. Never
   * throws: every outcome ends with the stream closed or aborted.
   */
  async serve(stream: Stream, connection: Connection): Promise<void> {
    const controller = new AbortController()
    this.inFlight.add(controller)
    const signal = controller.signal
    const maxRequests = stream.protocol === BLOB_PROTOCOL_1_1 ? this.maxRequestsPerStream : 1
    let failure: Error | undefined
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
      for (let n = 0; n < maxRequests; n++) {
        const request = await this.readRequest(lp, stream, n, controller)
        if (request === undefined) break
        await this.answer(request, lp, stream, connection, signal)
      }
    } catch (err) {
      failure = signal.reason instanceof StreamIdleError ? signal.reason : err instanceof Error ? err : new Error(String(err))
      if (!(failure instanceof StreamIdleError)) this.log.debug('blob serve failed', { err: failure, peer: connection.remotePeer.toString() })
    } finally {
      this.inFlight.delete(controller)
      // Returning from a handler does not close the stream; a leaked one counts against maxInboundStreams.
      if (failure !== undefined) stream.abort(failure)
      else await stream.close({ signal: AbortSignal.timeout(this.closeTimeoutMs) }).catch((err: Error) => stream.abort(err))
    }
  }

  /** The n-th request's bytes; undefined when the client closed its write side after a complete exchange. */
  private async readRequest(lp: LengthPrefixedStream<Stream>, stream: Stream, n: number, controller: AbortController): Promise<Uint8Array | undefined> {
    // A late request ends the stream, so the timer aborts the stream's own controller: no signal to combine per request.
    const timer =
      n === 0
        ? setTimeout(() => controller.abort(new BlobError('ERR_BLOB_BAD_REQUEST', 'request not read in time')), this.requestTimeoutMs)
        : setTimeout(() => controller.abort(new StreamIdleError()), this.idleTimeoutMs)
    try {
      return (await lp.read({ signal: controller.signal })).subarray()
    } catch (err) {
      // The end of a 1.1.0 stream: the client closed its write side between exchanges.
      if (n > 0 && stream.remoteWriteStatus === 'closed' && err instanceof Error && err.name === 'UnexpectedEOFError') return undefined
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  /** One request's header and body; throws (and the stream is aborted) on a request that is not one. */
  private async answer(bytes: Uint8Array, lp: LengthPrefixedStream<Stream>, stream: Stream, connection: Connection, signal: AbortSignal): Promise<void> {
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
      const size = stat.size - request.offset
      const header = BlobHeader.encode({ code: BLOB_CODES.ok, size })
      if (size <= SMALL_BODY_BYTES) {
        const body = await this.readBody(id, request.offset, size, signal)
        if (stream.remoteReadStatus === 'closed') throw new StreamClosedError('client stopped reading')
        await sendPaced(stream, concat([lengthPrefixed(header), ...body]), { signal })
      } else {
        await lp.write(header, { signal })
        for await (const piece of this.body(id, request.offset, size, signal)) {
          if (stream.remoteReadStatus === 'closed') throw new StreamClosedError('client stopped reading')
          await sendPaced(stream, piece, { signal })
        }
      }
      this.log.debug('served blob', { id, size: stat.size, peer: connection.remotePeer.toString() })
    } finally {
      this.serving--
    }
  }

  /** A small body, whole, before any of it is sent. */
  private async readBody(id: BlobId, offset: number, size: number, signal: AbortSignal): Promise<Uint8Array[]> {
    const pieces: Uint8Array[] = []
    for await (const piece of this.body(id, offset, size, signal)) pieces.push(piece)
    return pieces
  }

  /**
   * The blob's bytes from `offset`, exactly `size` of them or a throw (the
   * header is a promise, and on 1.1.0 the next header follows the body).
   * The client hashes what it receives. get() re-hashes a copy this store
   * has not verified since it started; a corrupted one ends in an abort, never a clean close.
   */
  private async *body(id: BlobId, offset: number, size: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    let skip = offset
    let sent = 0
    for await (const chunk of this.store.get(id, { signal, verify: 'once' })) {
      if (skip >= chunk.byteLength) {
        skip -= chunk.byteLength
        continue
      }
      const piece = skip > 0 ? chunk.subarray(skip) : chunk
      skip = 0
      if (sent + piece.byteLength > size) throw new BlobError('ERR_BLOB_CHANGED', `blob ${id} grew while being served`)
      sent += piece.byteLength
      yield piece
    }
    if (sent !== size) throw new BlobError('ERR_BLOB_CHANGED', `blob ${id} shrank while being served`)
  }
}
