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
import { IdlePool } from './idle-pool.ts'
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
}

export class RpcSessions {
  private readonly libp2p: Pick<PictorLibp2p, 'dialProtocol'>
  /** Idle streams per key. */
  private readonly idle: IdlePool<Session>
  /** Streams opened, for tests and benches: a reused stream opens none. */
  opened = 0

  constructor(libp2p: Pick<PictorLibp2p, 'dialProtocol'>, init: RpcSessionsInit = {}) {
    this.libp2p = libp2p
    this.idle = new IdlePool<Session>({
      idleMs: init.idleMs ?? RPC_CLIENT_IDLE_MS,
      maxPerKey: init.maxIdleStreams ?? RPC_MAX_IDLE_STREAMS,
      usable: (session) => reusable(session.stream),
      end: (session) => end(session)
    })
  }

  /** Open streams waiting for a request, all peers together. */
  get idleStreams(): number {
    return this.idle.size
  }

  async call(peer: PeerId, protocol: string, request: Uint8Array, options: RpcOptions): Promise<Uint8Array> {
    // The reply cap is part of the key: a stream's reader was made with its cap.
    const key = `${peer.toString()} ${protocol} ${options.maxReplyBytes}`
    const timer = deadline(options.timeoutMs, timeoutError(`no reply on ${protocol} within ${options.timeoutMs} ms`))
    try {
      const reused = this.idle.take(key)
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
    this.idle.close()
  }

  private session(key: string, stream: Stream, options: RpcOptions): Session {
    const session: Session = { key, stream, lp: lpStream(stream, { maxDataLength: options.maxReplyBytes }) }
    // The server reset it (idle timeout, shutdown) or ended it: never hand it out again.
    stream.addEventListener('close', () => this.idle.remove(key, session), { once: true })
    stream.addEventListener(
      'remoteCloseWrite',
      () => {
        this.idle.remove(key, session)
        end(session)
      },
      { once: true }
    )
    return session
  }

  private async exchange(session: Session, request: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    try {
      await session.lp.write(request, { signal })
      const reply = (await session.lp.read({ signal })).subarray()
      this.idle.keep(session.key, session)
      return reply
    } catch (err) {
      session.stream.abort(err as Error)
      throw err
    }
  }

}

/** Closes our write side; the server then ends the stream. */
function end(session: Session): void {
  if (session.stream.status !== 'open') return
  session.stream.close().catch((err: Error) => session.stream.abort(err))
}

function reusable(stream: Stream): boolean {
  return stream.status === 'open' && stream.writeStatus === 'writable' && stream.remoteWriteStatus === 'writable'
}
