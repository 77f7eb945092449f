// What /api/status and /api/peers report, also read by `pictor status`,
// `pictor peers` and the testnet's readiness check.
import { type TopicName, TOPICS } from '../protocol/index.ts'
import type { NodeContext } from './node.ts'

export const PICTOR_VERSION = '0.1.0'

/**
 * Where this node's ledger account stands, kept by the ledger-account
 * service: "registered", or "not registered: <reason>". A worker or checker
 * that is not registered is never paid, so the node says so here.
 */
export interface LedgerRegistration {
  state: string
}

export interface NodeStatus {
  version: string
  role: string
  /** The ledger registration (LedgerRegistration.state); absent on a node without a ledger. */
  registration?: string
  peerId: string
  suiAddress: string
  addrs: string[]
  uptimeS: number
  connections: number
  dht: { mode: string; routingTable: number }
  topics: Record<string, { subscribers: string[]; mesh: number }>
  /** Where blobs live besides this node and its peers, and whether that backend answers. */
  blobs?: BlobBackendStatus
}

export interface BlobBackendStatus {
  backend: string
  ok: boolean
  detail: string
}

/** The blob backend's health, asked with a short deadline so a dead endpoint never stalls `pictor status`. */
export async function blobBackendOf(ctx: Pick<NodeContext, 'blobs'>, timeoutMs = 3_000): Promise<BlobBackendStatus> {
  const remote = ctx.blobs.remote
  if (remote === undefined) return { backend: 'p2p', ok: true, detail: 'blobs live on this node and its peers only' }
  try {
    return { backend: remote.name, ...(await remote.health({ signal: AbortSignal.timeout(timeoutMs) })) }
  } catch (err) {
    return { backend: remote.name, ok: false, detail: (err as Error).message }
  }
}

export function statusOf(ctx: NodeContext, startedAt: number): NodeStatus {
  const dht = ctx.libp2p.services.dht as typeof ctx.libp2p.services.dht & { routingTable?: { size: number } }
  const topics: NodeStatus['topics'] = {}
  for (const name of Object.keys(TOPICS) as TopicName[]) {
    topics[name] = { subscribers: ctx.gossip.subscribers(name), mesh: ctx.gossip.meshPeers(name).length }
  }
  return {
    version: PICTOR_VERSION,
    role: ctx.config.role,
    registration: ctx.ledger === undefined ? undefined : ctx.registration.state,
    peerId: ctx.identity.peerId,
    suiAddress: ctx.identity.suiAddress,
    addrs: ctx.libp2p.getMultiaddrs().map(String),
    uptimeS: Math.round((Date.now() - startedAt) / 1000),
    connections: ctx.libp2p.getConnections().length,
    dht: { mode: dht.getMode(), routingTable: dht.routingTable?.size ?? 0 },
    topics
  }
}

export interface PeerInfo {
  peerId: string
  addr: string
  direction: string
  rttMs?: number
}

export function peerList(ctx: NodeContext): PeerInfo[] {
  return ctx.libp2p.getConnections().map((c) => ({
    peerId: c.remotePeer.toString(),
    addr: c.remoteAddr.toString(),
    direction: c.direction,
    rttMs: c.rtt
  }))
}
