// The libp2p host: TCP + Noise + Yamux, identify, ping, gossipsub (scored;
// unsigned by libp2p, since every message is a signed envelope) and kad-dht
// on pictor's private protocol id.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub'
import { createPeerScoreParams, createTopicScoreParams } from '@libp2p/gossipsub/score'
import { identify, identifyPush, type Identify, type IdentifyPush } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { sha256 } from '@noble/hashes/sha2.js'
import { KAD_PROTOCOL, LIMITS, TOPICS } from '../../protocol/index.ts'
import { type ConnectedPing, connectedPing } from './connected-ping.ts'
import { LOCAL_TESTNET_CONNECTION_LIMITS, PRODUCTION_CONNECTION_LIMITS } from './connection-limits.ts'
import { createInboundGater } from './inbound-gater.ts'
import { nativeNoiseCrypto } from './noise-crypto.ts'
import { TCP_SOCKET_OPTIONS, withBatchedSocketWrites } from './socket-writes.ts'
import { withLazyWindowUpdates } from './yamux-window.ts'

export type HostServices = {
  identify: Identify
  /** Tells connected peers when this node adds a protocol (roles register theirs after connecting). */
  identifyPush: IdentifyPush
  ping: ConnectedPing
  pubsub: GossipSub
  dht: KadDHT
}

export type PictorLibp2p = Libp2p<HostServices>

export interface HostInit {
  privateKey: PrivateKey
  listen: string[]
  bootstrap: string[]
  /** Loopback swarm: lift per-IP limits that would otherwise reset peers all on 127.0.0.1. */
  localTestnet: boolean
  /** Light clients (creators) answer DHT queries only when asked to. */
  dhtClientMode?: boolean
  /** The node's own charges against a peer (gossip floods, SPEC R36), added to its gossip score (P5). */
  appScore?: (peer: string) => number
}

// An invalid message (REJECT) costs the forwarding peer far more than a
// useful one earns it; a peer that keeps sending them is graylisted.
function topicScores(): Record<string, ReturnType<typeof createTopicScoreParams>> {
  const params = createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 100,
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: 50,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -100,
    invalidMessageDeliveriesDecay: 0.5
  })
  return Object.fromEntries(Object.values(TOPICS).map((topic) => [topic, params]))
}

/**
 * Gossip message id: sha256 of the data. Envelopes carry their own signer and
 * timestamp, so equal bytes are the same message whoever forwards them.
 */
export function gossipMessageId(data: Uint8Array): string {
  return Buffer.from(sha256(data)).toString('base64')
}

export async function createHost(init: HostInit): Promise<PictorLibp2p> {
  const local = init.localTestnet
  const limits = local ? LOCAL_TESTNET_CONNECTION_LIMITS : PRODUCTION_CONNECTION_LIMITS
  return createLibp2p({
    privateKey: init.privateKey,
    addresses: { listen: init.listen },
    transports: [
      tcp({
        inboundSocketInactivityTimeout: limits.inboundSocketInactivityTimeoutMs,
        maxConnections: limits.maxInboundSockets,
        dialOpts: TCP_SOCKET_OPTIONS,
        listenOpts: TCP_SOCKET_OPTIONS
      })
    ],
    // Same wire format as plain noise(): fewer write calls and no key re-import per record.
    connectionEncrypters: [withBatchedSocketWrites(noise({ crypto: nativeNoiseCrypto() }))],
    // Window updates at half the window, not after every frame: half the frames for small RPCs.
    streamMuxers: [withLazyWindowUpdates(yamux())],
    peerDiscovery: init.bootstrap.length > 0 ? [bootstrap({ list: init.bootstrap, timeout: 100 })] : [],
    connectionManager: {
      inboundUpgradeTimeout: limits.inboundUpgradeTimeoutMs,
      maxIncomingPendingConnections: limits.maxPendingInbound,
      inboundConnectionThreshold: limits.inboundConnectionsPerAddressPerSecond,
      maxConnections: limits.maxConnections
    },
    // libp2p bounds the pending set as a whole; this bounds each address's share of it.
    connectionGater: createInboundGater({ maxPendingPerAddress: limits.maxPendingInboundPerAddress, maxInboundPerAddress: limits.maxInboundPerAddress }),
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      // kad-dht's routing table takes only peers with an open connection to us (connected-ping.ts).
      ping: connectedPing(),
      pubsub: gossipsub({
        // Sign once: every message is an envelope that names its signer and
        // time and is verified at each hop (gossip.ts); libp2p's own
        // from/seqno/signature would be a second Ed25519 check per hop.
        // Peers that still send them are refused (and penalised) by gossipsub.
        globalSignaturePolicy: StrictNoSign,
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        // A fast id lets duplicates be dropped before they are validated again.
        fastMsgIdFn: (msg) => gossipMessageId(msg.data ?? new Uint8Array()),
        msgIdFn: (msg) => sha256(msg.data),
        maxInboundDataLength: LIMITS.maxGossipBytes + 1024,
        scoreParams: createPeerScoreParams({
          topics: topicScores(),
          appSpecificScore: init.appScore ?? (() => 0),
          appSpecificWeight: 1,
          IPColocationFactorWhitelist: local ? new Set(['127.0.0.1', '::1']) : new Set()
        }),
        scoreThresholds: { gossipThreshold: -100, publishThreshold: -500, graylistThreshold: -1000 }
      }),
      dht: kadDHT({
        protocol: KAD_PROTOCOL,
        clientMode: init.dhtClientMode ?? false,
        // The default mapper strips 127.0.0.1, which would hide every peer of a local testnet.
        peerInfoMapper: local ? passthroughMapper : removePrivateAddressesMapper
      })
    }
  })
}
