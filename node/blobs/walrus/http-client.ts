// The Walrus HTTP API, as a publisher (PUT /v1/blobs) and an aggregator
// (GET /v1/blobs/<id>, with Range) serve it. Both are untrusted: answers are
// read with size caps and checked field by field, Content-Length is never
// relied on, and the caller checks what it gets (blob ids re-computed on
// upload, sha256 on download). Network errors, timeouts, 5xx and 429 are
// retried with exponential backoff and jitter; other 4xx are final.

import { systemClock } from '../../clock.ts'
import { isWalrusBlobId } from '../../../protocol/index.ts'
import { createLogger, type Logger } from '../../log.ts'
import {
  WalrusConfigError,
  WalrusError,
  WalrusHttpError,
  WalrusNetworkError,
  WalrusNotFoundError,
  WalrusRefError,
  WalrusResponseError,
  WalrusTimeoutError,
  WalrusTooLargeError
} from './errors.ts'
import { errorDetail, readCapped, readExactly } from './http-body.ts'

/** A publisher's JSON answer is a few hundred bytes; anything far larger is not one. */
export const WALRUS_MAX_JSON_BYTES = 64 * 1024
const SUI_ADDRESS_RE = /^0x[0-9a-fA-F]{64}$/

export interface WalrusHttpClientInit {
  publisherUrl: string
  aggregatorUrl: string
  /** Storage epochs bought for each blob (default 1; 1 epoch is 1 day on testnet, 2 weeks on mainnet). */
  epochs?: number
  /** A request with no answer, or a body with no new bytes, for this long is abandoned and retried (default 60 s: a publisher certifies before answering). */
  timeoutMs?: number
  /** Tries after the first for a retryable failure (default 4). */
  retries?: number
  /**
   * Reads may give up sooner than stores (defaults: timeoutMs and retries):
   * a reader that fails over to a peer loses less than a publisher that
   * gives up on a store.
   */
  readTimeoutMs?: number
  readRetries?: number
  /** First backoff; doubles per retry up to `retryMaxMs`, each wait jittered to 50-100% (default 500 ms, max 10 s). */
  retryBaseMs?: number
  retryMaxMs?: number
  fetch?: typeof globalThis.fetch
  logger?: Logger
  /** Jitter source, for tests (default Math.random). */
  random?: () => number
}

export interface WalrusStoreOptions {
  /** Store as a permanent blob (a publisher answers alreadyCertified only for these). Default: deletable. */
  permanent?: boolean
  /** Sui address that receives the Blob object (otherwise the publisher keeps it). */
  sendObjectTo?: string
  signal?: AbortSignal
}

export interface WalrusStored {
  blobId: string
  /** The Sui Blob object, when the publisher says. */
  objectId?: string
  /** The epoch the storage runs out, when the publisher says. */
  endEpoch?: number
  status: 'newlyCreated' | 'alreadyCertified'
}

export interface WalrusReadOptions {
  offset: number
  length: number
  signal?: AbortSignal
}

export interface WalrusHealth {
  ok: boolean
  /** One line per endpoint. */
  detail: string
}

/** What one attempt yields; the retry loop turns failures into WalrusErrors. */
type Attempt<T> = (signal: AbortSignal, progress: () => void) => Promise<T>

export class WalrusHttpClient {
  readonly publisherUrl: string
  readonly aggregatorUrl: string
  readonly epochs: number
  private readonly timeoutMs: number
  private readonly retries: number
  private readonly readLimits: { timeoutMs: number; retries: number }
  private readonly retryBaseMs: number
  private readonly retryMaxMs: number
  private readonly fetchFn: typeof globalThis.fetch
  private readonly log: Logger
  private readonly random: () => number

  constructor(init: WalrusHttpClientInit) {
    this.publisherUrl = baseUrl('publisher', init.publisherUrl)
    this.aggregatorUrl = baseUrl('aggregator', init.aggregatorUrl)
    this.epochs = whole('epochs', init.epochs ?? 1, 1, 1000)
    this.timeoutMs = whole('timeoutMs', init.timeoutMs ?? 60_000, 1, 3_600_000)
    this.retries = whole('retries', init.retries ?? 4, 0, 100)
    this.readLimits = { timeoutMs: whole('readTimeoutMs', init.readTimeoutMs ?? this.timeoutMs, 1, 3_600_000), retries: whole('readRetries', init.readRetries ?? this.retries, 0, 100) }
    this.retryBaseMs = whole('retryBaseMs', init.retryBaseMs ?? 500, 0, 600_000)
    this.retryMaxMs = whole('retryMaxMs', init.retryMaxMs ?? 10_000, 0, 3_600_000)
    this.fetchFn = init.fetch ?? globalThis.fetch
    this.log = init.logger ?? createLogger('blobs:walrus:http')
    this.random = init.random ?? Math.random
  }

