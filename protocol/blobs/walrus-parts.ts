// Walrus parts manifests (SPEC R76). An object larger than one Walrus blob is
// stored as parts plus a manifest blob naming them in order; a WalrusRef with
// `parts: true` names the manifest. The manifest is canonical JSON, so one
// list of parts has exactly one encoding and its blob id names it:
//   {"pictor":"walrus-parts/1","size":N,"parts":[{"blobId":"…","size":n,"sha256":"…"},…]}
// Readers fetch it from an untrusted aggregator, so parsing is bounded and
// every field is checked; each part's sha256 lets a reader refuse a bad part
// before it has read the whole object.
import { LIMITS } from '../constants.ts'
import { ProtocolError } from '../errors.ts'
import { decodeJson } from './canonical-json.ts'
import { isWalrusBlobId } from './walrus-ref.ts'

export const WALRUS_PARTS_FORMAT = 'walrus-parts/1'

/**
 * The largest manifest a reader accepts. One entry is at most ~150 bytes
 * (43-character id, 8-digit size, 64-character hash), so the largest legal
 * manifest (LIMITS.maxWalrusParts entries) is ~610 KB.
 */
export const WALRUS_PARTS_MAX_BYTES = 1024 * 1024

export interface WalrusPart {
  /** The Walrus blob holding this part. */
  blobId: string
  size: number
  /** Lowercase hex sha256 of the part's bytes. */
  sha256: string
}

export interface WalrusParts {
  /** The object's size: the sum of the parts' sizes. */
  size: number
  parts: WalrusPart[]
}

const SHA256_HEX_RE = /^[0-9a-f]{64}$/

function fail(message: string): never {
  throw new ProtocolError('WALRUS_PARTS', message)
}

function isSize(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max
}

/** Checks an untrusted value (already JSON-parsed) and returns the manifest it holds. */
function checkParts(value: unknown): WalrusParts {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('walrus parts manifest must be a JSON object')
  const o = value as Record<string, unknown>
  if (o.pictor !== WALRUS_PARTS_FORMAT) fail(`walrus parts manifest must say "pictor":"${WALRUS_PARTS_FORMAT}"`)
  if (!isSize(o.size, LIMITS.maxWalrusObjectBytes)) fail(`walrus parts manifest size must be 1 to ${LIMITS.maxWalrusObjectBytes}`)
  if (!Array.isArray(o.parts) || o.parts.length < 1 || o.parts.length > LIMITS.maxWalrusParts) fail(`walrus parts manifest must list 1 to ${LIMITS.maxWalrusParts} parts`)
  let sum = 0
  const parts = o.parts.map((p: unknown, i: number): WalrusPart => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) fail(`walrus part ${i} must be an object`)
    const part = p as Record<string, unknown>
    if (!isWalrusBlobId(part.blobId)) fail(`walrus part ${i}: blob id must be 43 characters of base64url`)
    if (!isSize(part.size, LIMITS.maxWalrusBlobBytes)) fail(`walrus part ${i}: size must be 1 to ${LIMITS.maxWalrusBlobBytes}`)
    if (typeof part.sha256 !== 'string' || !SHA256_HEX_RE.test(part.sha256)) fail(`walrus part ${i}: sha256 must be 64 lowercase hex characters`)
    sum += part.size
    return { blobId: part.blobId, size: part.size, sha256: part.sha256 }
  })
  if (sum !== o.size) fail(`walrus parts add up to ${sum} bytes, the manifest says ${o.size}`)
  return { size: o.size, parts }
}

/** The canonical text: fixed key order, no spaces, nothing beyond the listed fields. */
function canonicalText(m: WalrusParts): string {
  const parts = m.parts.map((p) => `{"blobId":${JSON.stringify(p.blobId)},"size":${p.size},"sha256":${JSON.stringify(p.sha256)}}`)
  return `{"pictor":"${WALRUS_PARTS_FORMAT}","size":${m.size},"parts":[${parts.join(',')}]}`
}

/** The manifest's bytes; throws ProtocolError('WALRUS_PARTS') for a manifest a reader would refuse. */
export function encodeWalrusParts(m: WalrusParts): Uint8Array {
  const checked = checkParts({ pictor: WALRUS_PARTS_FORMAT, size: m.size, parts: m.parts })
  return new TextEncoder().encode(canonicalText(checked))
}

/**
 * Parses untrusted manifest bytes. Throws only ProtocolError('WALRUS_PARTS'),
 * with one line, for anything but a canonical, in-limits manifest.
 */
export function parseWalrusParts(bytes: Uint8Array): WalrusParts {
  if (bytes.byteLength > WALRUS_PARTS_MAX_BYTES) fail(`walrus parts manifest is over ${WALRUS_PARTS_MAX_BYTES} bytes`)
  const { text, value } = decodeJson(bytes) ?? fail('walrus parts manifest is not UTF-8 JSON')
  const manifest = checkParts(value)
  // Canonical only: rejects duplicate keys, extra fields, spacing and number
  // spellings, so one manifest has one blob id.
  if (canonicalText(manifest) !== text) fail('walrus parts manifest is not in canonical form')
  return manifest
}
