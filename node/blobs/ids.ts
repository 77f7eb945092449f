// Blob id helpers: the hex id used everywhere in the node, the 32 raw bytes
// used on the wire, and the CID used for DHT provider records.

import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { CONTENT_ID_BYTES } from '../../protocol/index.ts'
import { InvalidBlobIdError } from './errors.ts'
import type { BlobId } from './types.ts'

const SHA2_256 = 0x12
const BLOB_ID_RE = /^[0-9a-f]{64}$/

export function isBlobId(id: string): id is BlobId {
  return BLOB_ID_RE.test(id)
}

/** Ids reach us from the wire and from users; a bad one must never become a path. */
export function assertBlobId(id: string): BlobId {
  if (!isBlobId(id)) throw new InvalidBlobIdError(id)
  return id
}

export function blobIdToBytes(id: BlobId): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(assertBlobId(id), 'hex'))
}

export function blobIdFromBytes(bytes: Uint8Array): BlobId {
  if (bytes.byteLength !== CONTENT_ID_BYTES) throw new InvalidBlobIdError(Buffer.from(bytes).toString('hex'))
  return Buffer.from(bytes).toString('hex')
}

/** CIDv1, raw codec, sha2-256 multihash: the same bytes give the same record an IPFS tool would compute. */
export function blobCid(id: BlobId): CID {
  return CID.createV1(raw.code, Digest.create(SHA2_256, blobIdToBytes(id)))
}
