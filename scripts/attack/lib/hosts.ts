// Attacker-side libp2p nodes, in the scenario's process: full pictor hosts
// (node/net/host.ts, so gossip and the DHT behave as a real peer's) for
// attacks that need them, and bare identities (TCP + Noise + Yamux only)
// for floods of many identities. Either may dial from another loopback
// address (127.0.0.2), so a target can tell attackers from honest peers on
// 127.0.0.1 the way it would tell two hosts apart.
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { type GossipSub, gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import { type Identify, identify } from '@libp2p/identify'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { type TCPSocketOptions, tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { createHost, gossipMessageId, type PictorLibp2p } from '../../../node/net/host.ts'
import { LIMITS } from '../../../protocol/index.ts'

/** The loopback address attacks come from; honest peers use 127.0.0.1. */
export const ATTACKER_ADDRESS = '127.0.0.2'

export async function keyFromSeed(seed: Uint8Array = randomBytes(32)): Promise<PrivateKey> {
  return generateKeyPairFromSeed('Ed25519', seed)
}

/** A full pictor host on 127.0.0.1 (local-testnet settings, no bootstrap). */
export async function pictorHost(privateKey?: PrivateKey): Promise<PictorLibp2p> {
  return createHost({ privateKey: privateKey ?? (await keyFromSeed()), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], localTestnet: true })
}

export type GossipHost = Libp2p<{ identify: Identify; pubsub: GossipSub }>

/**
 * A light gossip peer: identify and gossipsub as a pictor node runs it
 * (messages not signed by libp2p, message id = sha256 of the data), without
 * the DHT, so one process can run dozens of them.
 */
export async function gossipHost(privateKey?: PrivateKey): Promise<GossipHost> {
  return createLibp2p({
    privateKey: privateKey ?? (await keyFromSeed()),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 1_000 },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: StrictNoSign,
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        fastMsgIdFn: (msg) => gossipMessageId(msg.data ?? new Uint8Array()),
        msgIdFn: (msg) => sha256(msg.data),
        maxInboundDataLength: LIMITS.maxGossipBytes + 1024
      })
    }
  })
}

/** A bare identity that only dials (no services, no listener), from `localAddress`. */
export async function bareIdentity(localAddress = ATTACKER_ADDRESS): Promise<Libp2p> {
  return createLibp2p({
    privateKey: await keyFromSeed(),
    // dialOpts go to net.connect as they are; the type names only a subset of its options.
    transports: [tcp({ dialOpts: { localAddress } as TCPSocketOptions })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 1_000, maxParallelDials: 200 }
  })
}

export const addrOf = (text: string) => multiaddr(text)

/** Stops every node; one that fails to stop does not keep the others running. */
export async function stopAll(nodes: ReadonlyArray<{ stop(): Promise<void> | void }>): Promise<void> {
  await Promise.allSettled(nodes.map(async (n) => n.stop()))
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
