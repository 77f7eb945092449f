// Gossip in the simulator: each topic is a mesh over the network model,
// and every node runs protocol/'s own gossip validation (the one a real
// node runs before it forwards) on each new message before it hands it to
// its roles. Duplicates are recognised by the message id a node uses
// (gossipMessageId) and cost a delivery on the wire but no validation.
//
// A message's spread is worked out when it is published, as a flood over
// the mesh in order of arrival: each node forwards the first copy it gets
// to its other mesh peers, each hop waiting for the sender's uplink and
// the link's latency, so every later copy is a duplicate. Only the first
// arrival at each node becomes an event (grouped by millisecond), which
// keeps a 10,000-node mesh from costing a timer per hop. A node forwards
// a message that passes validation. protocol/'s validation comes in two
// halves: the checks of the bytes alone (decoding, fields), which give
// every node the same answer and so run once, at publication; and the
// checks of the node (time, its replay guard, the signature), which each
// node runs on arrival before its roles see the message. Whether the
// message is forwarded is the second half's verdict with a fresh guard,
// the one any node gives a new message. Who is online or
// cut off is taken when the message is published, for every hop (a flood
// lasts well under a second); the arrival checks the receiver again. What
// gossipsub adds around this (IHAVE/IWANT, scores, heartbeats) is not
// modelled: a message reaches whoever the mesh connects to its publisher.
import { gossipMessageId } from '../../node/net/host.ts'
import { admitGossip, type CheckedMessage, checkGossipBytes, type Ed25519, type OpenedEnvelope, ReplayGuard, type TopicName, type ValidationContext, type ValidationRefusal } from '../../protocol/index.ts'
import { MinHeap } from './min-heap.ts'
import type { NetworkModel } from './network-model.ts'
import type { VirtualClock } from './virtual-clock.ts'

/** Bytes a gossip message costs on the wire beyond its data (framing, topic, encryption tag), about what libp2p adds. */
export const GOSSIP_OVERHEAD_BYTES = 64
/** Message ids a node remembers as seen; the oldest is forgotten first. */
const SEEN_PER_NODE = 4_096

export type GossipHandler = (message: OpenedEnvelope, from: string) => void

export interface GossipModelInit {
  net: NetworkModel
  clock: VirtualClock
  random: () => number
  ed: Ed25519
  /** Wall-clock time at virtual time 0: envelopes carry real timestamps, and validation checks them against this plus the clock. */
  epochMs: number
  /** Mesh peers a node takes when it joins a topic (gossipsub's D); a peer takes at most twice that. */
  degree: number
}

export interface GossipStats {
  published: number
  /** Messages handed to a node's handlers: once per node and message. */
  delivered: number
  duplicates: number
  /** Refused by validation, by reason code: never forwarded. */
  refused: Record<string, number>
  /** Messages put on the wire, by topic (every copy a mesh forwards, duplicates included). */
  sentByTopic: Partial<Record<TopicName, number>>
}

/** A copy of a message on its way in a flood. */
interface Hop {
  atMs: number
  seq: number
  to: string
  from: string
}

const earlier = (a: Hop, b: Hop) => a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq)

interface GossipNode {
  replay: ReplayGuard
  seen: Set<string>
  mesh: Map<TopicName, Set<string>>
  handlers: Map<TopicName, GossipHandler[]>
}

export class GossipModel {
  readonly stats: GossipStats = { published: 0, delivered: 0, duplicates: 0, refused: {}, sentByTopic: {} }
  private readonly init: GossipModelInit
  private readonly nodes = new Map<string, GossipNode>()
  private readonly subscribers = new Map<TopicName, string[]>()

  constructor(init: GossipModelInit) {
    if (!Number.isInteger(init.degree) || init.degree < 1) throw new RangeError(`gossip degree must be an integer >= 1, got ${init.degree}`)
    this.init = init
  }

  /** `node` subscribes to `topic` and links to up to `degree` of its subscribers, chosen at random. */
  join(node: string, topic: TopicName): void {
    const self = this.node(node)
    if (self.mesh.has(topic)) return
    const peers = new Set<string>()
    self.mesh.set(topic, peers)
    const others = this.subscribers.get(topic) ?? []
    const candidates = others.filter((id) => (this.nodes.get(id)?.mesh.get(topic)?.size ?? 0) < 2 * this.init.degree)
    while (peers.size < this.init.degree && candidates.length > 0) {
      const [pick] = candidates.splice(Math.floor(this.init.random() * candidates.length), 1)
      peers.add(pick!)
      this.nodes.get(pick!)?.mesh.get(topic)?.add(node)
    }
    this.subscribers.set(topic, [...others, node])
  }

  on(node: string, topic: TopicName, handler: GossipHandler): void {
    const self = this.node(node)
    self.handlers.set(topic, [...(self.handlers.get(topic) ?? []), handler])
  }

