// The validation pipeline (SPEC R20-R35, and R37 when the node says which
// jobs it knows), Lodestar-style: each step throws a
// ValidationError carrying its action; the entry points catch and return a
// result, so the gossipsub adapter in node/ maps one object to
// ACCEPT / IGNORE / REJECT and a metric label, and never sees an exception.
// Cheap checks run first and the signature last: a message is only
// verified once it would otherwise be accepted.
import type { MessageMap } from '../codec.ts'
import { LIMITS, type MessageTypeName, TOPIC_MESSAGE_TYPE, TOPICS, type TopicName } from '../constants.ts'
import { type Ed25519, sha256 } from '../crypto.ts'
import { type OpenedEnvelope, type ParsedEnvelope, parseEnvelope, signingMessage, verifyEnvelope } from '../envelope.ts'
import { DecodeError, EnvelopeError, ValidationError } from '../errors.ts'
import { checkRequestRules } from '../verification/check-request-rules.ts'
import { bidRules } from './bid.ts'
import { fail, timely } from './checks.ts'
import { REASONS, type ReasonCode } from './codes.ts'
import { jobAnnouncementRules } from './job-announcement.ts'
import { leaseRenewalRules } from './lease-renewal.ts'
import { leaseRules } from './lease.ts'
import { noticeRules } from './notice.ts'
import { offerRules } from './offer.ts'
import { type PreparedReplayKey, prepareReplayKey, type ReplayGuard, type ReplayKey } from './replay-guard.ts'
import { resultCommitmentRules } from './result-commitment.ts'
import { taskClaimRules } from './task-claim.ts'
import type { MessageRules } from './types.ts'
import { verdictRules } from './verdict.ts'

export interface ValidationContext {
  nowMs: number
  ed: Ed25519
  replay: ReplayGuard
  /** Whether this node has seen the job announced (R37); without it, R37 is not applied (task protocol, tests). */
  knownJob?(jobId: Uint8Array): boolean
}

export type ValidationResult<K extends MessageTypeName = MessageTypeName> =
  | { action: 'ACCEPT'; message: OpenedEnvelope<K> }
  | ValidationRefusal

export type ValidationRefusal = { action: 'IGNORE' | 'REJECT'; code: ReasonCode; reason: string }

export const MESSAGE_RULES: { [K in MessageTypeName]: MessageRules<K> } = {
  WorkerOffer: offerRules,
  JobAnnouncement: jobAnnouncementRules,
  Bid: bidRules,
  TaskClaim: taskClaimRules,
  Lease: leaseRules,
  LeaseRenewal: leaseRenewalRules,
  ResultCommitment: resultCommitmentRules,
  Verdict: verdictRules,
  JobNotice: noticeRules,
  CheckRequest: checkRequestRules
}

/** Envelope types a /pictor/task/1.0.0 request may carry (R61). */
export const TASK_REQUEST_TYPES = ['TaskClaim', 'LeaseRenewal', 'ResultCommitment'] as const
export type TaskRequestType = (typeof TASK_REQUEST_TYPES)[number]

/** Field rules alone (R28), for a node checking what it is about to sign. Throws ValidationError. */
export function checkPayload<K extends MessageTypeName>(typeName: K, payload: MessageMap[K], signer: Uint8Array): void {
  ;(MESSAGE_RULES[typeName] as MessageRules<K>).fields(payload, signer)
}

/** Accepts a topic key ('offers') or its wire string ('pictor/offers/2'). */
export function topicMessageType(topic: string): MessageTypeName | undefined {
  if (Object.hasOwn(TOPIC_MESSAGE_TYPE, topic)) return TOPIC_MESSAGE_TYPE[topic as TopicName]
  const key = (Object.keys(TOPICS) as TopicName[]).find((k) => TOPICS[k] === topic)
  return key === undefined ? undefined : TOPIC_MESSAGE_TYPE[key]
}

/** Gossip entry point: checkGossipBytes, then admitGossip. Never throws. */
export function validateGossip(topic: string, bytes: Uint8Array, ctx: ValidationContext): ValidationResult {
  const checked = checkGossipBytes(topic, bytes)
  return 'action' in checked ? checked : admitGossip(checked, ctx)
}

/** Task protocol request entry point (R61). Never throws. */
export function validateTaskRequest(bytes: Uint8Array, ctx: ValidationContext): ValidationResult<TaskRequestType> {
  return validateSigned(bytes, TASK_REQUEST_TYPES, ctx, LIMITS.maxEnvelopeBytes)
}

/** The whole pipeline for any signed message of the allowed types. Never throws. */
export function validateSigned<K extends MessageTypeName>(
  bytes: Uint8Array,
  allowed: readonly K[],
  ctx: ValidationContext,
  maxBytes: number = LIMITS.maxEnvelopeBytes
): ValidationResult<K> {
  try {
    return { action: 'ACCEPT', message: admitChecked(checkBytes(bytes, allowed, maxBytes), ctx) }
  } catch (err) {
    return toResult(err)
  }
}

/**
 * A message that passed the checks that depend on its bytes alone (R20-R28),
 * with what the checks that depend on the node need: its job, and, made on
 * first use and then kept, its replay key and the bytes its signature
 * covers. A stale message is refused before either is made, as cheap
 * checks come first.
 */
