// Signed envelopes (SPEC R10-R16). The signature covers domain(type) ||
// payload, over the payload bytes exactly as they travel: never re-encoded,
// so a second implementation only has to agree on bytes it received, and the
// domain stops a signature made for one message type being replayed as
// another.
import { concat, utf8 } from './bytes.ts'
import { decode, encode, isCanonical, type MessageMap } from './codec.ts'
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  MESSAGE_TYPES,
  type MessageTypeName,
  SIGNING_DOMAIN_PREFIX
} from './constants.ts'
import type { Ed25519 } from './crypto.ts'
import { EncodeError, EnvelopeError } from './errors.ts'

/** One message type's envelope: `typeName` fixes the payload's type. */
export interface EnvelopeOf<K extends MessageTypeName> {
  type: number
  typeName: K
  payload: MessageMap[K]
  payloadBytes: Uint8Array
  publicKey: Uint8Array
  signature: Uint8Array
}

/**
 * What `parseEnvelope` found: structurally sound, signature not yet checked.
 * A union over the allowed types, so `switch (env.typeName)` narrows the
 * payload without a cast.
 */
export type ParsedEnvelope<K extends MessageTypeName = MessageTypeName> = { [T in K]: EnvelopeOf<T> }[K]

/** An envelope whose signature verified. */
export type OpenedEnvelope<K extends MessageTypeName = MessageTypeName> = ParsedEnvelope<K>

const TYPE_NAMES = new Map<number, MessageTypeName>(
  Object.entries(MESSAGE_TYPES).map(([name, code]) => [code, name as MessageTypeName])
)

export function typeNameOf(code: number): MessageTypeName | undefined {
  return TYPE_NAMES.get(code)
}

/** Each type's signing domain, made once: every signature and every check of one needs it. */
const DOMAINS = new Map<MessageTypeName, Uint8Array>()

/** UTF-8 of `pictor/v1/<TypeName>` followed by one 0x00 byte (shared: not to be written to). */
export function signingDomain(typeName: MessageTypeName): Uint8Array {
  let domain = DOMAINS.get(typeName)
  if (domain === undefined) {
    domain = concat(utf8(SIGNING_DOMAIN_PREFIX + typeName), new Uint8Array([0]))
    DOMAINS.set(typeName, domain)
  }
  return domain
}

/** The exact bytes an envelope's signature covers. */
export function signingMessage(typeName: MessageTypeName, payloadBytes: Uint8Array): Uint8Array {
  const domain = signingDomain(typeName)
  const message = new Uint8Array(domain.byteLength + payloadBytes.byteLength)
  message.set(domain)
  message.set(payloadBytes, domain.byteLength)
  return message
}

export function signEnvelope<K extends MessageTypeName>(
  ed: Ed25519,
  seed: Uint8Array,
  typeName: K,
  payload: Partial<MessageMap[K]>
): Uint8Array {
  const type = MESSAGE_TYPES[typeName]
  if (type === undefined) throw new EncodeError(`unknown message type ${String(typeName)}`)
  const payloadBytes = encode(typeName, payload)
  // protons writes whatever it is given: -1 becomes a broken varint, 1.5
  // becomes 1, 2^32 + 1 in a uint32 becomes 1. Refuse to sign anything that
  // peers would read differently from what the caller meant.
  let faithful = false
  try {
    const decoded = decode(typeName, payloadBytes)
    faithful = isCanonical(typeName, payloadBytes, decoded) && sameNumbers(payload, decoded)
  } catch {}
  if (!faithful) throw new EncodeError(`${typeName}: payload has out-of-range or non-integer numbers`)
  const signature = ed.sign(seed, signingMessage(typeName, payloadBytes))
  // Copies narrow the buffer type to what the generated codec declares.
  return encode('Envelope', {
    type,
    payload: Uint8Array.from(payloadBytes),
    publicKey: Uint8Array.from(ed.publicKey(seed)),
    signature: Uint8Array.from(signature)
  })
}

