// What `pictor walrus-dev` puts on the wire, shaped as a real Walrus daemon
// (publisher + aggregator) answers: camelCase JSON, the AIP-193 error
// envelope Walrus uses, ids in their Sui / Walrus spellings, and the RS2
// encoded size and cost that a publisher reports for a blob.
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { toBase58 } from '@mysten/sui/utils'

/** Walrus's error domain for daemon (publisher / aggregator) errors. */
export const DAEMON_ERROR_DOMAIN = 'daemon.walrus.space'

/** Walrus status names; each has one HTTP code. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  416: 'OUT_OF_RANGE',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED'
}

export interface WalrusErrorBody {
  error: { code: number; status: string; message: string; details: { '@type': 'ErrorInfo'; reason: string; domain: string; metadata: Record<string, unknown> }[] }
}

export function errorBody(code: number, reason: string, message: string): WalrusErrorBody {
  return { error: { code, status: STATUS_NAMES[code] ?? 'INTERNAL', message, details: [{ '@type': 'ErrorInfo', reason, domain: DAEMON_ERROR_DOMAIN, metadata: {} }] } }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }).end(body)
}

export function sendError(res: ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, code, errorBody(code, reason, message), headers)
}

/** Some errors (body limit, load shedding) come from the HTTP layer in front of Walrus's handlers, as plain text. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers }).end(text)
}

/** A blob id: a 32-byte u256 as unpadded base64url, in its one canonical spelling. */
export function isBlobId(value: string): boolean {
  return /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/.test(value)
}

/** A Sui object id or address: 0x + 64 hex digits. */
export function isObjectId(value: string): boolean {
  return /^0x[0-9a-fA-F]{64}$/.test(value)
}

export function randomObjectId(): string {
  return `0x${randomBytes(32).toString('hex')}`
}

/** A Sui transaction digest: 32 bytes in base58. */
export function randomTxDigest(): string {
  return toBase58(randomBytes(32))
}

/** Another valid-looking blob id than `blobId` (the first byte flipped). */
export function otherBlobId(blobId: string): string {
  const bytes = Buffer.from(blobId, 'base64url')
  bytes[0] ^= 0xff
  return bytes.toString('base64url')
}

/** The blob's on-disk file name: hex, so case-insensitive file systems keep ids apart. */
export function blobFileName(blobId: string): string {
  return Buffer.from(blobId, 'base64url').toString('hex')
}

const DIGEST_BYTES = 32
/** Walrus prices storage per unit of 1 MiB of encoded size. */
const BYTES_PER_UNIT = 1024 * 1024
/** Illustrative prices in FROST (1 WAL = 10^9 FROST); a dev server has no market. */
const STORAGE_PRICE_PER_UNIT_EPOCH = 1000
const WRITE_PRICE_PER_UNIT = 1100

/**
 * What storing `size` bytes takes on a network of `shards` shards with RS2:
 * every shard keeps a primary and a secondary sliver plus the blob's metadata
 * (two digests per shard and the blob id).
 */
export function encodedLength(size: number, shards: number): number {
  const f = Math.floor((shards - 1) / 3)
  const primary = shards - 2 * f
  const secondary = shards - f
  const symbol = Math.max(1, Math.ceil(size / (primary * secondary)))
  const symbolSize = symbol + (symbol % 2)
  const metadata = shards * DIGEST_BYTES * 2 + DIGEST_BYTES
  return shards * ((primary + secondary) * symbolSize + metadata)
}

export function storageCost(encoded: number, epochs: number): number {
  const units = Math.ceil(encoded / BYTES_PER_UNIT)
  return units * (STORAGE_PRICE_PER_UNIT_EPOCH * epochs + WRITE_PRICE_PER_UNIT)
}
