// Gossip: subscribes pictor's topics, runs every message through the
// protocol's validators before gossipsub forwards it (ACCEPT / IGNORE /
// REJECT, the latter also penalising the peer that delivered it), and hands
// accepted, decoded envelopes to the roles. Bids go through the bid gate
// first (rate per peer, known jobs, own jobs kept: SPEC R36-R38).
//
// libp2p does not sign gossip (host.ts, StrictNoSign): the envelope is the
// only signature, checked once per hop here, and its key names the sender.
// What gossipsub knew of a message's origin is now the envelope's signer;
// who delivered it (rate limits, penalties, scores) is the propagation
// source, as before.
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { type Message, type SubscriptionChangeData, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { type Ed25519, type OpenedEnvelope, parseEnvelope, type ReplayGuard, type TopicMessageType, type TopicName, TOPICS, type ValidationResult, validateGossip } from '../../protocol/index.ts'
import type { Logger } from '../log.ts'
import type { MetricsRegistry } from '../metrics/index.ts'
import { BidGate, type BidLimits } from './bid-gate.ts'
import { GossipLimitError } from './errors.ts'
import { FloodPenalties } from './flood-penalties.ts'
import { GossipSeen } from './gossip-seen.ts'
import type { PictorLibp2p } from './host.ts'

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
  /** The signer's peer id (its envelope key): who wrote the message, whoever forwarded it. */
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
  /** Where floods are charged; the node shares it with the host, whose peer score reads it (P5). */
  penalties?: FloodPenalties
  bidLimits?: Partial<BidLimits>
}

export class GossipService {
  private readonly init: GossipServiceInit
  private readonly handlers = new Map<TopicName, GossipHandler[]>()
  /** Envelopes opened by the validator, picked up by the message event: gossipsub hands both the same message object. */
  private readonly accepted = new WeakMap<Message, OpenedEnvelope<TopicMessageType<TopicName>>>()
  private readonly joinHandlers = new Map<TopicName, Array<() => void>>()
  private readonly validated
  private readonly received
  private readonly published
  private readonly bids: BidGate
  /** Summaries of the jobs and workers gossip showed, for the dashboard's explorer (bounded). */
  readonly seen: GossipSeen
  private readonly onMessage = (event: CustomEvent<Message>) => this.deliver(event.detail)
  private readonly onSubscriptionChange = (event: CustomEvent<SubscriptionChangeData>) => this.noteJoins(event.detail)

  constructor(init: GossipServiceInit) {
    this.init = init
    this.seen = new GossipSeen({ now: init.now })
    this.bids = new BidGate({ now: init.now, penalties: init.penalties ?? new FloodPenalties({ now: init.now }), limits: init.bidLimits })
    this.validated = init.metrics.counter('pictor_gossip_validation_total', 'Gossip messages by topic, result and reason')
    this.received = init.metrics.counter('pictor_gossip_delivered_total', 'Accepted gossip messages delivered to roles')
    this.published = init.metrics.counter('pictor_gossip_published_total', 'Gossip messages this node published, by topic')
  }

  get topics(): TopicName[] {
    return this.init.topics ?? (Object.keys(TOPICS) as TopicName[])
  }

