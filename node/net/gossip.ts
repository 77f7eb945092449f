// Gossip: subscribes pictor's topics, runs every message through the
// protocol's validators before gossipsub forwards it (ACCEPT / IGNORE /
// REJECT, the latter also penalising the sender's score), and hands
// accepted, decoded envelopes to the roles.
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { type Ed25519, type OpenedEnvelope, type ReplayGuard, type TopicMessageType, type TopicName, TOPICS, validateGossip } from '../../protocol/index.ts'
import type { Logger } from '../log.ts'
import type { MetricsRegistry } from '../metrics/index.ts'
import { gossipMessageId, type PictorLibp2p } from './host.ts'

const RESULT: Record<'ACCEPT' | 'IGNORE' | 'REJECT', TopicValidatorResult> = {
  ACCEPT: TopicValidatorResult.Accept,
  IGNORE: TopicValidatorResult.Ignore,
  REJECT: TopicValidatorResult.Reject
}

const TOPIC_NAMES = new Map<string, TopicName>(Object.entries(TOPICS).map(([name, topic]) => [topic, name as TopicName]))

/** An accepted message of topic T: its envelope's payload is that topic's message type. */
export interface GossipDelivery<T extends TopicName = TopicName> {
  topic: T
  envelope: OpenedEnvelope<TopicMessageType<T>>
  from: PeerId
}

export type GossipHandler<T extends TopicName = TopicName> = (delivery: GossipDelivery<T>) => void | Promise<void>

export interface GossipServiceInit {
  libp2p: PictorLibp2p
  ed: Ed25519
  replay: ReplayGuard
  now: () => number
  metrics: MetricsRegistry
  logger: Logger
  topics?: TopicName[]
}

export class GossipService {
  private readonly init: GossipServiceInit
  private readonly handlers = new Map<TopicName, GossipHandler[]>()
  /** Envelopes opened by the validator, picked up by the message event (bounded). */
  private readonly accepted = new Map<string, OpenedEnvelope<TopicMessageType<TopicName>>>()
  private readonly validated
  private readonly received
  private readonly onMessage = (event: CustomEvent<Message>) => this.deliver(event.detail)

  constructor(init: GossipServiceInit) {
    this.init = init
    this.validated = init.metrics.counter('pictor_gossip_validation_total', 'Gossip messages by topic, result and reason')
    this.received = init.metrics.counter('pictor_gossip_delivered_total', 'Accepted gossip messages delivered to roles')
  }

  get topics(): TopicName[] {
    return this.init.topics ?? (Object.keys(TOPICS) as TopicName[])
  }

  on<T extends TopicName>(topic: T, handler: GossipHandler<T>): void {
    // The validator opened the envelope as the topic's message type (validateGossip), so the handler's narrower type holds.
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler as GossipHandler])
  }

  start(): void {
    const pubsub = this.init.libp2p.services.pubsub
    for (const name of this.topics) {
      pubsub.topicValidators.set(TOPICS[name], (_peer, message) => this.validate(name, message))
      pubsub.subscribe(TOPICS[name])
    }
    pubsub.addEventListener('message', this.onMessage)
  }

  stop(): void {
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.removeEventListener('message', this.onMessage)
    for (const name of this.topics) {
      pubsub.unsubscribe(TOPICS[name])
      pubsub.topicValidators.delete(TOPICS[name])
    }
    this.accepted.clear()
  }

  async publish(topic: TopicName, envelope: Uint8Array): Promise<number> {
    const result = await this.init.libp2p.services.pubsub.publish(TOPICS[topic], envelope)
    return result.recipients.length
  }

  meshPeers(topic: TopicName): string[] {
    // getMeshPeers is on the implementation, not on the GossipSub interface.
    const pubsub = this.init.libp2p.services.pubsub as unknown as { getMeshPeers?: (topic: string) => string[] }
    return pubsub.getMeshPeers?.(TOPICS[topic]) ?? []
  }

  subscribers(topic: TopicName): string[] {
    return this.init.libp2p.services.pubsub.getSubscribers(TOPICS[topic]).map((p) => p.toString())
  }

  private validate(topic: TopicName, message: Message): TopicValidatorResult {
    const { ed, replay, now } = this.init
    const outcome = validateGossip(topic, message.data, { nowMs: now(), ed, replay })
    if (outcome.action === 'ACCEPT') {
      this.validated.inc({ topic, result: 'ACCEPT', reason: 'OK' })
      if (this.accepted.size > 4096) this.accepted.clear()
      // validateGossip opened it as the topic's message type (and nothing else).
      this.accepted.set(gossipMessageId(message.data), outcome.message as OpenedEnvelope<TopicMessageType<TopicName>>)
    } else {
      this.validated.inc({ topic, result: outcome.action, reason: outcome.code })
      if (outcome.action === 'REJECT') this.init.logger.debug('rejected gossip', { topic, code: outcome.code, reason: outcome.reason })
    }
    return RESULT[outcome.action]
  }

  private deliver(message: Message): void {
    const topic = TOPIC_NAMES.get(message.topic)
    if (topic === undefined || message.type !== 'signed') return
    const id = gossipMessageId(message.data)
    const envelope = this.accepted.get(id)
    if (envelope === undefined) return
    this.accepted.delete(id)
    this.received.inc({ topic })
    for (const handler of this.handlers.get(topic) ?? []) {
      Promise.resolve(handler({ topic, envelope, from: message.from })).catch((err) => this.init.logger.warn('gossip handler failed', { topic, err }))
    }
  }
}
