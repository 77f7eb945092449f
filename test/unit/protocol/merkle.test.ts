import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toHex } from '../../../protocol/bytes.ts'
import { sha256 } from '../../../protocol/crypto.ts'
import { MerkleError } from '../../../protocol/errors.ts'
import { merkleLeaf, merkleNode, merkleProof, merkleRoot, verifyMerkleProof } from '../../../protocol/merkle.ts'
import { filled } from './fixtures.ts'

const leaves = (n: number) => Array.from({ length: n }, (_, i) => ({ frame: 100 + i, blobId: filled(32, i), pixelHash: filled(32, 255 - i) }))

describe('merkle', () => {
  it('leaf is sha256(0x00 || frame u32be || blobId || pixelHash)', () => {
    const leaf = leaves(1)[0]!
    const expected = sha256(Uint8Array.from([0, 0, 0, 0, 100, ...leaf.blobId, ...leaf.pixelHash]))
    expect(toHex(merkleLeaf(leaf))).toBe(toHex(expected))
  })

  it('root of one leaf is the leaf; odd nodes are promoted, not duplicated', () => {
    const [a, b, c] = leaves(3).map(merkleLeaf)
    expect(toHex(merkleRoot(leaves(1)))).toBe(toHex(a!))
    expect(toHex(merkleRoot(leaves(3)))).toBe(toHex(merkleNode(merkleNode(a!, b!), c!)))
    // With duplication, [a,b,c] and [a,b,c,c] would share a root.
    const four = [...leaves(3), leaves(3)[2]!]
    expect(toHex(merkleRoot(four))).not.toBe(toHex(merkleRoot(leaves(3))))
  })

  it('refuses empty trees and malformed leaves', () => {
    expect(() => merkleRoot([])).toThrow(MerkleError)
    expect(() => merkleLeaf({ frame: -1, blobId: filled(32, 0), pixelHash: filled(32, 0) })).toThrow(MerkleError)
    expect(() => merkleLeaf({ frame: 1, blobId: filled(31, 0), pixelHash: filled(32, 0) })).toThrow(MerkleError)
  })

  it('every proof verifies for every tree size up to 40', () => {
    for (let n = 1; n <= 40; n++) {
      const ls = leaves(n)
      const root = merkleRoot(ls)
      for (const [i, leaf] of ls.entries()) expect(verifyMerkleProof(root, leaf, merkleProof(ls, i))).toBe(true)
    }
  })

  it('tampered leaves, proofs or roots fail', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.nat(), fc.nat(), (n, i, bit) => {
        const ls = leaves(n)
        const index = i % n
        const root = merkleRoot(ls)
        const proof = merkleProof(ls, index)
        const leaf = ls[index]!
        const flipped = Uint8Array.from(leaf.pixelHash)
        flipped[bit % 32]! ^= 1 << (bit % 8)
        expect(verifyMerkleProof(root, { ...leaf, pixelHash: flipped }, proof)).toBe(false)
        expect(verifyMerkleProof(root, { ...leaf, frame: leaf.frame + 1 }, proof)).toBe(false)
        expect(verifyMerkleProof(root, ls[(index + 1) % n]!, proof)).toBe(false)
        const badRoot = Uint8Array.from(root)
        badRoot[bit % 32]! ^= 1
        expect(verifyMerkleProof(badRoot, leaf, proof)).toBe(false)
        const siblings = proof.siblings.map((s) => Uint8Array.from(s))
        siblings[bit % siblings.length]![0]! ^= 1
        expect(verifyMerkleProof(root, leaf, { ...proof, siblings })).toBe(false)
        expect(verifyMerkleProof(root, leaf, { ...proof, siblings: [...proof.siblings, root] })).toBe(false)
        expect(verifyMerkleProof(root, leaf, { ...proof, siblings: proof.siblings.slice(1) })).toBe(false)
        expect(verifyMerkleProof(root, leaf, { ...proof, index: n })).toBe(false)
      }),
      { numRuns: 300 }
    )
  })
})
