// The blob fetch protocol, fetcher side (the wire is described in
// blob-protocol.ts). The fetcher trusts nothing: the announced size is
// checked against its limit before any byte is read, and the bytes against
// the requested id before they are kept. A provider that breaks the
// protocol fails with an error isBadProvider() recognises, so the caller
// can drop it (R73).

import { createHash } from 'node:crypto'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { BLOB_CODES, BlobHeader, BlobRequest, LIMITS } from '../../protocol/index.ts'
import { MAX_HEADER_BYTES } from './blob-protocol.ts'
import { abortBlobChannel, type BlobChannel, type BlobSessions, closeBlobChannel, openBlobChannel } from './blob-sessions.ts'
import { BlobError, BlobFetchError, BlobHashMismatchError, BlobNotFoundError, BlobPeerBusyError, BlobPeerUnreachableError, BlobTooLargeError } from './errors.ts'
import { assertBlobId, blobIdToBytes } from './ids.ts'
import { IdleTimeout } from './idle-timeout.ts'
import { lengthPrefixed, MessageLengthError, sendPaced, UnexpectedEndError } from './stream-io.ts'
import type { BlobId, BlobProgress, BlobStat, BlobStore } from './types.ts'

/**
 * The largest blob a fetch with `inMemory` receives into memory; a larger
 * one is streamed into the store as any other. Small enough that a
 * creator checking 4 frames at once holds a few dozen MiB at most.
 */
export const MAX_IN_MEMORY_BLOB_BYTES = 4 * 1024 * 1024

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
  /** Streams kept open between fetches (a NetworkedBlobStore's); without it the fetch opens its own stream and closes it. */
  sessions?: BlobSessions
  /**
   * Receive a blob of at most MAX_IN_MEMORY_BLOB_BYTES into memory, check
   * it there, store it from there and hand the bytes back: a reader that
   * needs them (a frame to decode) does not read the file back.
   */
  inMemory?: boolean
}

/** A fetched blob; `bytes` when it was received into memory (FetchBlobOptions.inMemory). Read them, never change them. */
export interface FetchedBlob extends BlobStat {
  bytes?: Uint8Array
}

/** The reused stream ended before its answer began: the provider closed it as we wrote. Asked again on a new one. */
const STALE = Symbol('stale stream')

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
): Promise<FetchedBlob> {
  assertBlobId(id)
  const idle = new IdleTimeout(options.idleTimeoutMs ?? 30_000, () => new BlobFetchError(id, `peer ${peer} stalled`))
  const signal = options.signal === undefined ? idle.signal : AbortSignal.any([options.signal, idle.signal])
  const exchange: Exchange = { store, peer, id, maxBytes: options.maxBytes ?? LIMITS.maxBlobBytes, idle, signal, options }
  const turnOver = await options.sessions?.turn(peer, signal)
  try {
    const reused = options.sessions?.take(peer)
    if (reused !== undefined) {
      const fetched = await exchangeOn(reused, true, exchange)
      if (fetched !== STALE) return fetched
    }
    const fresh = await dial(libp2p, exchange)
    return (await exchangeOn(fresh, false, exchange)) as FetchedBlob
  } catch (err) {
    if (idle.signal.aborted) throw idle.signal.reason
    if (options.signal?.aborted) throw options.signal.reason
    if (err instanceof BlobError) throw err
    throw new BlobFetchError(id, `transfer from peer ${peer} failed`, { cause: err })
  } finally {
    turnOver?.()
    idle.clear()
  }
}

interface Exchange {
  store: BlobStore
  peer: PeerId
  id: BlobId
  maxBytes: number
  idle: IdleTimeout
  signal: AbortSignal
  options: FetchBlobOptions
}

/**
 * One request and its answer on `channel`. STALE when a reused stream
 * ended before the answer began; any other failure throws, and the stream
 * is aborted. A complete exchange hands the stream back (kept for reuse on
 * 1.1.0 with sessions, closed otherwise).
 */
