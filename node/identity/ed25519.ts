// Ed25519 on node:crypto (OpenSSL): the fast implementation of the
// protocol's injected signature scheme. A 32-byte seed is the private key.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

// DER prefixes for raw Ed25519 keys (RFC 8410): PKCS#8 private, SPKI public.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

const privateKeys = new Map<string, KeyObject>()
/** The public halves of privateKeys, raw. */
const ownPublicKeys = new Map<string, Uint8Array>()
/** Peers' keys, kept because every gossip message is verified; bounded, oldest dropped first. */
const publicKeys = new Map<string, KeyObject>()
const MAX_PUBLIC_KEYS = 4096

function publicKeyOf(raw: Uint8Array): KeyObject {
  const hex = Buffer.from(raw).toString('hex')
  let key = publicKeys.get(hex)
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
    if (publicKeys.size >= MAX_PUBLIC_KEYS) publicKeys.delete(publicKeys.keys().next().value!)
    publicKeys.set(hex, key)
  }
  return key
}

function privateKeyOf(seed: Uint8Array): KeyObject {
  const hex = Buffer.from(seed).toString('hex')
  let key = privateKeys.get(hex)
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
    // A node signs with one or two keys; the cache stays tiny.
    if (privateKeys.size > 16) privateKeys.clear()
    privateKeys.set(hex, key)
  }
  return key
}

export const nodeEd25519 = {
  publicKey(seed: Uint8Array): Uint8Array {
    // Every signed envelope carries it: derived once per key, a copy handed out each time.
    const hex = Buffer.from(seed).toString('hex')
    let raw = ownPublicKeys.get(hex)
    if (raw === undefined) {
      const der = createPublicKey(privateKeyOf(seed)).export({ format: 'der', type: 'spki' })
      raw = new Uint8Array(der.subarray(der.length - 32))
      if (ownPublicKeys.size > 16) ownPublicKeys.clear()
      ownPublicKeys.set(hex, raw)
    }
    return raw.slice()
  },
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, privateKeyOf(seed)))
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      return verify(null, message, publicKeyOf(publicKey), signature)
    } catch {
      return false
    }
  }
}
