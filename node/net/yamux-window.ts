// Yamux window updates only when half the receive window is used up.
// @chainsafe/libp2p-yamux answers every data frame it receives with a window
// update frame, so each small RPC message costs a second frame back (one more
// noise record and socket write; sendWindowUpdate was 1.06 s of the
// scheduling profile). Go's yamux, among others, waits until half the window
// is consumed; doing the same here leaves a short RPC stream with no window
// updates beyond its SYN/ACK, and a bulk transfer with one per half window.
//
// Safe with any yamux peer: the sender may use the whole window it was
// granted, and the update goes out in the same call that takes the free
// window to half or below, so a sender never waits on a receiver that has
// room. Only the timing of updates changes, never their amounts' meaning.
//
// The hook relies on @chainsafe/libp2p-yamux internals (the muxer's
// _newStream, the stream's recvWindow and recvWindowCapacity). If they are
// missing, streams keep the library's behaviour, and
// test/e2e/net/transport-tuning.test.ts fails, so an upgrade that breaks the
// hook is noticed while the node keeps working.

import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'
import type { StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'

/** The stream fields the hook reads (private in the library's types, plain fields at runtime). */
interface YamuxStreamWindow {
  state: StreamState
  recvWindow?: unknown
  recvWindowCapacity?: unknown
  sendWindowUpdate(): void
}

/**
 * Makes the stream send window updates only once its free receive window is
 * half the window or less. SYN/ACK updates (a stream's first frame each way)
 * and the resume after a pause go out as before. Returns whether it applied.
 */
export function lazyWindowUpdates(stream: unknown): boolean {
  if (!(stream instanceof YamuxStream)) return false
  const s = stream as unknown as YamuxStreamWindow
  if (typeof s.recvWindow !== 'number' || typeof s.recvWindowCapacity !== 'number') return false
  const send = s.sendWindowUpdate
  s.sendWindowUpdate = () => {
    const settled = s.state === StreamState.Established || s.state === StreamState.SYNSent
    if (settled && (s.recvWindowCapacity as number) > (s.recvWindow as number) / 2) return
    send.call(s)
  }
  return true
}

/** Wraps a yamux factory so that every stream of every muxer it makes gets lazyWindowUpdates(). */
export function withLazyWindowUpdates<Components>(factory: (components: Components) => StreamMuxerFactory): (components: Components) => StreamMuxerFactory {
  return (components) => {
    const inner = factory(components)
    return {
      protocol: inner.protocol,
      createStreamMuxer(maConn) {
        const muxer = inner.createStreamMuxer(maConn)
        hookNewStreams(muxer)
        return muxer
      }
    }
  }
}

/** Every stream the muxer creates, inbound or outbound, goes through its _newStream. */
function hookNewStreams(muxer: StreamMuxer): boolean {
  const parts = muxer as unknown as { _newStream?: unknown }
  const create = parts._newStream
  if (typeof create !== 'function') return false
  parts._newStream = (...args: unknown[]) => {
    const stream = create.apply(muxer, args)
    lazyWindowUpdates(stream)
    return stream
  }
  return true
}
