// The DHT keys a blob's provider records go under (SPEC R4, R74a): the
// blob's own CID, plus a few replica keys derived from its id. Sybils mined
// next to the blob's CID sit among the closest peers of that key only; the
// replica keys land elsewhere in the keyspace, where honest peers still hold
// the record. An attacker must mine ids near every key to hide a provider.

import { createHash } from 'node:crypto'
import type { CID } from 'multiformats/cid'
import { blobCid, blobIdToBytes } from './ids.ts'
import type { BlobId } from './types.ts'

/** Hashed in front of a replica key's index and the blob id, so no other pictor hash can equal one. */
export const PROVIDER_KEY_DOMAIN = 'pictor/v1/blob-provider-key'

/**
 * Replica keys per blob, beside its own CID. Cost: r + 1 provide walks per
 * blob (and r + 1 records for the DHT to reprovide), and r + 1 concurrent
 * searches on a lookup; both are off the hot path (a provide runs in the
 * background, and pictor asks the DHT only after the peers the caller
 * named). Gain: an attacker must run K = 20 ids near every key, r + 1 times
 * the sybils, to hide a provider, while one key left clean is enough for a
 * fetcher. With 3, 20 sybils mined near the CID hid the provider in 0 of 18
 * trials over 3 runs of the attack suite's `dht` scenario (README); more
 * keys would only raise the price of an attacker who knows the scheme,
 * linearly, at a linear cost to every provider.
 */
export const PROVIDER_REPLICA_KEYS = 3

/** sha256(utf8(domain) || 0x00 || index || content id): the digest of replica key `index` (1..PROVIDER_REPLICA_KEYS). */
export function replicaKeyDigest(id: BlobId, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 1 || index > 255) throw new RangeError(`replica key index ${index} is not in 1..255`)
  return createHash('sha256').update(PROVIDER_KEY_DOMAIN).update(Uint8Array.of(0, index)).update(blobIdToBytes(id)).digest()
}

/** The blob's CID first (what a plain IPFS-style lookup asks), then its replica keys, wrapped as blobCid wraps an id. */
export function providerKeys(id: BlobId): CID[] {
  const keys = [blobCid(id)]
  for (let index = 1; index <= PROVIDER_REPLICA_KEYS; index++) keys.push(blobCid(Buffer.from(replicaKeyDigest(id, index)).toString('hex')))
  return keys
}
