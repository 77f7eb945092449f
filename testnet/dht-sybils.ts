// DHT attackers for research and the attack suite: peer ids mined to sit
// close to a key in Kademlia's XOR metric, run as sybil nodes that speak
// pictor's kad-dht protocol but answer every query with nothing or with junk
// (other sybils as closer peers, forged provider records) and drop every
// provider record given to them; and forged ADD_PROVIDER records that claim
// a peer id the sender does not own. Real libp2p nodes on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import type { Libp2p, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { CID } from 'multiformats/cid'
import { KAD_PROTOCOL } from '../protocol/index.ts'
import { decodeKadMessage, encodeKadMessage, KAD_MESSAGE, type KadMessage, type KadPeer } from './kad-wire.ts'

/** Where Kademlia places a key or a peer: sha256 of the CID's multihash, or of the peer id's. */
export function kadIdOfCid(cid: CID): Uint8Array {
  return createHash('sha256').update(cid.multihash.bytes).digest()
}

export function kadIdOfPeer(peer: PeerId): Uint8Array {
  return createHash('sha256').update(peer.toMultihash().bytes).digest()
}

/** Leading bits two kad ids share: the larger, the closer. */
export function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! ^ b[i]!
    if (x !== 0) return i * 8 + Math.clz32(x) - 24
  }
  return a.length * 8
}

/** `count` fresh Ed25519 keys whose peer ids share at least `minPrefixBits` leading bits with `target`. */
export async function keysNear(target: Uint8Array, count: number, minPrefixBits: number): Promise<PrivateKey[]> {
  const keys: PrivateKey[] = []
  while (keys.length < count) {
    const key = await generateKeyPair('Ed25519')
    if (commonPrefixBits(kadIdOfPeer(peerIdFromPrivateKey(key)), target) >= minPrefixBits) keys.push(key)
  }
  return keys
}

/** silent: answers every query with no peers and no providers; junk: with other sybils, dead peers and forged providers. */
export type SybilBehaviour = 'silent' | 'junk'

export interface SybilCounters {
  queries: number
  /** Provider records handed to the sybil (and dropped). */
  droppedRecords: number
}

/** A peer id and address nobody answers at: a port that was free a moment ago. */
export async function deadPeer(port: number): Promise<KadPeer> {
  const key = await generateKeyPair('Ed25519')
  return { id: peerIdFromPrivateKey(key).toMultihash().bytes, addrs: [multiaddr(`/ip4/127.0.0.1/tcp/${port}`).bytes] }
}

export function kadPeerOf(peer: PeerId, addrs: { bytes: Uint8Array }[]): KadPeer {
  return { id: peer.toMultihash().bytes, addrs: addrs.map((a) => a.bytes) }
}

const MAX_KAD_MESSAGE_BYTES = 64 * 1024

export interface KadSybilInit {
  privateKey: PrivateKey
  behaviour: SybilBehaviour
  /** Junk sybils: the closer peers and forged providers every answer carries (read at each query). */
  junk?: () => { closer: KadPeer[]; providers: KadPeer[] }
}

/** One sybil: a libp2p node whose only protocol is a lying kad-dht. */
export class KadSybil {
  readonly counters: SybilCounters = { queries: 0, droppedRecords: 0 }
  private readonly init: KadSybilInit
  private node?: Libp2p

  constructor(init: KadSybilInit) {
    this.init = init
  }

  get peerId(): PeerId {
    return peerIdFromPrivateKey(this.init.privateKey)
  }

  get libp2p(): Libp2p {
    if (!this.node) throw new Error('sybil not started')
    return this.node
  }

  async start(): Promise<void> {
    this.node = await createLibp2p({
      privateKey: this.init.privateKey,
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { inboundConnectionThreshold: 10_000, maxIncomingPendingConnections: 1_000 },
      // kad-dht pings a new contact before it enters a routing table: a sybil answers like anyone.
      services: { identify: identify(), ping: ping() }
    })
    await this.node.handle(KAD_PROTOCOL, (stream) => this.answer(stream), { maxInboundStreams: 256 })
  }

  async stop(): Promise<void> {
    await this.node?.stop()
  }

  private async answer(stream: Stream): Promise<void> {
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_KAD_MESSAGE_BYTES })
      for (;;) {
        const request = decodeKadMessage((await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray())
        this.counters.queries++
        if (request.type === KAD_MESSAGE.addProvider) {
          this.counters.droppedRecords++
          continue
        }
        await lp.write(encodeKadMessage(this.reply(request)))
      }
    } catch {
      // The querier closed its side, or sent garbage: either way the stream is done.
    } finally {
      stream.abort(new Error('sybil done'))
    }
  }

  private reply(request: KadMessage): KadMessage {
    const base = { type: request.type, key: request.key }
    if (this.init.behaviour === 'silent' || request.type === KAD_MESSAGE.ping) return base
    const junk = this.init.junk?.() ?? { closer: [], providers: [] }
    if (request.type === KAD_MESSAGE.getProviders) return { ...base, closer: junk.closer, providers: junk.providers }
    if (request.type === KAD_MESSAGE.findNode) return { ...base, closer: junk.closer }
    return base
  }
}

/**
 * Sends raw kad-dht messages from `from` to `to`: a forged ADD_PROVIDER
 * (provider = any peer id) or a GET_PROVIDERS probe, whose reply it returns.
 */
export async function sendKad(from: Pick<Libp2p, 'dialProtocol'>, to: Multiaddr[], message: KadMessage, expectReply: boolean): Promise<KadMessage | undefined> {
  const stream = await from.dialProtocol(to, KAD_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_KAD_MESSAGE_BYTES })
    await lp.write(encodeKadMessage(message))
    const reply = expectReply ? decodeKadMessage((await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray()) : undefined
    await stream.close()
    return reply
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/** Random bytes: blob contents for a trial. */
export function randomBlob(bytes: number): Uint8Array {
  return randomBytes(bytes)
}