async function exchangeOn(channel: BlobChannel, reused: boolean, x: Exchange): Promise<FetchedBlob | typeof STALE> {
  const { id, peer, signal } = x
  let released = false
  const release = () => {
    released = true
    if (x.options.sessions !== undefined) x.options.sessions.release(channel)
    else closeBlobChannel(channel)
  }
  let answered = false
  try {
    // No half-close here: a fast server can finish its side first, and a
    // stream closed at both ends then refuses the data still in flight
    // ("Cannot push data onto a stream that is closed"). We close after the body.
    await sendPaced(channel.stream, lengthPrefixed(BlobRequest.encode({ blobId: blobIdToBytes(id), offset: 0 })), { signal })
    const header = await readHeader(channel, id, peer, signal)
    if (header === undefined) {
      if (reused) {
        abortBlobChannel(channel, new Error('blob stream ended'))
        return STALE
      }
      throw new BlobFetchError(id, `peer ${peer} closed the stream without answering`)
    }
    answered = true
    x.idle.touch()
    if (header.code === BLOB_CODES.notFound || header.code === BLOB_CODES.busy) {
      release()
      if (header.code === BLOB_CODES.notFound) throw new BlobNotFoundError(id)
      throw new BlobPeerBusyError(id, `peer ${peer} is busy`)
    }
    if (header.code !== BLOB_CODES.ok) throw new BlobFetchError(id, `peer ${peer} replied with unknown code ${header.code}`, { badProvider: true })
    if (header.size > x.maxBytes) throw new BlobTooLargeError(x.maxBytes, `peer ${peer} announced ${header.size} bytes, over the limit of ${x.maxBytes}`)
    // 1.0.0 ends the body with the stream, so a provider that sends more is caught; 1.1.0 bodies are exactly `size`.
    const body = exactly(channel.multi ? channel.reader.bytes(header.size, signal) : channel.reader.rest(signal), header.size, x)
    const fetched = x.options.inMemory === true && header.size <= MAX_IN_MEMORY_BLOB_BYTES ? await receiveInMemory(body, header.size, x) : await receiveIntoStore(body, header.size, x)
    release()
    return fetched
  } catch (err) {
    if (!released) abortBlobChannel(channel, err)
    // A reused stream reset or ended as we wrote: the provider's idle timeout or request cap, or a restart.
    if (reused && !answered && !signal.aborted && !(err instanceof BlobError)) return STALE
    throw err
  }
}

async function receiveIntoStore(body: AsyncIterable<Uint8Array>, size: number, x: Exchange): Promise<FetchedBlob> {
  const onProgress = x.options.onProgress
  return await x.store.put(body, {
    expectedId: x.id,
    maxBytes: x.maxBytes,
    sizeHint: size,
    durable: x.options.durable,
    signal: x.signal,
    onProgress: onProgress && ((p) => onProgress({ bytes: p.bytes, total: size }))
  })
}

/** The body into one buffer, hashed as it arrives; kept (stored from the buffer) only if it hashes to the id. */
async function receiveInMemory(body: AsyncIterable<Uint8Array>, size: number, x: Exchange): Promise<FetchedBlob> {
  const bytes = new Uint8Array(size)
  const hash = createHash('sha256')
  let received = 0
  for await (const chunk of body) {
    bytes.set(chunk, received)
    hash.update(chunk)
    received += chunk.byteLength
    x.options.onProgress?.({ bytes: received, total: size })
  }
  const actual = hash.digest('hex')
  // The same error, and nothing written, as a store's put with expectedId.
  if (actual !== x.id) throw new BlobHashMismatchError(x.id, actual)
  const stat = await x.store.put(bytes, { expectedId: x.id, maxBytes: x.maxBytes, durable: x.options.durable, signal: x.signal })
  return { ...stat, bytes }
}

/** Opens a blob stream; a failed or timed-out dial is BlobPeerUnreachableError, an abort of `signal` its reason. */
async function dial(libp2p: Pick<Libp2p, 'dialProtocol'>, x: Exchange): Promise<BlobChannel> {
  const timeoutMs = x.options.dialTimeoutMs
  const signal = timeoutMs === undefined ? x.signal : AbortSignal.any([x.signal, AbortSignal.timeout(timeoutMs)])
  try {
    return x.options.sessions !== undefined ? await x.options.sessions.open(x.peer, signal) : await openBlobChannel(libp2p, x.peer, signal)
  } catch (err) {
    if (x.signal.aborted) throw err
    throw new BlobPeerUnreachableError(x.id, `could not open a blob stream to peer ${x.peer}`, { cause: err })
  }
}

/**
 * The provider's header, or undefined when the stream ended cleanly before
 * it; one that does not decode as a BlobHeader within its cap marks the
 * provider bad (R73).
 */
async function readHeader(channel: BlobChannel, id: BlobId, peer: PeerId, signal: AbortSignal): Promise<BlobHeader | undefined> {
  let bytes: Uint8Array | undefined
  try {
    bytes = await channel.reader.message(MAX_HEADER_BYTES, signal)
  } catch (err) {
    if (err instanceof MessageLengthError) throw new BlobFetchError(id, `peer ${peer} sent a malformed header`, { cause: err, badProvider: true })
    throw err
  }
  if (bytes === undefined) return undefined
  try {
    return BlobHeader.decode(bytes)
  } catch (err) {
    throw new BlobFetchError(id, `peer ${peer} sent a malformed header`, { cause: err, badProvider: true })
  }
}

/** Passes the body through, failing as soon as the peer breaks its announced size. */
async function* exactly(source: AsyncIterable<Uint8Array>, size: number, x: Exchange): AsyncGenerator<Uint8Array> {
  let received = 0
  try {
    for await (const chunk of source) {
      x.idle.touch()
      received += chunk.byteLength
      if (received > size) throw new BlobHashMismatchError(x.id, undefined, `peer sent more than the ${size} bytes it announced for ${x.id}`)
      yield chunk
    }
  } catch (err) {
    if (!(err instanceof UnexpectedEndError)) throw err
    received = err.received
  }
  // A clean end short of the announced size is a lie; a reset or abort throws above instead.
  if (received < size) throw new BlobFetchError(x.id, `stream ended after ${received} of ${size} bytes`, { badProvider: true })
}
