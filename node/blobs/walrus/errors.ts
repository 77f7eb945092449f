// Walrus backend errors. Each has a stable `code`; `retryable` says whether
// the HTTP client may try the same request again (network trouble, timeouts,
// 5xx, 429). The original error, when there is one, is kept as `cause`.

import { UserError } from '../../errors.ts'
import { BlobError } from '../errors.ts'

export class WalrusError extends BlobError {
  readonly retryable: boolean
  constructor(code: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(code, message, options)
    this.retryable = retryable
  }
}

/** A publisher or aggregator URL (or another setting) that cannot work: one line for the user. */
export class WalrusConfigError extends UserError {
  constructor(message: string) {
    super('ERR_WALRUS_CONFIG', message)
  }
}

/** The request never got an answer: connection refused or reset, DNS, a body cut short. */
export class WalrusNetworkError extends WalrusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_WALRUS_NETWORK', message, true, options)
  }
}

/** No answer, or no progress on the body, within the client's timeout. */
export class WalrusTimeoutError extends WalrusError {
  constructor(message: string) {
    super('ERR_WALRUS_TIMEOUT', message, true)
  }
}

/** An HTTP status the client does not accept; 5xx and 429 are worth a retry, other 4xx are not. */
export class WalrusHttpError extends WalrusError {
  readonly status: number
  constructor(status: number, message: string) {
    super('ERR_WALRUS_HTTP', message, status >= 500 || status === 429)
    this.status = status
  }
}

/** The aggregator does not know the blob (404). */
export class WalrusNotFoundError extends WalrusError {
  readonly blobId: string
  constructor(blobId: string) {
    super('ERR_WALRUS_NOT_FOUND', `walrus blob ${blobId} not found`, false)
    this.blobId = blobId
  }
}

/** The publisher refused the body as too large (413). */
export class WalrusTooLargeError extends WalrusError {
  readonly bytes: number
  constructor(bytes: number, detail: string) {
    super('ERR_WALRUS_TOO_LARGE', `walrus publisher refused ${bytes} bytes as too large${detail}`, false)
    this.bytes = bytes
  }
}

/** An answer with the right status but an unusable body: malformed JSON, too long, the wrong length. */
export class WalrusResponseError extends WalrusError {
  constructor(message: string, retryable = false) {
    super('ERR_WALRUS_RESPONSE', message, retryable)
  }
}

/** The publisher named a blob id other than the one the bytes encode to: the upload is not trusted. */
export class WalrusBlobIdMismatchError extends WalrusError {
  readonly expected: string
  readonly actual: string
  constructor(expected: string, actual: string) {
    super('ERR_WALRUS_BLOB_ID_MISMATCH', `walrus publisher answered blob id ${actual}, the bytes encode to ${expected}`, false)
    this.expected = expected
    this.actual = actual
  }
}

/** A reference that cannot locate the blob (checked before any request). */
export class WalrusRefError extends WalrusError {
  constructor(message: string) {
    super('ERR_WALRUS_REF', message, false)
  }
}
