// One-shot request/response over a libp2p stream: the client writes one
// length-prefixed request, the server answers with one length-prefixed
// reply, both close. Sizes are capped on both sides and every stream is
// closed in `finally` (a leaked stream counts against maxInboundStreams).
// The server reads the request within its own, short deadline; the handler
// gets a signal that aborts when the stream closes before the reply (the
// requester went away) or the whole exchange runs out of time.
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from '../log.ts'
import type { PictorLibp2p } from './host.ts'

export interface RpcOptions {
  maxRequestBytes: number
  maxReplyBytes: number
  timeoutMs: number
  /** Server: the request must be read within this; a peer that writes slowly cannot hold the stream for `timeoutMs`. Default: timeoutMs. */
  readTimeoutMs?: number
}

/** `signal` aborts when the stream closes before the reply is written, or at the exchange's deadline. */
export type RpcHandler = (request: Uint8Array, connection: Connection, signal: AbortSignal) => Promise<Uint8Array>

/** Registers `handler` for `protocol`; returns the function that unregisters it. */
export async function serveRpc(libp2p: PictorLibp2p, protocol: string, handler: RpcHandler, options: RpcOptions, logger: Logger): Promise<() => Promise<void>> {
  await libp2p.handle(
    protocol,
    async (stream: Stream, connection: Connection) => {
      const signal = AbortSignal.timeout(options.timeoutMs)
      const closed = new AbortController()
      const onClose = () => closed.abort(new Error('the stream closed before the reply'))
      stream.addEventListener('close', onClose, { once: true })
      try {
        const lp = lpStream(stream, { maxDataLength: options.maxRequestBytes })
        const readSignal = options.readTimeoutMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(options.readTimeoutMs)])
        const request = (await lp.read({ signal: readSignal })).subarray()
        if (stream.status !== 'open') onClose()
        const reply = await handler(request, connection, AbortSignal.any([signal, closed.signal]))
        await lp.write(reply, { signal })
        await stream.close({ signal })
      } catch (err) {
        logger.debug('rpc stream failed', { protocol, peer: connection.remotePeer.toString(), err })
        stream.abort(err as Error)
      } finally {
        stream.removeEventListener('close', onClose)
      }
    },
    { maxInboundStreams: 64 }
  )
  return () => libp2p.unhandle(protocol)
}

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
