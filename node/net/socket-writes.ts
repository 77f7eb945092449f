// Fewer TCP write calls per connection. @libp2p/tcp hands each buffer of an
// outgoing message to its own socket.write(), and noise sends every 64 KiB
// record as two buffers (a 2-byte length, then the ciphertext): a 1 MiB blob
// chunk cost ~34 write syscalls, and every small RPC message two ("socket
// writeBuffer" was 1.7 s of the scheduling profile). Here the socket is
// corked from the first write of a tick until the end of that tick, so all
// that is sent in one tick leaves in one writev; and its high-water mark is
// raised so that one such batch can hold a whole blob chunk.
//
// The hook relies on two details of @libp2p/tcp's connection (its `socket`
// and its `sendData`). A connection without them (another transport,
// another version) is left as it is: batchSocketWrites() returns false and
// test/e2e/net/transport-tuning.test.ts fails, so an upgrade that breaks the
// hook is noticed, while the node keeps working.

import { Socket } from 'node:net'
import type { ConnectionEncrypter, MessageStream } from '@libp2p/interface'
import type { TCPSocketOptions } from '@libp2p/tcp'

/**
 * Bytes a socket buffers before its writer must wait for 'drain' (Node's
 * default is 64 KiB: one noise record, so one record per write call).
 */
export const SOCKET_HIGH_WATER_MARK = 1024 * 1024

/** For tcp({ dialOpts, listenOpts }): both pass it to node:net, which applies it to each socket. */
export const TCP_SOCKET_OPTIONS: TCPSocketOptions & { highWaterMark: number } = { highWaterMark: SOCKET_HIGH_WATER_MARK }

/** What batchSocketWrites needs of a @libp2p/tcp connection. */
interface TcpConnectionParts {
  socket?: unknown
  sendData?: unknown
}

/**
 * Corks the connection's socket during each tick in which it sends. Returns
 * whether the connection was a TCP one it could hook.
 */
export function batchSocketWrites(connection: MessageStream): boolean {
  const parts = connection as unknown as TcpConnectionParts
  const { socket, sendData } = parts
  if (!(socket instanceof Socket) || typeof sendData !== 'function') return false
  if (sendData.name === BATCHED) return true
  let corked = false
  const uncork = () => {
    corked = false
    socket.uncork()
  }
  const batched = (...args: unknown[]) => {
    if (!corked && !socket.destroyed) {
      corked = true
      socket.cork()
      process.nextTick(uncork)
    }
    return sendData.apply(connection, args)
  }
  Object.defineProperty(batched, 'name', { value: BATCHED })
  parts.sendData = batched
  return true
}

/** The hooked sendData's name: a connection is hooked once. */
const BATCHED = 'sendDataBatched'

/** Wraps a connection encrypter so that the raw connection it secures gets batchSocketWrites(). */
export function withBatchedSocketWrites<Components, Extension>(
  factory: (components: Components) => ConnectionEncrypter<Extension>
): (components: Components) => ConnectionEncrypter<Extension> {
  return (components) => {
    const inner = factory(components)
    return {
      protocol: inner.protocol,
      secureInbound(connection, options) {
        batchSocketWrites(connection)
        return inner.secureInbound(connection, options)
      },
      secureOutbound(connection, options) {
        batchSocketWrites(connection)
        return inner.secureOutbound(connection, options)
      }
    }
  }
}
