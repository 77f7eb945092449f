// nativeNoiseCrypto against noise's own implementations: the same ciphertext
// for the same key, nonce and data, either side decrypts the other's, and a
// changed byte anywhere (ciphertext, tag, associated data) is refused.
import { randomBytes } from 'node:crypto'
import { pureJsCrypto } from '@chainsafe/libp2p-noise'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { NATIVE_MIN_BYTES, nativeNoiseCrypto } from '../../../../node/net/noise-crypto.ts'

/** Noise records carry at most 65535 bytes, 16 of them the tag. */
const MAX_PLAINTEXT = 65_519
const flat = (data: Uint8Array | Uint8ArrayList) => Uint8Array.from(data.subarray())

/** Sizes around the native/default switch and the record limit, plus anything in between. */
const size = fc.oneof(
  fc.constantFrom(0, 1, NATIVE_MIN_BYTES - 1, NATIVE_MIN_BYTES, NATIVE_MIN_BYTES + 1, 65_536 - 17, MAX_PLAINTEXT),
  fc.integer({ min: 0, max: MAX_PLAINTEXT })
)

/** The same bytes, as one array or as a list cut in up to three places. */
function shaped(bytes: Uint8Array, cuts: number[]): Uint8Array | Uint8ArrayList {
  if (cuts.length === 0) return bytes
  const list = new Uint8ArrayList()
  let at = 0
  for (const cut of [...cuts.map((c) => c % (bytes.byteLength + 1))].sort((a, b) => a - b)) {
    list.append(bytes.subarray(at, Math.max(at, cut)))
    at = Math.max(at, cut)
  }
  list.append(bytes.subarray(at))
  return list
}

describe('nativeNoiseCrypto', () => {
  const native = nativeNoiseCrypto()

  it('seals exactly as noise does, and each opens what the other sealed', () => {
    fc.assert(
      fc.property(size, fc.array(fc.nat(), { maxLength: 3 }), fc.uint8Array({ maxLength: 64 }), (n, cuts, ad) => {
        const key = randomBytes(32)
        const nonce = randomBytes(12)
        const plaintext = randomBytes(n)
        const sealed = flat(native.chaCha20Poly1305Encrypt(shaped(plaintext, cuts), nonce, ad, key))
        expect(sealed).toEqual(flat(pureJsCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key)))
        expect(flat(defaultCrypto.chaCha20Poly1305Decrypt(Uint8Array.from(sealed), nonce, ad, key))).toEqual(Uint8Array.from(plaintext))
        const theirs = flat(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key))
        expect(flat(native.chaCha20Poly1305Decrypt(shaped(theirs, cuts), nonce, ad, key))).toEqual(Uint8Array.from(plaintext))
      }),
      { numRuns: 60 }
    )
  })

  it('refuses a record with any byte changed, or under the wrong associated data', () => {
    fc.assert(
      fc.property(size, fc.nat(), fc.integer({ min: 1, max: 255 }), (n, at, flip) => {
        const key = randomBytes(32)
        const nonce = randomBytes(12)
        const ad = randomBytes(32)
        const sealed = flat(native.chaCha20Poly1305Encrypt(randomBytes(n), nonce, ad, key))
        const tampered = Uint8Array.from(sealed)
        tampered[at % tampered.byteLength]! ^= flip
        expect(() => native.chaCha20Poly1305Decrypt(tampered, nonce, ad, key)).toThrow()
        const otherAd = Uint8Array.from(ad)
        otherAd[0]! ^= 1
        expect(() => native.chaCha20Poly1305Decrypt(Uint8Array.from(sealed), nonce, otherAd, key)).toThrow()
      }),
      { numRuns: 60 }
    )
  })

  it('a key buffer overwritten with another key is not served from the cache', () => {
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    const plaintext = randomBytes(4096)
    const first = flat(native.chaCha20Poly1305Encrypt(plaintext, nonce, new Uint8Array(), key))
    key.set(randomBytes(32))
    const second = flat(native.chaCha20Poly1305Encrypt(plaintext, nonce, new Uint8Array(), key))
    expect(second).not.toEqual(first)
    expect(second).toEqual(flat(pureJsCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, new Uint8Array(), key)))
  })
})