/**
 * Decodes and checks an envelope without verifying its signature, so a
 * validator can run cheap field checks first and the signature last.
 * Throws DecodeError or EnvelopeError.
 */
export function parseEnvelope<K extends MessageTypeName = MessageTypeName>(
  bytes: Uint8Array,
  expectedType?: K | readonly K[]
): ParsedEnvelope<K> {
  const env = decode('Envelope', bytes)
  if (!isCanonical('Envelope', bytes, env)) throw new EnvelopeError('NON_CANONICAL', 'envelope is not canonically encoded')
  const typeName = TYPE_NAMES.get(env.type)
  if (typeName === undefined) throw new EnvelopeError('UNKNOWN_TYPE', `unknown envelope type ${env.type}`)
  if (expectedType !== undefined) {
    const allowed: readonly MessageTypeName[] = typeof expectedType === 'string' ? [expectedType] : expectedType
    if (!allowed.includes(typeName)) {
      throw new EnvelopeError('WRONG_TYPE', `expected ${allowed.join(' or ')}, got ${typeName}`)
    }
  }
  if (env.publicKey.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new EnvelopeError('BAD_KEY', `public key is ${env.publicKey.byteLength} bytes, expected ${ED25519_PUBLIC_KEY_BYTES}`)
  }
  if (env.signature.byteLength === 0) throw new EnvelopeError('UNSIGNED', 'envelope has no signature')
  if (env.signature.byteLength !== ED25519_SIGNATURE_BYTES) {
    throw new EnvelopeError('BAD_SIGNATURE', `signature is ${env.signature.byteLength} bytes, expected ${ED25519_SIGNATURE_BYTES}`)
  }
  const payload = decode(typeName, env.payload)
  if (!isCanonical(typeName, env.payload, payload)) {
    throw new EnvelopeError('NON_CANONICAL', `${typeName} payload is not canonically encoded`)
  }
  // typeName was checked against `expectedType` above, and the payload decoded as that type.
  const parsed: EnvelopeOf<MessageTypeName> = { type: env.type, typeName, payload, payloadBytes: env.payload, publicKey: env.publicKey, signature: env.signature }
  return parsed as ParsedEnvelope<K>
}

/**
 * Throws EnvelopeError('BAD_SIGNATURE') unless the signature verifies over
 * the exact payload bytes. `signed` is their signingMessage, when the caller
 * made it already.
 */
export function verifyEnvelope<K extends MessageTypeName>(
  ed: Ed25519,
  parsed: ParsedEnvelope<K>,
  signed: Uint8Array = signingMessage(parsed.typeName, parsed.payloadBytes)
): OpenedEnvelope<K> {
  if (!ed.verify(parsed.publicKey, signed, parsed.signature)) {
    throw new EnvelopeError('BAD_SIGNATURE', `${parsed.typeName} signature does not verify`)
  }
  return parsed
}

/** parseEnvelope + verifyEnvelope. Throws DecodeError or EnvelopeError. */
export function openEnvelope<K extends MessageTypeName = MessageTypeName>(
  ed: Ed25519,
  bytes: Uint8Array,
  expectedType?: K | readonly K[]
): OpenedEnvelope<K> {
  return verifyEnvelope(ed, parseEnvelope(bytes, expectedType))
}

/** Every number in `input` reads back the same (floats as float32). */
function sameNumbers(input: unknown, decoded: unknown): boolean {
  if (typeof input === 'number') return typeof decoded === 'number' && (input === decoded || Math.fround(input) === decoded)
  if (input instanceof Uint8Array || typeof input !== 'object' || input === null) return true
  if (typeof decoded !== 'object' || decoded === null) return Object.keys(input).length === 0
  const out = decoded as Record<string, unknown>
  return Object.entries(input).every(([k, v]) => v === undefined || sameNumbers(v, out[k]))
}
