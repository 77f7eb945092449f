// Ed25519 on node:crypto (OpenSSL): the fast implementation of the
// protocol's injected signature scheme. A 32-byte seed is the private key.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

// DER prefixes for raw Ed25519 keys (RFC 8410): PKCS#8 private, SPKI public.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/**
 * A node signs with one or two keys, but one process may host a whole
 * testnet (the benches run 51 nodes in one) or a whole simulated network
 * (testnet/sim: 10,000 nodes): a cache smaller than the keys in use
 * re-imports a key for most signatures. A key object is a few hundred bytes.
 */
const MAX_OWN_KEYS = 16_384
const privateKeys = new Map<string, KeyObject>()
/** The public halves of privateKeys, raw. */
const ownPublicKeys = new Map<string, Uint8Array>()
/** Peers' keys, kept because every gossip message is verified (as many as a simulated network has nodes). */
const publicKeys = new Map<string, KeyObject>()
const MAX_PUBLIC_KEYS = 16_384

/** The entry under `hex`, made once; past `max` entries the oldest goes. */
function cached<T>(cache: Map<string, T>, hex: string, max: number, make: () => T): T {
  let value = cache.get(hex)
  if (value === undefined) {
    value = make()
    if (cache.size >= max) cache.delete(cache.keys().next().value!)
    cache.set(hex, value)
  }
  return value
}

function publicKeyOf(raw: Uint8Array): KeyObject {
  return cached(publicKeys, Buffer.from(raw).toString('hex'), MAX_PUBLIC_KEYS, () => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' }))
}

function privateKeyOf(seed: Uint8Array): KeyObject {
  return cached(privateKeys, Buffer.from(seed).toString('hex'), MAX_OWN_KEYS, () => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }))
}

export const nodeEd25519 = {
  publicKey(seed: Uint8Array): Uint8Array {
    // Every signed envelope carries it: derived once per key, a copy handed out each time.
    const raw = cached(ownPublicKeys, Buffer.from(seed).toString('hex'), MAX_OWN_KEYS, () => {
      const der = createPublicKey(privateKeyOf(seed)).export({ format: 'der', type: 'spki' })
      return new Uint8Array(der.subarray(der.length - 32))
    })
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
