// Walrus locations of blobs (SPEC R75). A pictor blob is named by its sha256
// everywhere; a WalrusRef says where the same bytes can also be read: a Walrus
// blob, or a parts manifest whose parts together hold them, starting at
// `offset` (several frames of one task may share one Walrus object). Readers
// always check the bytes against the sha256, so a wrong ref costs a fetch,
// never a wrong result.
import { LIMITS } from '../constants.ts'
import { ProtocolError } from '../errors.ts'
import type { WalrusRef } from '../pb/messages.js'

export type { WalrusRef }

/** Unpadded base64url of 32 bytes. */
const WALRUS_BLOB_ID_RE = /^[A-Za-z0-9_-]{43}$/

export function isWalrusBlobId(value: unknown): value is string {
  return typeof value === 'string' && WALRUS_BLOB_ID_RE.test(value)
}

/** Why `ref` cannot locate `size` bytes, or undefined when it can. */
export function walrusRefProblem(ref: WalrusRef, size: number): string | undefined {
  if (!isWalrusBlobId(ref.blobId)) return 'walrus blob id must be 43 characters of base64url'
  if (!Number.isSafeInteger(ref.offset) || ref.offset < 0 || ref.offset > LIMITS.maxWalrusObjectBytes) return `walrus offset must be 0 to ${LIMITS.maxWalrusObjectBytes}`
  if (!Number.isSafeInteger(size) || size < 1 || ref.offset + size > LIMITS.maxWalrusObjectBytes) return `walrus range must end within ${LIMITS.maxWalrusObjectBytes} bytes`
  if (!ref.parts && ref.offset + size > LIMITS.maxWalrusBlobBytes) return `a single walrus blob holds at most ${LIMITS.maxWalrusBlobBytes} bytes`
  return undefined
}

/** Checks untrusted JSON (a spec, a manifest) and returns a WalrusRef. */
export function parseWalrusRef(value: unknown, size: number, field: string): WalrusRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError('WALRUS_REF', `${field} must be an object`)
  const o = value as Record<string, unknown>
  const ref: WalrusRef = { blobId: o.blobId as string, parts: o.parts === true, offset: o.offset === undefined ? 0 : (o.offset as number) }
  if (o.parts !== undefined && typeof o.parts !== 'boolean') throw new ProtocolError('WALRUS_REF', `${field}.parts must be true or false`)
  const problem = walrusRefProblem(ref, size)
  if (problem !== undefined) throw new ProtocolError('WALRUS_REF', `${field}: ${problem}`)
  return ref
}
