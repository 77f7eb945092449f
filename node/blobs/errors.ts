// Blob errors. Each has a stable `code` for callers and logs; the original
// error, when there is one, is kept as `cause`.

import { PictorError } from '../errors.ts'
import type { BlobId } from './types.ts'

export class BlobError extends PictorError {}

/** A blob id that is not 64 lowercase hex characters (wire or user input). */
export class InvalidBlobIdError extends BlobError {
  constructor(id: string) {
    super('ERR_BLOB_INVALID_ID', `invalid blob id ${JSON.stringify(id.slice(0, 80))}`)
  }
}

export class BlobNotFoundError extends BlobError {
  readonly id: BlobId
  constructor(id: BlobId, options?: { cause?: unknown }) {
    super('ERR_BLOB_NOT_FOUND', `blob ${id} not found`, options)
    this.id = id
  }
}

export class BlobTooLargeError extends BlobError {
  readonly maxBytes: number
  constructor(maxBytes: number, message = `blob exceeds the limit of ${maxBytes} bytes`) {
    super('ERR_BLOB_TOO_LARGE', message)
    this.maxBytes = maxBytes
  }
}

/** The bytes do not hash to the id they were asked or stored under. */
export class BlobHashMismatchError extends BlobError {
  readonly expected: BlobId
  readonly actual?: BlobId
  constructor(expected: BlobId, actual?: BlobId, message?: string) {
    super('ERR_BLOB_HASH_MISMATCH', message ?? `blob ${expected} hashed to ${actual ?? 'something else'}`)
    this.expected = expected
    this.actual = actual
  }
}

/** Fetching from the network failed for a reason other than the above. */
export class BlobFetchError extends BlobError {
  readonly id: BlobId
  /** The provider broke the protocol (R73), rather than being busy, gone or slow. */
  readonly badProvider: boolean
  constructor(id: BlobId, message: string, options?: { cause?: unknown; badProvider?: boolean }) {
    super('ERR_BLOB_FETCH', `blob ${id}: ${message}`, { cause: options?.cause })
    this.id = id
    this.badProvider = options?.badProvider ?? false
  }
}

/**
 * The peer could not be dialled, or not within the time allowed: it proves
 * nothing about the peer or the blob, and cost no transfer (a dead address
 * in a provider record ends here).
 */
export class BlobPeerUnreachableError extends BlobFetchError {}

/** The peer is serving as many blobs as it allows at once: asked again shortly, it will likely serve this one. */
export class BlobPeerBusyError extends BlobFetchError {}

/**
 * Whether a failed transfer proves the provider bad (SPEC R73): bytes that
 * hash to another id, more or fewer bytes than its header announced, or a
 * malformed header. Busy, not found, stalled or reset streams prove nothing.
 */
export function isBadProvider(err: unknown): boolean {
  return err instanceof BlobHashMismatchError || (err instanceof BlobFetchError && err.badProvider)
}
