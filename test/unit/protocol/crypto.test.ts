import { describe, expect, it } from 'vitest'
import { toHex } from '../../../protocol/bytes.ts'
import { nobleEd25519, sha256 } from '../../../protocol/crypto.ts'

describe('crypto', () => {
  it('sha256 matches the FIPS 180-2 test vector', () => {
    expect(toHex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('Ed25519 matches RFC 8032 test 1', () => {
    const seed = Uint8Array.from(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'))
    const pub = nobleEd25519.publicKey(seed)
    expect(toHex(pub)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    const sig = nobleEd25519.sign(seed, new Uint8Array())
    expect(toHex(sig)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
    )
    expect(nobleEd25519.verify(pub, new Uint8Array(), sig)).toBe(true)
  })

  it('verify returns false, never throws, on malformed input', () => {
    const seed = new Uint8Array(32).fill(1)
    const pub = nobleEd25519.publicKey(seed)
    const sig = nobleEd25519.sign(seed, Uint8Array.of(1))
    expect(nobleEd25519.verify(pub, Uint8Array.of(2), sig)).toBe(false)
    expect(nobleEd25519.verify(pub.subarray(1), Uint8Array.of(1), sig)).toBe(false)
    expect(nobleEd25519.verify(pub, Uint8Array.of(1), sig.subarray(1))).toBe(false)
    // Not a point on the curve.
    expect(nobleEd25519.verify(new Uint8Array(32).fill(0xff), Uint8Array.of(1), sig)).toBe(false)
    expect(nobleEd25519.verify(pub, Uint8Array.of(1), new Uint8Array(64).fill(0xff))).toBe(false)
  })
})
