// A provider search over all of a blob's provider keys (R74a) at once.
// Each key gets kad-dht's provider search first. A key is then searched
// again by hand (askAround) when its search ended at kad-dht's cap of K
// providers (one answer of 20 junk records is enough to end it), or when
// every search has ended and every provider found was handed out: then a
// cluster of sybils nearest the key may have swallowed the walk. Each search
// and each answer is a source of providers, and the next provider comes
// from the source served least so far: an answer that lists 20 dead peers
// gets one turn, not twenty, before the others. A peer named by several
// sources (a sybil may list the honest provider too, behind its junk) is
// handed out once, by whichever reaches it first.

import { createHash } from 'node:crypto'
import type { Libp2p, PeerId, PeerInfo } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { CID } from 'multiformats/cid'
import { KAD_PROTOCOL } from '../../protocol/index.ts'
import { askProviders, MAX_PROVIDERS_PER_ANSWER } from './kad-providers.ts'

/**
 * Providers handed out by one lookup, whatever the DHT says. Each costs at
 * most one dial, cut short by the store's DHT dial timeout; a fresh answer
 * is served before older ones, so a late honest answer is not starved.
 */
export const MAX_PROVIDERS_TRIED = 128
/**
 * Peers asked per round of a search by hand: first the K peers a walk ends
 * at (where provide() put the record) and as many other peers this node
 * knows (its peer store), nearest the key, those that spoke kad to it first:
 * a walk only ever steps nearer, so a cluster of sybils nearest the key
 * captures it, while the peers we know lie outside it. Then, each round,
 * the peers the last answers named nearest the key.
 */
const PEERS_PER_ROUND = 20
/** Asks per key in all: a handful of rounds. Silent sybils name nobody and junk ones name each other, so the rounds move on through honest answers. */
const MAX_ASKS_PER_KEY = 80
/** Asks in flight per key (kad-dht's alpha). */
const ASK_CONCURRENCY = 3

export interface ProviderLookupComponents {
  /**
   * The closest peers come from kad-dht itself (`services.dht`): libp2p's
   * peer routing would run one more walk for each of them it has no address for.
   */
  libp2p: Pick<Libp2p<{ dht: Pick<KadDHT, 'getClosestPeers'> }>, 'peerId' | 'contentRouting' | 'peerStore' | 'dialProtocol' | 'services'>
}

export interface ProviderLookupInit {
  keys: CID[]
  /** Peer ids (as strings) never handed out: this node, peers already asked, bad providers. */
  skip: Iterable<string>
  /** How long the searches may run, together. */
  timeoutMs: number
  /** Ends the searches; so does close(). */
  signal: AbortSignal
  onSearchError?: (key: CID, err: unknown) => void
}

/** One key's search by hand: how often each peer was asked, who answered, and the asks spent (at most MAX_ASKS_PER_KEY). */
interface Asks {
  tries: Map<string, number>
  answered: Set<string>
  count: number
}

/** At most keys x (1 + MAX_ASKS_PER_KEY) of them, each holding at most MAX_PROVIDERS_PER_ANSWER peers. */
interface Source {
  queue: PeerId[]
  served: number
}

export class ProviderLookup {
  private readonly libp2p: ProviderLookupComponents['libp2p']
  private readonly init: ProviderLookupInit
  /** Handed out, or never to be: at most skip + MAX_PROVIDERS_TRIED. */
  private readonly seen: Set<string>
  private readonly sources: Source[] = []
  /** Keys (by index) searched by hand already. */
  private readonly askedAround = new Set<number>()
  private readonly stop = new AbortController()
  private signal: AbortSignal = this.stop.signal
  private handedOut = 0
  private running = 0
  private started = false
  private wake: (() => void) | undefined

  constructor(components: ProviderLookupComponents, init: ProviderLookupInit) {
    this.libp2p = components.libp2p
    this.init = init
    this.seen = new Set(init.skip)
  }

