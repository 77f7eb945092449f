// Signing is injected: protocol/ ships a portable @noble implementation, and
// the node may pass a faster node:crypto one. Both must agree on every
// signature a peer can produce, so implementations follow ZIP-215 verification
// (SPEC R15: what @noble/curves does by default and Sui's ed25519_verify accepts).
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES } from './constants.ts'

export interface Ed25519 {
  /** Plain Ed25519 (RFC 8032) signature of `msg` by the key derived from a 32-byte seed. */
  sign(seed: Uint8Array, msg: Uint8Array): Uint8Array
  /** Must return false, never throw, for malformed keys or signatures. */
  verify(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean
  publicKey(seed: Uint8Array): Uint8Array
}

export const SEED_BYTES = 32

export const nobleEd25519: Ed25519 = {
  sign(seed, msg) {
    return ed25519.sign(msg, seed)
  },
  verify(publicKey, msg, sig) {
    if (publicKey.byteLength !== ED25519_PUBLIC_KEY_BYTES || sig.byteLength !== ED25519_SIGNATURE_BYTES) return false
    try {
      return ed25519.verify(sig, msg, publicKey)
    } catch {
      // noble throws on a public key that is not a curve point: that is just an invalid signature
      return false
    }
  },
  publicKey(seed) {
    return ed25519.getPublicKey(seed)
  }
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes)
}