  on<T extends TopicName>(topic: T, handler: GossipHandler<T>): void {
    // The validator opened the envelope as the topic's message type (validateGossip), so the handler's narrower type holds.
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler as GossipHandler])
  }

  /** `handler` runs when a connected peer subscribes to `topic` (it has heard nothing said there before). */
  onJoin(topic: TopicName, handler: () => void): void {
    this.joinHandlers.set(topic, [...(this.joinHandlers.get(topic) ?? []), handler])
  }

  start(): void {
    const pubsub = this.init.libp2p.services.pubsub
    for (const name of this.topics) {
      pubsub.topicValidators.set(TOPICS[name], (peer, message) => (name === 'bids' ? this.validateBid(peer, message) : this.validate(name, message)))
      pubsub.subscribe(TOPICS[name])
    }
    pubsub.addEventListener('message', this.onMessage)
    pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
  }

  stop(): void {
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    for (const name of this.topics) {
      pubsub.unsubscribe(TOPICS[name])
      pubsub.topicValidators.delete(TOPICS[name])
    }
    this.bids.stop()
  }

  async publish(topic: TopicName, envelope: Uint8Array): Promise<number> {
    if (topic === 'bids' && !this.bids.mayPublish()) throw new GossipLimitError('bid not published: this node already sent its share of bids for now')
    if (topic === 'jobs') this.noteOwnJob(envelope)
    this.seen.notePublished(topic, envelope)
    const result = await this.init.libp2p.services.pubsub.publish(TOPICS[topic], envelope)
    this.published.inc({ topic })
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

  private context() {
    const { ed, replay, now } = this.init
    return { nowMs: now(), ed, replay }
  }

  private validate(topic: TopicName, message: Message): TopicValidatorResult {
    const outcome = validateGossip(topic, message.data, this.context())
    // R37: bids are forwarded only for jobs whose announcement this node accepted.
    if (outcome.action === 'ACCEPT' && outcome.message.typeName === 'JobAnnouncement') this.bids.jobs.noteHeard((outcome.message as OpenedEnvelope<'JobAnnouncement'>).payload.jobId)
    return this.settle(topic, message, outcome)
  }

  private async validateBid(peer: PeerId, message: Message): Promise<TopicValidatorResult> {
    const decision = await this.bids.validate(peer.toString(), message.data, () => this.context())
    if (decision.action === 'ACCEPT' && decision.own) {
      // R38: delivered to our creator here, and IGNOREd so gossipsub does not pass it on.
      this.validated.inc({ topic: 'bids', result: 'ACCEPT', reason: 'OWN_JOB' })
      this.dispatch('bids', decision.message)
      return TopicValidatorResult.Ignore
    }
    return this.settle('bids', message, decision)
  }

  private settle(topic: TopicName, message: Message, outcome: ValidationResult): TopicValidatorResult {
    if (outcome.action === 'ACCEPT') {
      this.validated.inc({ topic, result: 'ACCEPT', reason: 'OK' })
      // validateGossip opened it as the topic's message type (and nothing else).
      this.accepted.set(message, outcome.message as OpenedEnvelope<TopicMessageType<TopicName>>)
    } else {
      this.validated.inc({ topic, result: outcome.action, reason: outcome.code })
      if (outcome.action === 'REJECT') this.init.logger.debug('rejected gossip', { topic, code: outcome.code, reason: outcome.reason })
    }
    return RESULT[outcome.action]
  }

  private noteOwnJob(envelope: Uint8Array): void {
    try {
      this.bids.jobs.noteOwn(parseEnvelope(envelope, 'JobAnnouncement').payload.jobId)
    } catch {
      // Not an announcement: gossipsub publishes it anyway and every peer refuses it.
    }
  }

  private deliver(message: Message): void {
    const topic = TOPIC_NAMES.get(message.topic)
    if (topic === undefined) return
    const envelope = this.accepted.get(message)
    if (envelope === undefined) return
    this.accepted.delete(message)
    this.dispatch(topic, envelope)
  }

  private noteJoins({ subscriptions }: SubscriptionChangeData): void {
    for (const { topic, subscribe } of subscriptions) {
      const name = TOPIC_NAMES.get(topic)
      if (!subscribe || name === undefined) continue
      for (const handler of this.joinHandlers.get(name) ?? []) handler()
    }
  }

  private dispatch(topic: TopicName, envelope: OpenedEnvelope<TopicMessageType<TopicName>>): void {
    const from = peerIdFromPublicKey(publicKeyFromRaw(envelope.publicKey))
    this.received.inc({ topic })
    this.seen.noteDelivered(topic, envelope)
    for (const handler of this.handlers.get(topic) ?? []) {
      Promise.resolve(handler({ topic, envelope, from })).catch((err) => this.init.logger.warn('gossip handler failed', { topic, err }))
    }
  }
}