  /**
   * The next provider not yet handed out, waiting for the searches;
   * undefined once they are done and nothing is left, at the cap, or once
   * closed or aborted. Providers found before the search time ran out are
   * still handed out after it.
   */
  async next(): Promise<PeerId | undefined> {
    if (!this.started) this.start()
    for (;;) {
      if (this.stop.signal.aborted || this.init.signal.aborted || this.handedOut >= MAX_PROVIDERS_TRIED) return undefined
      const peer = this.take()
      if (peer !== undefined) {
        this.handedOut++
        return peer
      }
      if (this.running > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve
        })
        continue
      }
      if (this.signal.aborted || this.askedAround.size === this.init.keys.length) return undefined
      for (const index of this.init.keys.keys()) this.askAroundOnce(index)
    }
  }

  /** Ends the searches still running. */
  close(): void {
    this.stop.abort()
    this.notify()
  }

  private start(): void {
    this.started = true
    this.signal = AbortSignal.any([this.init.signal, this.stop.signal, AbortSignal.timeout(this.init.timeoutMs)])
    for (const [index, key] of this.init.keys.entries()) this.run(key, this.search(key, index))
  }

  /** Counts a search while it runs; one that fails only ends early. */
  private run(key: CID, task: Promise<void>): void {
    this.running++
    void task
      .catch((err: unknown) => {
        if (!this.signal.aborted) this.init.onSearchError?.(key, err)
      })
      .finally(() => {
        this.running--
        this.notify()
      })
  }

  /** From the non-empty source served least so far, the oldest first among equals; peers already handed out are dropped on the way. */
  private take(): PeerId | undefined {
    for (;;) {
      let best: Source | undefined
      for (const source of this.sources) {
        if (source.queue.length > 0 && (best === undefined || source.served < best.served)) best = source
      }
      if (best === undefined) return undefined
      const peer = best.queue.shift()!
      if (this.seen.has(peer.toString())) continue
      this.seen.add(peer.toString())
      best.served++
      return peer
    }
  }

  private async search(key: CID, index: number): Promise<void> {
    const { signal } = this
    const source = this.addSource()
    let yielded = 0
    try {
      for await (const provider of this.libp2p.contentRouting.findProviders(key, { signal })) {
        await this.offer(source, provider)
        if (++yielded >= MAX_PROVIDERS_PER_ANSWER) break
      }
    } catch (err) {
      if (!signal.aborted) this.init.onSearchError?.(key, err)
    }
    // At the cap, the answers kad-dht did not read may name the honest provider.
    if (yielded >= MAX_PROVIDERS_PER_ANSWER) this.askAroundOnce(index)
  }

  private askAroundOnce(index: number): void {
    if (this.askedAround.has(index) || this.signal.aborted) return
    this.askedAround.add(index)
    const key = this.init.keys[index]!
    this.run(key, this.askAround(key))
  }

  /** Asks the peers a walk ends at and the known peers nearest the key, then round by round the peers the answers name nearest it. */
  private async askAround(key: CID): Promise<void> {
    const { signal } = this
    const target = kadId(key.multihash.bytes)
    const closest: PeerInfo[] = []
    try {
      for await (const event of this.libp2p.services.dht.getClosestPeers(key.multihash.bytes, { signal })) {
        if (event.name !== 'FINAL_PEER') continue
        closest.push({ id: event.peer.id, multiaddrs: [] })
        if (closest.length >= PEERS_PER_ROUND) break
      }
    } catch (err) {
      if (!signal.aborted) this.init.onSearchError?.(key, err)
    }
    const walked = new Set(closest.map((p) => p.id.toString()))
    const others = (await this.libp2p.peerStore.all({ signal })).filter((p) => !walked.has(p.id.toString()) && !p.id.equals(this.libp2p.peerId))
    // Peers that spoke kad to us first: junk provider records fill the peer
    // store with ids nobody answers at, which must not crowd them out.
    const spoke = nearest(target, others.flatMap((p) => (p.protocols.includes(KAD_PROTOCOL) ? [{ id: p.id, multiaddrs: [] }] : [])), PEERS_PER_ROUND)
    const heardOf = nearest(target, others.flatMap((p) => (p.protocols.includes(KAD_PROTOCOL) ? [] : [{ id: p.id, multiaddrs: [] }])), PEERS_PER_ROUND - spoke.length)
    const asks: Asks = { tries: new Map(), answered: new Set(), count: 0 }
    let round = [...closest, ...spoke, ...heardOf]
    while (round.length > 0 && !signal.aborted) {
      const named: PeerInfo[] = []
      await this.askAll(key, round, asks, named)
      // A peer not asked yet, or one that could not be reached and is now
      // named with addresses (a forged record may have left it only a dead
      // one). A peer tried as a provider may still hold records.
      const worth = (p: PeerInfo) => {
        const tries = asks.tries.get(p.id.toString()) ?? 0
        return !p.id.equals(this.libp2p.peerId) && (tries === 0 || (tries === 1 && !asks.answered.has(p.id.toString()) && p.multiaddrs.length > 0))
      }
      round = nearest(target, named.filter(worth), Math.min(PEERS_PER_ROUND, MAX_ASKS_PER_KEY - asks.count))
    }
  }

  /** Asks each peer, ASK_CONCURRENCY at a time, within the key's budget; their providers become sources, the peers they name go to `named`. */
  private async askAll(key: CID, peers: PeerInfo[], asks: Asks, named: PeerInfo[]): Promise<void> {
    const { signal } = this
    let next = 0
    const asker = async () => {
      while (next < peers.length && asks.count < MAX_ASKS_PER_KEY && !signal.aborted) {
        const peer = peers[next++]!
        const id = peer.id.toString()
        asks.count++
        asks.tries.set(id, (asks.tries.get(id) ?? 0) + 1)
        try {
          if (peer.multiaddrs.length > 0) await this.libp2p.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs }).catch(() => {})
          const answer = await askProviders(this.libp2p, peer.id, key, { signal })
          asks.answered.add(id)
          const source = this.addSource()
          for (const provider of answer.providers) await this.offer(source, provider)
          named.push(...answer.closer)
        } catch (err) {
          if (!signal.aborted) this.init.onSearchError?.(key, err)
        }
      }
    }
    await Promise.all(Array.from({ length: ASK_CONCURRENCY }, asker))
  }

  private addSource(): Source {
    const source = { queue: [], served: 0 }
    this.sources.push(source)
    return source
  }

  private async offer(source: Source, provider: PeerInfo): Promise<void> {
    if (this.seen.has(provider.id.toString())) return
    if (provider.multiaddrs.length > 0) {
      await this.libp2p.peerStore.merge(provider.id, { multiaddrs: provider.multiaddrs }).catch(() => {})
    }
    source.queue.push(provider.id)
    this.notify()
  }

  private notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}

/** Where Kademlia places a key or a peer id: the sha256 of its bytes. */
function kadId(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

/** The `count` peers nearest `target` in the XOR metric, each once. */
function nearest(target: Buffer, peers: PeerInfo[], count: number): PeerInfo[] {
  const byId = new Map<string, { peer: PeerInfo; distance: Buffer }>()
  for (const peer of peers) {
    if (byId.has(peer.id.toString())) continue
    const id = kadId(peer.id.toMultihash().bytes)
    byId.set(peer.id.toString(), { peer, distance: Buffer.from(id.map((b, i) => b ^ target[i]!)) })
  }
  return [...byId.values()]
    .sort((a, b) => Buffer.compare(a.distance, b.distance))
    .slice(0, count)
    .map((entry) => entry.peer)
}
