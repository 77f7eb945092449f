// Request/response between simulated nodes, over the network model: the
// request travels (uplink, latency, loss), the handler answers, the reply
// travels back. A call that gets no reply within its timeout fails as an
// RPC over a real stream would. Handlers get the caller's real PeerId, as a
// libp2p handler gets the connection's remote peer.
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { RpcTimeoutError } from '../../node/net/rpc.ts'
import type { NetworkModel } from './network-model.ts'
import type { VirtualClock } from './virtual-clock.ts'

/** Bytes an exchange costs on the wire beyond its data (length prefix, stream and encryption framing), each way. */
export const RPC_OVERHEAD_BYTES = 48

export type SimHandler = (request: Uint8Array, from: { remotePeer: PeerId }) => Promise<Uint8Array>

export interface SimRpcStats {
  calls: number
  failed: number
  timedOut: number
}

export class SimRpc {
  readonly stats: SimRpcStats = { calls: 0, failed: 0, timedOut: 0 }
  private readonly net: NetworkModel
  private readonly clock: VirtualClock
  private readonly handlers = new Map<string, SimHandler>()
  private readonly peers = new Map<string, PeerId>()
  /** Node id by public key (hex): a PeerId is made once per key. */
  private readonly ids = new Map<string, string>()

  constructor(net: NetworkModel, clock: VirtualClock) {
    this.net = net
    this.clock = clock
  }

  /** The node's id in the simulation: its PeerId's string, made from its Ed25519 public key. */
  register(publicKey: Uint8Array): string {
    const key = Buffer.from(publicKey).toString('hex')
    const known = this.ids.get(key)
    if (known !== undefined) return known
    const peer = peerIdFromPublicKey(publicKeyFromRaw(publicKey))
    const id = peer.toString()
    this.peers.set(id, peer)
    this.ids.set(key, id)
    return id
  }

  peerOf(id: string): PeerId {
    const peer = this.peers.get(id)
    if (peer === undefined) throw new Error(`unknown simulated node ${id}`)
    return peer
  }

  serve(node: string, protocol: string, handler: SimHandler): void {
    this.handlers.set(`${node} ${protocol}`, handler)
  }

  /** The node no longer serves the protocol: calls to it get no reply, as a stopped node's do. */
  unserve(node: string, protocol: string): void {
    this.handlers.delete(`${node} ${protocol}`)
  }

  call(from: string, to: string, protocol: string, request: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    this.stats.calls++
    return new Promise((resolve, reject) => {
      let done = false
      const timer = this.clock.setTimeout(() => {
        if (done) return
        done = true
        this.stats.timedOut++
        reject(new RpcTimeoutError(`no reply from ${to} within ${timeoutMs} ms`))
      }, timeoutMs)
      const answer = (reply: Uint8Array) => {
        if (done) return
        done = true
        timer.cancel()
        resolve(reply)
      }
      this.net.send(from, to, request.byteLength + RPC_OVERHEAD_BYTES, () => {
        const handler = this.handlers.get(`${to} ${protocol}`)
        if (handler === undefined) return
        handler(request, { remotePeer: this.peerOf(from) }).then(
          (reply) => this.net.send(to, from, reply.byteLength + RPC_OVERHEAD_BYTES, () => answer(reply)),
          () => void this.stats.failed++
        )
      })
    })
  }
}
