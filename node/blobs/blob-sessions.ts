// The fetcher's blob streams. A stream is opened with /pictor/blob/1.1.0
// first and 1.0.0 as the fallback (a provider that predates 1.1.0); a 1.1.0
// stream that finished an exchange cleanly is kept for the next fetch from
// that peer, as RpcSessions keeps task RPC streams (node/net/rpc-sessions.ts):
// a creator fetches every frame of every result from the same worker, and
// a request on an open stream costs a round trip instead of a new stream
// and its protocol negotiation. A stream carries one exchange at a time;
// at most `maxIdleStreams` per peer wait between fetches, for `idleMs`,
// well within the provider's own idle timeout. One that failed in any way,
// or holds bytes nobody asked for, is aborted, never reused.

import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { BLOB_PROTOCOL, BLOB_PROTOCOL_1_1 } from '../../protocol/index.ts'
import { type IdleEndReason, IdlePool } from '../net/idle-pool.ts'
import { StreamReader } from './stream-io.ts'

/** Below the provider's BLOB_IDLE_TIMEOUT_MS (5 s), so that the fetcher, not the provider, ends an idle stream. */
export const BLOB_CLIENT_IDLE_MS = 2_000
/** Streams kept open per peer between fetches: a result's frames are fetched 4 at a time, and the next result's check often starts before the last one ends. */
export const BLOB_MAX_IDLE_STREAMS = 8

/**
 * Exchanges in flight to one peer at once; more wait for one to end. Open
 * streams to a provider (these, the idle ones, those still closing) must
 * stay under its maxInboundStreams, or it resets the next one: a creator
 * checking many results of one worker at once overran it.
 */
export const BLOB_MAX_ACTIVE_PER_PEER = 8

/** One open blob stream and its reader, which lives as long as the stream. */
export interface BlobChannel {
  readonly peer: string
  readonly stream: Stream
  readonly reader: StreamReader
  /** Negotiated 1.1.0: it may carry another request once this exchange is complete. */
  readonly multi: boolean
}

export interface BlobSessionsInit {
  idleMs?: number
  maxIdleStreams?: number
}

/** Opens a blob stream to `peer`: 1.1.0 where the peer speaks it, else 1.0.0. */
export async function openBlobChannel(libp2p: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, signal: AbortSignal): Promise<BlobChannel> {
  const stream = await libp2p.dialProtocol(peer, [BLOB_PROTOCOL_1_1, BLOB_PROTOCOL], { signal })
  return { peer: peer.toString(), stream, reader: new StreamReader(stream), multi: stream.protocol === BLOB_PROTOCOL_1_1 }
}

/** Ends a channel after a complete exchange: closes our write side, and the provider then ends the stream. */
export function closeBlobChannel(channel: BlobChannel): void {
  channel.reader.dispose()
  if (channel.stream.status !== 'open') return
  channel.stream.close().catch((err: Error) => channel.stream.abort(err))
}

/** Ends a channel whose exchange failed: aborted, never reused. */
export function abortBlobChannel(channel: BlobChannel, err: unknown): void {
  channel.reader.dispose()
  channel.stream.abort(err instanceof Error ? err : new Error(String(err)))
}

/** How an idle channel watches its stream while it waits. */
interface Watch {
  onEnd: () => void
  onUnasked: () => void
}

export class BlobSessions {
  private readonly libp2p: Pick<Libp2p, 'dialProtocol'>
  /** Idle channels per peer. */
  private readonly idle: IdlePool<BlobChannel>
  private readonly watches = new Map<BlobChannel, Watch>()
  /** Streams opened, for tests and benches: a reused stream opens none. */
  opened = 0
  /** Exchanges in flight per peer, and those waiting for one to end. */
  private readonly active = new Map<string, { count: number; waiting: Array<() => void> }>()

