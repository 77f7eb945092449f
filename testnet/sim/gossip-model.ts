// Gossip in the simulator: each topic is a mesh over the network model,
// and every node runs protocol/'s own gossip validation (the one a real
// node runs before it forwards) on each new message before it hands it to
// its roles and forwards it to its other mesh peers. Duplicates are
// recognised by the message id a node uses (gossipMessageId) and cost
// a delivery on the wire but no validation. What gossipsub adds around
// this (IHAVE/IWANT, scores, heartbeats) is not modelled: a message
// reaches whoever the mesh connects to its publisher.
import { gossipMessageId } from '../../node/net/host.ts'
import { type OpenedEnvelope, ReplayGuard, type ValidationContext, validateGossip, type Ed25519, type TopicName } from '../../protocol/index.ts'
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
    if (self.mesh.has(topic)) return this.forward(node, topic, data, id, undefined)
    const subscribers = this.subscribers.get(topic) ?? []
    const picks = new Set<string>()
    while (picks.size < Math.min(this.init.degree, subscribers.length)) picks.add(subscribers[Math.floor(this.init.random() * subscribers.length)]!)
    let sent = 0
    for (const peer of picks) if (this.send(node, peer, topic, data, id)) sent++
    return sent
  }

  private receive(node: string, topic: TopicName, data: Uint8Array, id: string, from: string): void {
    const self = this.nodes.get(node)
    if (self === undefined) return
    if (self.seen.has(id)) {
      this.stats.duplicates++
      return
    }
    remember(self.seen, id)
    const result = validateGossip(topic, data, this.context(self))
    if (result.action !== 'ACCEPT') {
      this.stats.refused[result.code] = (this.stats.refused[result.code] ?? 0) + 1
      return
    }
    this.stats.delivered++
    for (const handler of self.handlers.get(topic) ?? []) handler(result.message, from)
    this.forward(node, topic, data, id, from)
  }

  private forward(node: string, topic: TopicName, data: Uint8Array, id: string, except: string | undefined): number {
    let sent = 0
    for (const peer of this.nodes.get(node)?.mesh.get(topic) ?? []) {
      if (peer === except) continue
      if (this.send(node, peer, topic, data, id)) sent++
    }
    return sent
  }

  private send(from: string, to: string, topic: TopicName, data: Uint8Array, id: string): boolean {
    this.stats.sentByTopic[topic] = (this.stats.sentByTopic[topic] ?? 0) + 1
    return this.init.net.send(from, to, data.byteLength + GOSSIP_OVERHEAD_BYTES, () => this.receive(to, topic, data, id, from))
  }

  private context(self: GossipNode): ValidationContext {
    return { nowMs: this.init.epochMs + this.init.clock.now(), ed: this.init.ed, replay: self.replay }
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
