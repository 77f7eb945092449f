// Request/response over libp2p streams. A stream carries one or more
// exchanges in sequence: the client writes one length-prefixed request, the
// server answers with one length-prefixed reply, and the client may then
// write the next request on the same stream (rpc-sessions.ts keeps such
// streams open) or close its write side, after which the server closes too.
// Sizes are capped on both sides and every stream is closed or aborted
// before the handler returns (a leaked stream counts against
// maxInboundStreams). The server reads a stream's first request within its
// own, short deadline, and each later one within the idle timeout: a peer
// that holds a stream open without using it loses the stream. The handler
// gets a signal that aborts when the stream closes before the reply (the
// requester went away) or the exchange runs out of time.
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { PictorError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { PictorLibp2p } from './host.ts'

export interface RpcOptions {
  maxRequestBytes: number
  maxReplyBytes: number
  /** One exchange: from the request read to the reply written (server), or the whole call (client). */
  timeoutMs: number
  /** Server: a stream's first request must be read within this; a peer that writes slowly cannot hold the stream for `timeoutMs`. Default: timeoutMs. */
  readTimeoutMs?: number
  /** Server: after a reply, the next request on the stream must be read within this, or the stream is reset. Default RPC_IDLE_TIMEOUT_MS. */
  idleTimeoutMs?: number
}

/**
 * How long a server keeps a stream open for the next request. Short: an
 * idle stream costs a slot of maxInboundStreams. Clients that keep streams
 * open drop them sooner (RPC_CLIENT_IDLE_MS), so a request rarely meets a
 * stream the server is closing.
 */
export const RPC_IDLE_TIMEOUT_MS = 5_000
/** Streams of one protocol a connection may have open towards this node at once, idle ones included. */
export const RPC_MAX_INBOUND_STREAMS = 64

/** `signal` aborts when the stream closes before the reply is written, or at the exchange's deadline. */
export type RpcHandler = (request: Uint8Array, connection: Connection, signal: AbortSignal) => Promise<Uint8Array>

/** An exchange, or the wait for a request, ran past its deadline. */
export class RpcTimeoutError extends PictorError {
  constructor(message: string) {
    super('RPC_TIMEOUT', message)
  }
}

/** A stream that waited past the idle timeout for its next request: routine, not worth a log line. */
class StreamIdleError extends RpcTimeoutError {}

/** A signal that aborts after `ms` with `reason()`, its timer cleared as soon as the caller is done (no timer outlives an exchange). */
export function deadline(ms: number, reason: () => Error): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(reason()), ms)
  return { signal: controller.signal, clear: () => clearTimeout(timer) }
}

export const timeoutError = (message: string) => (): Error => new RpcTimeoutError(message)
const idleError = (): Error => new StreamIdleError('stream idle')

/** Registers `handler` for `protocol`; returns the function that unregisters it. */
export async function serveRpc(libp2p: PictorLibp2p, protocol: string, handler: RpcHandler, options: RpcOptions, logger: Logger): Promise<() => Promise<void>> {
  await libp2p.handle(protocol, (stream: Stream, connection: Connection) => serveStream(stream, connection, protocol, handler, options, logger), {
    maxInboundStreams: RPC_MAX_INBOUND_STREAMS
  })
  return () => libp2p.unhandle(protocol)
}

async function serveStream(stream: Stream, connection: Connection, protocol: string, handler: RpcHandler, options: RpcOptions, logger: Logger): Promise<void> {
  const closed = new AbortController()
  const onClose = () => closed.abort(new Error('the stream closed before the reply'))
  stream.addEventListener('close', onClose, { once: true })
  const lp = lpStream(stream, { maxDataLength: options.maxRequestBytes })
  try {
    for (let exchange = 0; ; exchange++) {
      const waitMs = exchange === 0 ? (options.readTimeoutMs ?? options.timeoutMs) : (options.idleTimeoutMs ?? RPC_IDLE_TIMEOUT_MS)
      const read = deadline(waitMs, exchange === 0 ? timeoutError('request not read in time') : idleError)
      let request: Uint8Array
      try {
        request = (await lp.read({ signal: read.signal })).subarray()
      } catch (err) {
        // The requester closed its write side between exchanges: the normal end of a stream.
        if (exchange > 0 && stream.remoteWriteStatus === 'closed' && isEndOfStream(err)) break
        throw err
      } finally {
        read.clear()
      }
      if (stream.status !== 'open') onClose()
      const exchangeDeadline = deadline(options.timeoutMs, timeoutError('exchange timed out'))
      try {
        const reply = await handler(request, connection, AbortSignal.any([exchangeDeadline.signal, closed.signal]))
        await lp.write(reply, { signal: exchangeDeadline.signal })
      } finally {
        exchangeDeadline.clear()
      }
    }
    await stream.close()
  } catch (err) {
    // An idle stream closed at its timeout is routine, not worth a line.
    if (!(err instanceof StreamIdleError)) logger.debug('rpc stream failed', { protocol, peer: connection.remotePeer.toString(), err })
    stream.abort(err as Error)
  } finally {
    stream.removeEventListener('close', onClose)
  }
}

function isEndOfStream(err: unknown): boolean {
  return err instanceof Error && err.name === 'UnexpectedEOFError'
}

/** One request on a new stream, closed after the reply. For a peer called often, RpcSessions keeps streams open. */
export async function callRpc(libp2p: PictorLibp2p, peer: PeerId | Multiaddr | Multiaddr[], protocol: string, request: Uint8Array, options: RpcOptions): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(options.timeoutMs)
  const stream = await libp2p.dialProtocol(peer, protocol, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: options.maxReplyBytes })
    await lp.write(request, { signal })
    const reply = (await lp.read({ signal })).subarray()
    await stream.close({ signal })
    return reply
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}