  /**
   * Sends `data` to the publisher's mesh peers, or, when it does not
   * subscribe to the topic, to `degree` of the topic's subscribers drawn at
   * random (gossipsub's fanout); returns how many it went to.
   */
  publish(node: string, topic: TopicName, data: Uint8Array): number {
    const self = this.node(node)
    this.stats.published++
    // One id string per message, shared by every node's seen set.
    const id = gossipMessageId(data)
    self.seen.add(id)
    const mesh = self.mesh.get(topic)
    const firstHops = mesh === undefined ? this.fanout(topic) : [...mesh]
    const checked = checkGossipBytes(topic, data)
    // A message that goes nowhere (nobody subscribes: offers, unless prices compete) needs no verdict.
    const forwarded = firstHops.length > 0 && !('action' in checked) && admitGossip(checked, this.context(undefined)).action === 'ACCEPT'
    const { sent, arrivals } = this.flood(node, topic, data.byteLength + GOSSIP_OVERHEAD_BYTES, firstHops, forwarded)
    const now = this.init.clock.now()
    for (const [atMs, hops] of arrivals) {
      this.init.clock.setTimeout(() => {
        for (const hop of hops) if (this.init.net.arrive(hop.from, hop.to)) this.receive(hop.to, topic, checked, id, hop.from)
      }, atMs - now)
    }
    return sent
  }

  /** `degree` of the topic's subscribers drawn at random: where a node that does not subscribe sends (gossipsub's fanout). */
  private fanout(topic: TopicName): string[] {
    const subscribers = this.subscribers.get(topic) ?? []
    const picks = new Set<string>()
    while (picks.size < Math.min(this.init.degree, subscribers.length)) picks.add(subscribers[Math.floor(this.init.random() * subscribers.length)]!)
    return [...picks]
  }

  /**
   * The copies of a message from `origin` to its first hops and, when it
   * is `forwarded`, on through the mesh: the first arrival at each node,
   * grouped by millisecond in order of time; later ones are counted as
   * duplicates. Returns how many first hops it was sent to.
   */
  private flood(origin: string, topic: TopicName, bytes: number, firstHops: string[], forwarded: boolean): { sent: number; arrivals: Map<number, Hop[]> } {
    const net = this.init.net
    const queue = new MinHeap<Hop>(earlier)
    let seq = 0
    const countSent = () => {
      this.stats.sentByTopic[topic] = (this.stats.sentByTopic[topic] ?? 0) + 1
    }
    const sendAt = (from: string, to: string, atMs: number): boolean => {
      countSent()
      const arrives = net.transit(from, to, bytes, atMs)
      if (typeof arrives === 'number') queue.push({ atMs: Math.ceil(arrives), seq: seq++, to, from })
      return arrives !== 'unsent'
    }
    const now = this.init.clock.now()
    let sent = 0
    for (const peer of firstHops) if (sendAt(origin, peer, now)) sent++
    const reached = new Set<string>([origin])
    const arrivals = new Map<number, Hop[]>()
    for (let hop = queue.pop(); hop !== undefined; hop = queue.pop()) {
      if (reached.has(hop.to)) {
        this.stats.duplicates++
        net.arrive(hop.from, hop.to)
        continue
      }
      reached.add(hop.to)
      const group = arrivals.get(hop.atMs)
      if (group === undefined) arrivals.set(hop.atMs, [hop])
      else group.push(hop)
      if (!forwarded) continue
      for (const peer of this.nodes.get(hop.to)?.mesh.get(topic) ?? []) {
        if (peer === hop.from) continue
        // A peer reached already gets a duplicate whenever it arrives: counted, not timed.
        if (reached.has(peer)) {
          countSent()
          this.stats.duplicates++
          net.count(hop.to, peer, bytes)
        } else sendAt(hop.to, peer, hop.atMs)
      }
    }
    return { sent, arrivals }
  }

  private receive(node: string, topic: TopicName, checked: CheckedMessage | ValidationRefusal, id: string, from: string): void {
    const self = this.nodes.get(node)
    if (self === undefined) return
    if (self.seen.has(id)) {
      this.stats.duplicates++
      return
    }
    remember(self.seen, id)
    const result = 'action' in checked ? checked : admitGossip(checked, this.context(self))
    if (result.action !== 'ACCEPT') {
      this.stats.refused[result.code] = (this.stats.refused[result.code] ?? 0) + 1
      return
    }
    this.stats.delivered++
    for (const handler of self.handlers.get(topic) ?? []) handler(result.message, from)
  }

  /** A node's validation context; without a node, one with a fresh replay guard (the verdict any node gives a new message). */
  private context(self: GossipNode | undefined): ValidationContext {
    return { nowMs: this.init.epochMs + this.init.clock.now(), ed: this.init.ed, replay: self?.replay ?? new ReplayGuard() }
  }

  private node(id: string): GossipNode {
    let node = this.nodes.get(id)
    if (node === undefined) {
      node = { replay: new ReplayGuard(), seen: new Set(), mesh: new Map(), handlers: new Map() }
      this.nodes.set(id, node)
    }
    return node
  }
}

function remember(seen: Set<string>, id: string): void {
  if (seen.size >= SEEN_PER_NODE) seen.delete(seen.values().next().value!)
  seen.add(id)
}