  constructor(libp2p: Pick<Libp2p, 'dialProtocol'>, init: BlobSessionsInit = {}) {
    this.libp2p = libp2p
    this.idle = new IdlePool<BlobChannel>({
      idleMs: init.idleMs ?? BLOB_CLIENT_IDLE_MS,
      maxPerKey: init.maxIdleStreams ?? BLOB_MAX_IDLE_STREAMS,
      usable: reusable,
      end: endIdle,
      left: (channel) => this.unwatch(channel)
    })
  }

  /** Open streams waiting for a request, all peers together. */
  get idleStreams(): number {
    return this.idle.size
  }

  /** A turn for one exchange with `peer` (at most BLOB_MAX_ACTIVE_PER_PEER at once); call the result when it is over. */
  async turn(peer: PeerId, signal: AbortSignal): Promise<() => void> {
    const key = peer.toString()
    let slot = this.active.get(key)
    if (slot === undefined) {
      slot = { count: 0, waiting: [] }
      this.active.set(key, slot)
    }
    while (slot.count >= BLOB_MAX_ACTIVE_PER_PEER) {
      signal.throwIfAborted()
      const s = slot
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          s.waiting.splice(s.waiting.indexOf(wake), 1)
          reject(signal.reason)
        }
        const wake = () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
        s.waiting.push(wake)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    }
    slot.count++
    let over = false
    return () => {
      if (over) return
      over = true
      slot.count--
      const next = slot.waiting.shift()
      if (next !== undefined) next()
      else if (slot.count === 0) this.active.delete(key)
    }
  }

  /** The most recently used idle channel to `peer` that can still carry a request, taken out of the pool. */
  take(peer: PeerId): BlobChannel | undefined {
    return this.idle.take(peer.toString())
  }

  async open(peer: PeerId, signal: AbortSignal): Promise<BlobChannel> {
    const channel = await openBlobChannel(this.libp2p, peer, signal)
    this.opened++
    return channel
  }

  /** After a complete exchange: kept for the next fetch from that peer when it can carry one and there is room, else closed. */
  release(channel: BlobChannel): void {
    if (!channel.multi) {
      endIdle(channel, 'full')
      return
    }
    if (!this.idle.keep(channel.peer, channel)) return
    const watch: Watch = {
      onEnd: () => this.idle.remove(channel.peer, channel) && endIdle(channel, 'closed'),
      onUnasked: () => this.idle.remove(channel.peer, channel) && abortBlobChannel(channel, new Error(UNASKED))
    }
    // The provider ended it (its idle timeout, its request cap, a restart) or the connection went: never hand it out again.
    channel.stream.addEventListener('close', watch.onEnd)
    channel.stream.addEventListener('remoteCloseWrite', watch.onEnd)
    // Bytes on an idle stream are bytes nobody asked for.
    channel.stream.addEventListener('message', watch.onUnasked)
    this.watches.set(channel, watch)
  }

  /** Closes every idle stream (a stopping store); fetches in flight finish on theirs. */
  close(): void {
    this.idle.close()
  }

  private unwatch(channel: BlobChannel): void {
    const watch = this.watches.get(channel)
    if (watch === undefined) return
    this.watches.delete(channel)
    channel.stream.removeEventListener('close', watch.onEnd)
    channel.stream.removeEventListener('remoteCloseWrite', watch.onEnd)
    channel.stream.removeEventListener('message', watch.onUnasked)
  }
}

const UNASKED = 'provider sent bytes nobody asked for'

/** A channel let go: one kept but no longer usable is aborted, as is one holding bytes nobody asked for; else closed. */
function endIdle(channel: BlobChannel, why: IdleEndReason): void {
  if (why === 'stale') abortBlobChannel(channel, new Error('blob stream no longer usable'))
  else if (channel.reader.buffered > 0) abortBlobChannel(channel, new Error(UNASKED))
  else closeBlobChannel(channel)
}

function reusable(channel: BlobChannel): boolean {
  const s = channel.stream
  return s.status === 'open' && s.writeStatus === 'writable' && s.remoteWriteStatus === 'writable' && channel.reader.buffered === 0
}