  /** Stores `bytes` as one Walrus blob and returns what the publisher says about it (check the blob id yourself). */
  async store(bytes: Uint8Array, options: WalrusStoreOptions = {}): Promise<WalrusStored> {
    const query = new URLSearchParams({ epochs: String(this.epochs) })
    if (options.permanent === true) query.set('permanent', 'true')
    if (options.sendObjectTo !== undefined) {
      if (!SUI_ADDRESS_RE.test(options.sendObjectTo)) throw new WalrusConfigError('walrus sendObjectTo must be a Sui address (0x and 64 hex digits)')
      query.set('send_object_to', options.sendObjectTo)
    }
    const url = `${this.publisherUrl}/v1/blobs?${query}`
    return this.withRetries(`store ${bytes.byteLength} bytes`, options.signal, { timeoutMs: this.timeoutMs, retries: this.retries }, async (signal, progress) => {
      const res = await this.fetchFn(url, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' }, signal })
      progress()
      if (res.status === 413) throw new WalrusTooLargeError(bytes.byteLength, await errorDetail(res))
      if (res.status !== 200) throw new WalrusHttpError(res.status, `walrus publisher answered HTTP ${res.status}${await errorDetail(res)}`)
      const body = await readCapped(res, WALRUS_MAX_JSON_BYTES, progress)
      return parseStored(body)
    })
  }

  /** Exactly `length` bytes of the blob from `offset` (a 200 that ignores the range is cut to it). */
  async read(blobId: string, options: WalrusReadOptions): Promise<Uint8Array> {
    const { offset, length } = options
    if (!isWalrusBlobId(blobId)) throw new WalrusRefError('walrus blob id must be 43 characters of base64url')
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 1) throw new WalrusRefError(`walrus read range ${offset}+${length} is not a byte range`)
    const url = `${this.aggregatorUrl}/v1/blobs/${blobId}`
    return this.withRetries(`read ${blobId} ${offset}+${length}`, options.signal, this.readLimits, async (signal, progress) => {
      const res = await this.fetchFn(url, { headers: { range: `bytes=${offset}-${offset + length - 1}` }, signal })
      progress()
      if (res.status === 404) throw new WalrusNotFoundError(blobId)
      if (res.status === 206) {
        const start = contentRangeStart(res.headers.get('content-range'))
        if (start !== undefined && start !== offset) throw new WalrusResponseError(`walrus aggregator sent bytes from ${start}, asked for ${offset}`)
        return await readExactly(res, 0, length, progress)
      }
      if (res.status === 200) return await readExactly(res, offset, length, progress)
      throw new WalrusHttpError(res.status, `walrus aggregator answered HTTP ${res.status} for ${blobId}${await errorDetail(res)}`)
    })
  }

