// The DHT keys a blob is provided under (SPEC R74a): the blob's CID first,
// then replica keys that are deterministic, distinct from each other and
// from every other blob's keys, and domain-separated (no plain hash of the
// id, nor the CID of any blob, can be one).

import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { blobCid } from '../../../../node/blobs/index.ts'
import { PROVIDER_KEY_DOMAIN, PROVIDER_REPLICA_KEYS, providerKeys, replicaKeyDigest } from '../../../../node/blobs/provider-keys.ts'

const blobId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'))
const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest('hex')
}

describe('blob provider keys', () => {
  it('are the blob CID, then the replica keys, the same every time', () => {
    fc.assert(
      fc.property(blobId, (id) => {
        const keys = providerKeys(id)
        expect(keys).toHaveLength(1 + PROVIDER_REPLICA_KEYS)
        expect(keys[0]!.equals(blobCid(id))).toBe(true)
        expect(providerKeys(id).map(String)).toEqual(keys.map(String))
      }),
      { numRuns: 300 }
    )
  })

  it('replica keys are CIDv1 raw sha2-256 over the domain-separated digest', () => {
    fc.assert(
      fc.property(blobId, fc.integer({ min: 1, max: PROVIDER_REPLICA_KEYS }), (id, index) => {
        const key = providerKeys(id)[index]!
        const expected = sha256(Buffer.from(PROVIDER_KEY_DOMAIN), Uint8Array.of(0, index), Buffer.from(id, 'hex'))
        expect(key.version).toBe(1)
        expect(key.code).toBe(0x55)
        expect(key.multihash.code).toBe(0x12)
        expect(Buffer.from(key.multihash.digest).toString('hex')).toBe(expected)
        expect(key.equals(blobCid(expected))).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it('are distinct within a blob and never shared between blobs', () => {
    fc.assert(
      fc.property(blobId, blobId, (a, b) => {
        fc.pre(a !== b)
        const keysA = providerKeys(a).map(String)
        const keysB = providerKeys(b).map(String)
        expect(new Set(keysA).size).toBe(keysA.length)
        expect(keysA.filter((k) => keysB.includes(k))).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it('are domain-separated: not a plain hash of the id, and another domain gives other keys', () => {
    fc.assert(
      fc.property(blobId, fc.integer({ min: 1, max: PROVIDER_REPLICA_KEYS }), (id, index) => {
        const digest = Buffer.from(replicaKeyDigest(id, index)).toString('hex')
        const raw = Buffer.from(id, 'hex')
        expect(digest).not.toBe(id)
        expect(digest).not.toBe(sha256(raw))
        expect(digest).not.toBe(sha256(Uint8Array.of(index), raw))
        expect(digest).not.toBe(sha256(Buffer.from('pictor/v1/other-key'), Uint8Array.of(0, index), raw))
        // The 0x00 after the domain keeps index and id from sliding into it.
        expect(digest).not.toBe(sha256(Buffer.from(PROVIDER_KEY_DOMAIN), Uint8Array.of(index), raw))
      }),
      { numRuns: 300 }
    )
  })

  it('match the fixed vector another implementation can check against', () => {
    const empty = sha256(new Uint8Array())
    expect(providerKeys(empty).map(String)).toEqual([
      'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
      'bafkreicy5yk4q7i7sanyoj2gt26aeymf3nc5drrbmjpjzsyxvvc2xpnqpe',
      'bafkreieyhv2niabqrjafp2upr4zdotd5yz3jesuacnzn654cqtgjiqv37i',
      'bafkreidizia7p74x4fjgdozv5wpw6tqrlyemn3ongauyw4t7tb46fqm3ge'
    ])
    expect(Buffer.from(replicaKeyDigest(empty, 1)).toString('hex')).toBe('58ee15c87d1f901b8727469ebc026185db45d1c621625e9ccb17ad45abbdb079')
  })

  it('refuses an index outside 1..255 and an id that is not one', () => {
    const id = sha256(new Uint8Array())
    expect(() => replicaKeyDigest(id, 0)).toThrow(RangeError)
    expect(() => replicaKeyDigest(id, 256)).toThrow(RangeError)
    expect(() => replicaKeyDigest(id, 1.5)).toThrow(RangeError)
    expect(() => providerKeys('not-an-id')).toThrow(/invalid blob id/)
  })
})