export class CheckedMessage<K extends MessageTypeName = MessageTypeName> {
  readonly parsed: ParsedEnvelope<K>
  readonly rules: MessageRules<K>
  readonly jobId?: Uint8Array
  #replayKey?: PreparedReplayKey
  #signed?: Uint8Array

  constructor(parsed: ParsedEnvelope<K>, rules: MessageRules<K>) {
    this.parsed = parsed
    this.rules = rules
    this.jobId = rules.jobId?.(parsed.payload)
  }

  get replayKey(): PreparedReplayKey {
    this.#replayKey ??= prepareReplayKey(replayKey(this.parsed, this.rules))
    return this.#replayKey
  }

  get signed(): Uint8Array {
    this.#signed ??= signingMessage(this.parsed.typeName, this.parsed.payloadBytes)
    return this.#signed
  }
}

/**
 * The first half of the pipeline: the checks every node gives the same
 * answer for. A relay of one message to many nodes (the simulator) may run
 * it once and give each node the second half, `admitGossip`. Never throws.
 */
export function checkGossipBytes(topic: string, bytes: Uint8Array): CheckedMessage | ValidationRefusal {
  const typeName = typeof topic === 'string' ? topicMessageType(topic) : undefined
  // R34: a topic we do not know is not the sender's fault as far as we can tell.
  if (typeName === undefined) return { action: 'IGNORE', code: 'UNKNOWN_TOPIC', reason: `no validator for topic ${String(topic)}` }
  try {
    return checkBytes(bytes, [typeName], LIMITS.maxGossipBytes)
  } catch (err) {
    return toResult(err)
  }
}

/** The second half, at one node: time, replay, known job and the signature. Never throws. */
export function admitGossip(checked: CheckedMessage, ctx: ValidationContext): ValidationResult {
  try {
    return { action: 'ACCEPT', message: admitChecked(checked, ctx) }
  } catch (err) {
    return toResult(err)
  }
}

function checkBytes<K extends MessageTypeName>(bytes: Uint8Array, allowed: readonly K[], maxBytes: number): CheckedMessage<K> {
  if (!(bytes instanceof Uint8Array)) fail('DECODE', 'message is not bytes')
  // R20: refuse before parsing anything.
  if (bytes.byteLength > maxBytes) fail('OVERSIZE', `${bytes.byteLength} bytes exceeds the ${maxBytes}-byte cap`)
  // R21-R27: decoding, canonical form, type, key and signature shape, payload.
  const parsed: ParsedEnvelope<K> = parseEnvelope(bytes, allowed)
  const rules = MESSAGE_RULES[parsed.typeName] as MessageRules<K>
  // R28: the message's own field rules (R40-R49).
  rules.fields(parsed.payload, parsed.publicKey)
  return new CheckedMessage(parsed, rules)
}

function admitChecked<K extends MessageTypeName>(checked: CheckedMessage<K>, ctx: ValidationContext): OpenedEnvelope<K> {
  const { parsed, rules, jobId } = checked
  // R29, R30: freshness, then any rule of the type's own about time.
  timely('timestamp', rules.timestampMs(parsed.payload), ctx.nowMs)
  rules.timely?.(parsed.payload, ctx.nowMs)
  // R31: duplicates and superseded offers, looked up but not yet recorded.
  const key = checked.replayKey
  const seen = ctx.replay.check(key, ctx.nowMs)
  if (seen === 'duplicate') fail('REPLAY', `${parsed.typeName} already seen`)
  if (seen === 'old-seq') fail('OLD_SEQ', `${parsed.typeName} seq is older than one already seen from this signer`)
  // R37: a message about a job this node never saw announced is not forwarded,
  // and costs no signature check: flooding random job ids buys nothing.
  if (jobId !== undefined && ctx.knownJob !== undefined && !ctx.knownJob(jobId)) fail('UNKNOWN_JOB', `${parsed.typeName} for a job this node has not seen announced`)
  // R32: the signature, last because it is the most expensive check.
  const opened = verifyEnvelope(ctx.ed, parsed, checked.signed)
  // R33: only a genuine message may occupy a replay slot, or a forger could
  // block a signer's real message by sending a fake with the same key first.
  ctx.replay.record(key, ctx.nowMs)
  return opened
}

function replayKey<K extends MessageTypeName>(parsed: ParsedEnvelope<K>, rules: MessageRules<K>): ReplayKey {
  if (rules.seq !== undefined) return { signer: parsed.publicKey, type: parsed.type, seq: rules.seq(parsed.payload) }
  return { signer: parsed.publicKey, type: parsed.type, hash: sha256(parsed.payloadBytes) }
}

function toResult(err: unknown): ValidationRefusal {
  if (err instanceof ValidationError && err.code in REASONS) {
    return { action: err.action, code: err.code as ReasonCode, reason: err.message }
  }
  if (err instanceof DecodeError) return { action: 'REJECT', code: 'DECODE', reason: err.message }
  if (err instanceof EnvelopeError) return { action: REASONS[err.code].action, code: err.code, reason: err.message }
  // R34: a bug of ours must not get honest peers penalised.
  return { action: 'IGNORE', code: 'INTERNAL', reason: err instanceof Error ? err.message : String(err) }
}