  /** The whole blob, refused past `maxBytes` (for small blobs such as parts manifests). */
  async readAll(blobId: string, options: { maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array> {
    if (!isWalrusBlobId(blobId)) throw new WalrusRefError('walrus blob id must be 43 characters of base64url')
    const url = `${this.aggregatorUrl}/v1/blobs/${blobId}`
    return this.withRetries(`read ${blobId}`, options.signal, this.readLimits, async (signal, progress) => {
      const res = await this.fetchFn(url, { signal })
      progress()
      if (res.status === 404) throw new WalrusNotFoundError(blobId)
      if (res.status !== 200) throw new WalrusHttpError(res.status, `walrus aggregator answered HTTP ${res.status} for ${blobId}${await errorDetail(res)}`)
      return await readCapped(res, options.maxBytes, progress)
    })
  }

  /** Whether each endpoint answers its API description (`GET /v1/api`), one line each; no retries. */
  async health(options: { signal?: AbortSignal } = {}): Promise<WalrusHealth> {
    const [publisher, aggregator] = await Promise.all([this.probe('publisher', this.publisherUrl, options.signal), this.probe('aggregator', this.aggregatorUrl, options.signal)])
    return { ok: publisher.ok && aggregator.ok, detail: `${publisher.line}\n${aggregator.line}` }
  }

  private async probe(role: string, base: string, signal?: AbortSignal): Promise<{ ok: boolean; line: string }> {
    try {
      const status = await this.attempt(signal, async (s) => {
        const res = await this.fetchFn(`${base}/v1/api`, { signal: s })
        await res.body?.cancel().catch(() => {})
        return res.status
      })
      const ok = status >= 200 && status < 300
      return { ok, line: `walrus ${role} ${base}: ${ok ? 'ok' : `HTTP ${status}`}` }
    } catch (err) {
      if (signal?.aborted) throw signal.reason
      return { ok: false, line: `walrus ${role} ${base}: ${(err as Error).message}` }
    }
  }

  private async withRetries<T>(what: string, signal: AbortSignal | undefined, limits: { timeoutMs: number; retries: number }, run: Attempt<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await this.attempt(signal, run, limits.timeoutMs)
      } catch (err) {
        if (!(err instanceof WalrusError) || !err.retryable || retry >= limits.retries) throw err
        const waitMs = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** retry) * (0.5 + this.random() / 2)
        this.log.debug('walrus request failed, retrying', { what, retry: retry + 1, waitMs: Math.round(waitMs), err })
        await systemClock.sleep(waitMs, signal)
      }
    }
  }

  /**
   * One request under an idle timer: no answer, or no new body bytes, for
   * `timeoutMs` aborts it. Failures come out as WalrusErrors, except the
   * caller's own abort, which comes out as its reason.
   */
  private async attempt<T>(signal: AbortSignal | undefined, run: Attempt<T>, timeoutMs = this.timeoutMs): Promise<T> {
    signal?.throwIfAborted()
    const timer = new AbortController()
    let timeout: NodeJS.Timeout | undefined
    const progress = () => {
      clearTimeout(timeout)
      timeout = setTimeout(() => timer.abort(new WalrusTimeoutError(`walrus request made no progress for ${timeoutMs} ms`)), timeoutMs)
    }
    progress()
    try {
      return await run(signal === undefined ? timer.signal : AbortSignal.any([signal, timer.signal]), progress)
    } catch (err) {
      if (signal?.aborted) throw signal.reason
      if (timer.signal.aborted) throw timer.signal.reason
      if (err instanceof WalrusError) throw err
      throw new WalrusNetworkError(`walrus request failed: ${describe(err)}`, { cause: err })
    } finally {
      clearTimeout(timeout)
    }
  }
}

/** Validates an endpoint URL and returns it without a trailing slash, ready for `/v1/...`. */
function baseUrl(role: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new WalrusConfigError(`walrus ${role} URL ${JSON.stringify(String(value).slice(0, 200))} is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WalrusConfigError(`walrus ${role} URL must be http or https, got ${url.protocol}`)
  if (url.username !== '' || url.password !== '') throw new WalrusConfigError(`walrus ${role} URL must not hold credentials`)
  if (url.search !== '' || url.hash !== '') throw new WalrusConfigError(`walrus ${role} URL must not have a query or fragment`)
  return url.href.replace(/\/+$/, '')
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new WalrusConfigError(`walrus ${name} must be a whole number from ${min} to ${max}, got ${value}`)
  return value
}

/** fetch hides the reason (ECONNREFUSED, reset) in `cause`. */
function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause
  if (typeof cause?.code === 'string') return cause.code
  if (typeof cause?.message === 'string') return cause.message
  return err instanceof Error ? err.message : String(err)
}

/** The start offset of a `bytes a-b/n` Content-Range, undefined when absent or unreadable. */
function contentRangeStart(header: string | null): number | undefined {
  const m = header === null ? null : /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header.trim())
  return m === null ? undefined : Number(m[1])
}

function field(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined
}

function optionalEpoch(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined
}

/** A publisher's answer: `{"newlyCreated":{"blobObject":{...}}}` or `{"alreadyCertified":{...}}`. */
export function parseStored(body: Uint8Array): WalrusStored {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    throw new WalrusResponseError('walrus publisher answer is not JSON')
  }
  const created = field(json, 'newlyCreated')
  if (created !== undefined) {
    const blob = field(created, 'blobObject')
    const blobId = field(blob, 'blobId')
    if (!isWalrusBlobId(blobId)) throw new WalrusResponseError('walrus publisher answer has no valid newlyCreated.blobObject.blobId')
    return { blobId, objectId: optionalString(field(blob, 'id')), endEpoch: optionalEpoch(field(field(blob, 'storage'), 'endEpoch')), status: 'newlyCreated' }
  }
  const certified = field(json, 'alreadyCertified')
  if (certified !== undefined) {
    const blobId = field(certified, 'blobId')
    if (!isWalrusBlobId(blobId)) throw new WalrusResponseError('walrus publisher answer has no valid alreadyCertified.blobId')
    return { blobId, objectId: optionalString(field(certified, 'object')), endEpoch: optionalEpoch(field(certified, 'endEpoch')), status: 'alreadyCertified' }
  }
  const keys = typeof json === 'object' && json !== null ? Object.keys(json).slice(0, 3).join(', ') : typeof json
  throw new WalrusResponseError(`walrus publisher answer is neither newlyCreated nor alreadyCertified (${keys.slice(0, 100)})`)
}
