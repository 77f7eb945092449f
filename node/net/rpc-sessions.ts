// The client side of rpc.ts for a peer called often (a worker's task RPCs
// to a creator): a few streams per peer and protocol stay open and each
// request goes out on an idle one, so a call costs one round trip instead
// of a new stream and its protocol negotiation (~0.3 ms against ~2.2 ms).
// A stream carries one exchange at a time; a call that finds none idle
// opens another, and at most `maxIdleStreams` are kept between calls.
// Streams idle for `idleMs` are closed, well before the server's own idle
// timeout; one that failed in any way is aborted, never reused.
//
// A request that fails on a reused stream is sent once more on a new one:
// the server may have closed the stream just as we wrote (its idle
// timeout, a restart). Only for requests that are harmless to receive twice:
// the task protocol's are signed and the creator refuses a replay.
import type { PeerId, Stream } from '@libp2p/interface'
import { type LengthPrefixedStream, lpStream } from '@libp2p/utils'
import type { PictorLibp2p } from './host.ts'
import { deadline, type RpcOptions, timeoutError } from './rpc.ts'

/** Below the server's RPC_IDLE_TIMEOUT_MS (5 s), so that the client, not the server, ends an idle stream. */
export const RPC_CLIENT_IDLE_MS = 2_000
/** Streams kept open per peer and protocol between calls: a worker's slots each claim and commit at their own pace. */
export const RPC_MAX_IDLE_STREAMS = 4

export interface RpcSessionsInit {
  idleMs?: number
  maxIdleStreams?: number
}

interface Session {
  key: string
  stream: Stream
  lp: LengthPrefixedStream<Stream>
  idleTimer?: NodeJS.Timeout
}

export class RpcSessions {
  private readonly libp2p: Pick<PictorLibp2p, 'dialProtocol'>
  private readonly idleMs: number
  private readonly maxIdleStreams: number
  /** Idle streams per key, the most recently used last. */
  private readonly idle = new Map<string, Session[]>()
  /** Streams opened, for tests and benches: a reused stream opens none. */
  opened = 0

  constructor(libp2p: Pick<PictorLibp2p, 'dialProtocol'>, init: RpcSessionsInit = {}) {
    this.libp2p = libp2p
    this.idleMs = init.idleMs ?? RPC_CLIENT_IDLE_MS
    this.maxIdleStreams = init.maxIdleStreams ?? RPC_MAX_IDLE_STREAMS
  }

  /** Open streams waiting for a request, all peers together. */
  get idleStreams(): number {
    let n = 0
    for (const list of this.idle.values()) n += list.length
    return n
  }

  async call(peer: PeerId, protocol: string, request: Uint8Array, options: RpcOptions): Promise<Uint8Array> {
    // The reply cap is part of the key: a stream's reader was made with its cap.
    const key = `${peer.toString()} ${protocol} ${options.maxReplyBytes}`
    const timer = deadline(options.timeoutMs, timeoutError(`no reply on ${protocol} within ${options.timeoutMs} ms`))
    try {
      const reused = this.take(key)
      if (reused !== undefined) {
        try {
          return await this.exchange(reused, request, timer.signal)
        } catch (err) {
          if (timer.signal.aborted) throw err
        }
      }
      const stream = await this.libp2p.dialProtocol(peer, protocol, { signal: timer.signal })
      this.opened++
      return await this.exchange(this.session(key, stream, options), request, timer.signal)
    } finally {
      timer.clear()
    }
  }

  /** Closes every idle stream (a stopping node); calls in flight finish on theirs. */
  close(): void {
    for (const list of [...this.idle.values()]) for (const session of [...list]) this.drop(session)
  }

  private session(key: string, stream: Stream, options: RpcOptions): Session {
    const session: Session = { key, stream, lp: lpStream(stream, { maxDataLength: options.maxReplyBytes }) }
    // The server reset it (idle timeout, shutdown) or ended it: never hand it out again.
    stream.addEventListener('close', () => this.forget(session), { once: true })
    stream.addEventListener('remoteCloseWrite', () => this.drop(session), { once: true })
    return session
  }

  private async exchange(session: Session, request: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    try {
      await session.lp.write(request, { signal })
      const reply = (await session.lp.read({ signal })).subarray()
      this.keep(session)
      return reply
    } catch (err) {
      session.stream.abort(err as Error)
      throw err
    }
  }

  /** The most recently used idle stream that can still carry a request. */
  private take(key: string): Session | undefined {
    const list = this.idle.get(key)
    while (list !== undefined && list.length > 0) {
      const session = list.pop()!
      clearTimeout(session.idleTimer)
      if (reusable(session.stream)) {
        if (list.length === 0) this.idle.delete(key)
        return session
      }
      this.drop(session)
    }
    this.idle.delete(key)
    return undefined
  }

  private keep(session: Session): void {
    const list = this.idle.get(session.key) ?? []
    if (!reusable(session.stream) || list.length >= this.maxIdleStreams) {
      this.end(session)
      return
    }
    list.push(session)
    this.idle.set(session.key, list)
    session.idleTimer = setTimeout(() => this.drop(session), this.idleMs)
    session.idleTimer.unref()
  }

  /** Out of the idle list (if there) and closed. */
  private drop(session: Session): void {
    this.forget(session)
    this.end(session)
  }

  private forget(session: Session): void {
    clearTimeout(session.idleTimer)
    const list = this.idle.get(session.key)
    const at = list?.indexOf(session) ?? -1
    if (at < 0) return
    list!.splice(at, 1)
    if (list!.length === 0) this.idle.delete(session.key)
  }

  /** Closes our write side; the server then ends the stream. */
  private end(session: Session): void {
    if (session.stream.status !== 'open') return
    session.stream.close().catch((err: Error) => session.stream.abort(err))
  }
}

function reusable(stream: Stream): boolean {
  return stream.status === 'open' && stream.writeStatus === 'writable' && stream.remoteWriteStatus === 'writable'
}
