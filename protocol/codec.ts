// Typed wrappers over the generated codecs. The generated decoders throw
// RangeError, MaxLengthError or whatever a malformed varint provokes; every
// such failure leaves here as DecodeError, so callers that handle bytes from
// the network need exactly one catch. Byte caps are checked before any
// parsing so a hostile peer cannot make us walk megabytes.
import { DecodeError, EncodeError } from './errors.ts'
import { LIMITS, VERIFICATION } from './constants.ts'
import {
  Bid,
  BlobHeader,
  BlobRequest,
  CheckReply,
  CheckRequest,
  CropTile,
  Envelope,
  FrameResult,
  Hardware,
  JobAnnouncement,
  JobNotice,
  Lease,
  LeaseRenewal,
  RendererInfo,
  ResultCommitment,
  TaskClaim,
  TaskReply,
  Verdict,
  WorkerOffer
} from './pb/messages.js'

export interface MessageMap {
  Envelope: Envelope
  RendererInfo: RendererInfo
  Hardware: Hardware
  WorkerOffer: WorkerOffer
  JobAnnouncement: JobAnnouncement
  Bid: Bid
  TaskClaim: TaskClaim
  Lease: Lease
  LeaseRenewal: LeaseRenewal
  FrameResult: FrameResult
  ResultCommitment: ResultCommitment
  Verdict: Verdict
  JobNotice: JobNotice
  TaskReply: TaskReply
  BlobRequest: BlobRequest
  BlobHeader: BlobHeader
  CropTile: CropTile
  CheckRequest: CheckRequest
  CheckReply: CheckReply
}

export type CodecName = keyof MessageMap

interface Codec<T> {
  encode(obj: Partial<T>): Uint8Array
  // biome-ignore lint/suspicious/noExplicitAny: protons' Limits<T> type is not exported
  decode(buf: Uint8Array, opts?: { limits?: any }): T
}

const CODECS: { [K in CodecName]: Codec<MessageMap[K]> } = {
  Envelope,
  RendererInfo,
  Hardware,
  WorkerOffer,
  JobAnnouncement,
  Bid,
  TaskClaim,
  Lease,
  LeaseRenewal,
  FrameResult,
  ResultCommitment,
  Verdict,
  JobNotice,
  TaskReply,
  BlobRequest,
  BlobHeader,
  CropTile,
  CheckRequest,
  CheckReply
}

/** Largest encoding accepted for each message (SPEC R7). A signed payload must fit in its envelope. */
export const MAX_BYTES: Record<CodecName, number> = {
  Envelope: LIMITS.maxEnvelopeBytes,
  RendererInfo: LIMITS.maxEnvelopeBytes,
  Hardware: LIMITS.maxEnvelopeBytes,
  WorkerOffer: LIMITS.maxEnvelopeBytes,
  JobAnnouncement: LIMITS.maxEnvelopeBytes,
  Bid: LIMITS.maxEnvelopeBytes,
  TaskClaim: LIMITS.maxEnvelopeBytes,
  Lease: LIMITS.maxEnvelopeBytes,
  LeaseRenewal: LIMITS.maxEnvelopeBytes,
  FrameResult: LIMITS.maxEnvelopeBytes,
  ResultCommitment: LIMITS.maxEnvelopeBytes,
  Verdict: LIMITS.maxEnvelopeBytes,
  JobNotice: LIMITS.maxEnvelopeBytes,
  TaskReply: LIMITS.maxTaskReplyBytes,
  BlobRequest: LIMITS.maxBlobControlBytes,
  BlobHeader: LIMITS.maxBlobControlBytes,
  CropTile: LIMITS.maxEnvelopeBytes,
  CheckRequest: LIMITS.maxEnvelopeBytes,
  CheckReply: VERIFICATION.maxCheckReplyBytes
}

const RENDERER_INFO_LIMITS = { engines: LIMITS.maxEngines, devices: LIMITS.maxEngines }

/** Repeated-field caps handed to the generated decoders (they stop at the cap, not after). */
const REPEATED_LIMITS: Partial<Record<CodecName, object>> = {
  RendererInfo: RENDERER_INFO_LIMITS,
  WorkerOffer: { renderers: LIMITS.maxRenderers, renderers$: RENDERER_INFO_LIMITS },
  JobAnnouncement: { addrs: LIMITS.maxAddrs },
  ResultCommitment: { frames: LIMITS.maxFramesPerTask },
  Verdict: { sampledFrames: LIMITS.maxFramesPerTask, scores: LIMITS.maxFramesPerTask },
  CheckRequest: { frames: LIMITS.maxFramesPerTask, tiles: VERIFICATION.maxCheckTiles }
}

export function decode<K extends CodecName>(name: K, bytes: Uint8Array): MessageMap[K] {
  const codec = CODECS[name] as Codec<MessageMap[K]> | undefined
  if (codec === undefined) throw new DecodeError(`unknown message type ${String(name)}`)
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(`${name}: expected bytes`)
  if (bytes.byteLength > MAX_BYTES[name]) {
    throw new DecodeError(`${name}: ${bytes.byteLength} bytes exceeds the ${MAX_BYTES[name]}-byte cap`)
  }
  try {
    return codec.decode(bytes, { limits: REPEATED_LIMITS[name] })
  } catch (err) {
    throw new DecodeError(`${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

export function encode<K extends CodecName>(name: K, message: Partial<MessageMap[K]>): Uint8Array {
  checkRepeated(name, message as Record<string, unknown>)
  let bytes: Uint8Array
  try {
    bytes = CODECS[name].encode(message)
  } catch (err) {
    throw new EncodeError(`${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  if (bytes.byteLength > MAX_BYTES[name]) {
    throw new EncodeError(`${name}: ${bytes.byteLength} bytes exceeds the ${MAX_BYTES[name]}-byte cap`)
  }
  return bytes
}

/**
 * True when `bytes` is the one encoding our encoder produces for what it
 * decodes to (fields in order, defaults omitted, minimal varints, no unknown
 * fields). Signed messages must be canonical (SPEC R8, R22) so that a message has
 * exactly one byte form: replay detection by hash then cannot be dodged by
 * re-encoding.
 */
export function isCanonical<K extends CodecName>(name: K, bytes: Uint8Array, decoded: MessageMap[K]): boolean {
  let again: Uint8Array
  try {
    again = CODECS[name].encode(decoded)
  } catch {
    return false
  }
  if (again.byteLength !== bytes.byteLength) return false
  for (let i = 0; i < again.byteLength; i++) if (again[i] !== bytes[i]) return false
  return true
}

function checkRepeated(name: CodecName, message: Record<string, unknown>): void {
  const limits = REPEATED_LIMITS[name] as Record<string, unknown> | undefined
  if (limits === undefined) return
  for (const [field, limit] of Object.entries(limits)) {
    const value = message[field]
    if (typeof limit === 'number' && Array.isArray(value) && value.length > limit) {
      throw new EncodeError(`${name}.${field}: ${value.length} entries exceeds the limit of ${limit}`)
    }
  }
  if (name === 'WorkerOffer' && Array.isArray(message.renderers)) {
    for (const r of message.renderers) checkRepeated('RendererInfo', r as Record<string, unknown>)
  }
}
