import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nobleEd25519 } from '../../../../protocol/index.ts'
import { nodeEd25519 } from '../../../../node/identity/ed25519.ts'
import { exportSuiPrivateKey, identityFromSeed, importSuiPrivateKey } from '../../../../node/identity/keys.ts'

describe('node identity', () => {
  it('one seed is both the PeerId key and the Sui address', async () => {
    const id = await identityFromSeed(new Uint8Array(32).fill(7))
    expect(id.peerId).toBe('12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7')
    expect(id.suiAddress).toBe('0xa0ccc8bcc83f6c628340134f8546a21e0618fd1aaa02432bba454c4a2c2233da')
    expect(Buffer.from(id.privateKey.publicKey.raw)).toEqual(Buffer.from(id.publicKey))
    const { Ed25519Keypair } = await import('@mysten/sui/keypairs/ed25519')
    expect(id.suiAddress).toBe(Ed25519Keypair.fromSecretKey(id.seed).toSuiAddress())
  })

  it('round-trips suiprivkey export/import and rejects junk', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (seed) => {
      expect(await importSuiPrivateKey(await exportSuiPrivateKey(seed))).toEqual(seed)
    }), { numRuns: 50 })
    await expect(importSuiPrivateKey('suiprivkey1nope')).rejects.toThrow('not a valid suiprivkey string')
  })

  it('node:crypto Ed25519 agrees with the pure implementation', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), (seed, msg) => {
      const sig = nodeEd25519.sign(seed, msg)
      expect(nodeEd25519.publicKey(seed)).toEqual(nobleEd25519.publicKey(seed))
      expect(nobleEd25519.verify(nodeEd25519.publicKey(seed), msg, sig)).toBe(true)
      expect(nodeEd25519.verify(nodeEd25519.publicKey(seed), msg, nobleEd25519.sign(seed, msg))).toBe(true)
      const bad = sig.slice()
      bad[0] ^= 1
      expect(nodeEd25519.verify(nodeEd25519.publicKey(seed), msg, bad)).toBe(false)
    }), { numRuns: 30 })
  })
})
