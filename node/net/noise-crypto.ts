// Noise's ChaChaPoly through node:crypto with the key imported once per
// session. Noise's default already uses node:crypto for messages of 1200
// bytes and more, but hands it the raw key on every message, so OpenSSL
// re-imports the key each time (prepareSecretKey was ~30% of the encryption
// time of a bulk transfer). The wire format is unchanged: hosts using this
// talk to hosts using noise's default crypto.
//
// Small messages (window updates, acks) stay on noise's default, which its
// authors measured faster than a native cipher context below 1200 bytes.

import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'

const CIPHER = 'chacha20-poly1305'
const TAG_BYTES = 16
/** Below this, noise's default (WebAssembly) is faster than a native cipher context. */
export const NATIVE_MIN_BYTES = 1200

interface CachedKey {
  bytes: Buffer
  key: KeyObject
}

/**
 * One imported key per key buffer. Noise keeps one buffer per direction for
 * the whole session; the bytes are compared too, so a buffer reused for
 * another key can never encrypt under a stale one.
 */
class KeyCache {
  private readonly keys = new WeakMap<Uint8Array, CachedKey>()

  get(k: Uint8Array): KeyObject {
    const cached = this.keys.get(k)
    if (cached?.bytes.equals(k)) return cached.key
    const bytes = Buffer.from(k)
    const key = createSecretKey(bytes)
    this.keys.set(k, { bytes, key })
    return key
  }
}

/** Noise crypto for Node: native ChaChaPoly with cached keys for bulk data, noise's defaults for the rest. */
export function nativeNoiseCrypto(): ICryptoInterface {
  const keys = new KeyCache()
  return {
    ...defaultCrypto,
    chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
      if (plaintext.byteLength < NATIVE_MIN_BYTES) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
      const cipher = createCipheriv(CIPHER, keys.get(k), nonce, { authTagLength: TAG_BYTES })
      cipher.setAAD(ad, { plaintextLength: plaintext.byteLength })
      // Pieces, not one concatenated copy: the socket sends them in one writev (socket-writes.ts).
      const ciphertext = new Uint8ArrayList()
      for (const buf of pieces(plaintext)) ciphertext.append(cipher.update(buf))
      const rest = cipher.final()
      if (rest.byteLength > 0) ciphertext.append(rest)
      ciphertext.append(cipher.getAuthTag())
      return ciphertext
    },
    chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
      if (ciphertext.byteLength < NATIVE_MIN_BYTES) return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
      const textBytes = ciphertext.byteLength - TAG_BYTES
      const decipher = createDecipheriv(CIPHER, keys.get(k), nonce, { authTagLength: TAG_BYTES })
      decipher.setAAD(ad, { plaintextLength: textBytes })
      decipher.setAuthTag(ciphertext.subarray(textBytes))
      const text = ciphertext instanceof Uint8Array ? ciphertext.subarray(0, textBytes) : ciphertext.sublist(0, textBytes)
      const plaintext = new Uint8ArrayList()
      for (const buf of pieces(text)) plaintext.append(decipher.update(buf))
      // final() throws when the tag does not match: nothing decrypted is returned.
      const rest = decipher.final()
      if (rest.byteLength > 0) plaintext.append(rest)
      return plaintext
    }
  }
}

function pieces(data: Uint8Array | Uint8ArrayList): Iterable<Uint8Array> {
  return data instanceof Uint8Array ? [data] : data
}
