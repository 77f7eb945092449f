// Asks one DHT peer which providers it holds for a key, and which peers it
// knows nearest the key: one GET_PROVIDERS request and its reply on
// pictor's kad protocol (R4), outside kad-dht's own search. kad-dht ends a
// provider search once K = 20 providers came in, so one answer of 20 junk
// records ends it; asking peers one by one reads every answer
// (provider-lookup.ts).

import type { Libp2p, PeerId, PeerInfo } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { KAD_PROTOCOL } from '../../protocol/index.ts'
import { decodeKadMessage, encodeKadMessage, KAD_MESSAGE, type KadPeer } from './kad-wire.ts'

/** Providers, and closer peers, read from one answer; kad-dht's K. The rest of an answer is ignored. */
export const MAX_PROVIDERS_PER_ANSWER = 20
/** An honest answer is 20 closer peers and a few providers with their addresses: a few KiB. */
const MAX_KAD_REPLY_BYTES = 128 * 1024
/** Addresses kept per provider: an honest peer listens on a handful. */
const MAX_ADDRS_PER_PROVIDER = 8
/** A peer that does not answer within this long is skipped. */
export const KAD_ASK_TIMEOUT_MS = 5_000

export interface ProvidersAnswer {
  providers: PeerInfo[]
  /** The peers it knows nearest the key. */
  closer: PeerInfo[]
}

/** What `peer` says about `key`, at most MAX_PROVIDERS_PER_ANSWER of each kind; entries that do not parse are skipped. Throws when the peer does not answer. */
export async function askProviders(libp2p: Pick<Libp2p, 'dialProtocol'>, peer: PeerId, key: CID, options: { signal: AbortSignal }): Promise<ProvidersAnswer> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(KAD_ASK_TIMEOUT_MS)])
  const stream = await libp2p.dialProtocol(peer, KAD_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_KAD_REPLY_BYTES })
    await lp.write(encodeKadMessage({ type: KAD_MESSAGE.getProviders, key: key.multihash.bytes }), { signal })
    const reply = decodeKadMessage((await lp.read({ signal })).subarray())
    await stream.close({ signal }).catch((err: Error) => stream.abort(err))
    return { providers: peerInfosOf(reply.providers), closer: peerInfosOf(reply.closer) }
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

function peerInfosOf(peers: KadPeer[] = []): PeerInfo[] {
  return peers.slice(0, MAX_PROVIDERS_PER_ANSWER).flatMap((p) => {
    const info = peerInfoOf(p)
    return info === undefined ? [] : [info]
  })
}

function peerInfoOf(peer: KadPeer): PeerInfo | undefined {
  let id: PeerId
  try {
    id = peerIdFromMultihash(Digest.decode(peer.id))
  } catch {
    return undefined
  }
  const multiaddrs: Multiaddr[] = []
  for (const bytes of peer.addrs.slice(0, MAX_ADDRS_PER_PROVIDER)) {
    try {
      multiaddrs.push(multiaddr(bytes))
    } catch {
      // One bad address does not spoil the others.
    }
  }
  return { id, multiaddrs }
}
