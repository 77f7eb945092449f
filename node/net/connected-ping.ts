// The ping service as kad-dht's routing table uses it: a contact enters the
// table only if we hold an open connection to it.
//
// kad-dht pings every new contact before adding it, and a contact is any
// peer named in any DHT reply, so each node dialled and pinged most of the
// swarm, one Noise handshake each, on names a third party gave it. In a
// 51-node swarm in one process that was most of the start-up work and
// much of the idle cost (issue 11: 832 network pings in a swarm of bare
// hosts, 202 of them failing). Here the check is answered from what we
// know first-hand: a peer with an open connection has just talked to us
// (identify told us it speaks the DHT, or it answered a query of ours), so
// it is added at once; a peer we only heard of is refused. Queries still
// dial the peers replies name, and each one that answers enters the table
// then. A routing table made only of peers that answered us is also one
// other peers cannot fill with names.
//
// The wrapped ping service still answers other peers' pings, and
// pingOverNetwork() still measures a round trip.
import { isPeerId, type PeerId, serviceCapabilities, type Startable } from '@libp2p/interface'
import { type Ping, type PingComponents, type PingInit, ping } from '@libp2p/ping'

/** What the answer for a connected peer says: no round trip was measured. */
export const CONNECTED_RTT_MS = 0

export class NotConnectedError extends Error {
  readonly code = 'ERR_NOT_CONNECTED'
  constructor(peer: string) {
    super(`${peer}: no open connection, so not added to the routing table until it answers us`)
    this.name = 'NotConnectedError'
  }
}

export interface ConnectedPing extends Ping {
  /** A real round trip (dials the peer when needed). */
  pingOverNetwork: Ping['ping']
  /** Checks answered from an open connection. */
  readonly answeredFromConnection: number
  /** Checks refused: the peer had no open connection. */
  readonly refusedUnconnected: number
}

class ConnectedOnlyPing implements ConnectedPing, Startable {
  readonly [Symbol.toStringTag] = '@libp2p/ping'
  readonly [serviceCapabilities]: string[]
  private readonly inner: Ping & Partial<Startable>
  private readonly components: PingComponents
  answeredFromConnection = 0
  refusedUnconnected = 0

  constructor(inner: Ping, components: PingComponents) {
    this.inner = inner
    this.components = components
    this[serviceCapabilities] = (inner as { [serviceCapabilities]?: string[] })[serviceCapabilities] ?? ['@libp2p/ping']
  }

  async start(): Promise<void> {
    await this.inner.start?.()
  }

  async stop(): Promise<void> {
    await this.inner.stop?.()
  }

  async ping(peer: Parameters<Ping['ping']>[0], options?: Parameters<Ping['ping']>[1]): Promise<number> {
    options?.signal?.throwIfAborted()
    if (!isPeerId(peer)) return this.inner.ping(peer, options)
    if (this.isConnected(peer)) {
      this.answeredFromConnection++
      return CONNECTED_RTT_MS
    }
    this.refusedUnconnected++
    throw new NotConnectedError(peer.toString())
  }

  pingOverNetwork(peer: Parameters<Ping['ping']>[0], options?: Parameters<Ping['ping']>[1]): Promise<number> {
    return this.inner.ping(peer, options)
  }

  private isConnected(peer: PeerId): boolean {
    return this.components.connectionManager.getConnections(peer).some((c) => c.status === 'open')
  }
}

/** ping(), except that ping(peerId) answers from open connections only (what kad-dht's contact check needs). */
export function connectedPing(init?: PingInit): (components: PingComponents) => ConnectedPing {
  const create = ping(init)
  return (components) => new ConnectedOnlyPing(create(components), components)
}
