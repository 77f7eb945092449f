// Binary Merkle tree over a task's frame results (SPEC R80-R83). Leaves and
// inner nodes carry different prefix bytes so a leaf can never be passed off
// as an inner node (second-preimage attack). An odd node at the end of a
// level is promoted unchanged rather than duplicated, so no two different
// leaf lists share a root by repeating the last leaf.
import { bytesEqual, concat, u32be } from './bytes.ts'
import { CONTENT_ID_BYTES, HASH_BYTES } from './constants.ts'
import { sha256 } from './crypto.ts'
import { MerkleError } from './errors.ts'

export interface MerkleLeafInput {
  frame: number
  blobId: Uint8Array
  pixelHash: Uint8Array
}

export interface MerkleProof {
  /** Position of the leaf among the task's frames (0-based). */
  index: number
  leafCount: number
  /** Sibling hashes from the leaf level upwards; promoted levels have none. */
  siblings: Uint8Array[]
}

const LEAF_PREFIX = new Uint8Array([0x00])
const NODE_PREFIX = new Uint8Array([0x01])

/** sha256(0x00 || frame u32be || blobId || pixelHash) */
export function merkleLeaf(input: MerkleLeafInput): Uint8Array {
  if (!Number.isInteger(input.frame) || input.frame < 0 || input.frame > 0xffffffff) {
    throw new MerkleError(`frame ${input.frame} is not a u32`)
  }
  if (input.blobId.byteLength !== CONTENT_ID_BYTES) throw new MerkleError(`blob id must be ${CONTENT_ID_BYTES} bytes`)
  if (input.pixelHash.byteLength !== HASH_BYTES) throw new MerkleError(`pixel hash must be ${HASH_BYTES} bytes`)
  return sha256(concat(LEAF_PREFIX, u32be(input.frame), input.blobId, input.pixelHash))
}

/** sha256(0x01 || left || right) */
export function merkleNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(NODE_PREFIX, left, right))
}

function nextLevel(level: Uint8Array[]): Uint8Array[] {
  const up: Uint8Array[] = []
  for (let i = 0; i < level.length; i += 2) {
    up.push(i + 1 < level.length ? merkleNode(level[i]!, level[i + 1]!) : level[i]!)
  }
  return up
}

/** Root over leaf hashes (already passed through merkleLeaf). */
export function merkleRootOfLeaves(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) throw new MerkleError('a Merkle tree needs at least one leaf')
  let level = [...leaves]
  while (level.length > 1) level = nextLevel(level)
  return level[0]!
}

export function merkleRoot(inputs: readonly MerkleLeafInput[]): Uint8Array {
  return merkleRootOfLeaves(inputs.map(merkleLeaf))
}

export function merkleProof(inputs: readonly MerkleLeafInput[], index: number): MerkleProof {
  if (!Number.isInteger(index) || index < 0 || index >= inputs.length) {
    throw new MerkleError(`leaf index ${index} out of range 0..${inputs.length - 1}`)
  }
  const siblings: Uint8Array[] = []
  let level = inputs.map(merkleLeaf)
  let i = index
  while (level.length > 1) {
    const sibling = i ^ 1
    if (sibling < level.length) siblings.push(level[sibling]!)
    level = nextLevel(level)
    i >>= 1
  }
  return { index, leafCount: inputs.length, siblings }
}

/** Never throws: a malformed proof is just a proof that does not verify. */
export function verifyMerkleProof(root: Uint8Array, leaf: MerkleLeafInput, proof: MerkleProof): boolean {
  const { index, leafCount, siblings } = proof
  if (!Number.isInteger(leafCount) || leafCount < 1 || !Number.isInteger(index) || index < 0 || index >= leafCount) {
    return false
  }
  let hash: Uint8Array
  try {
    hash = merkleLeaf(leaf)
  } catch {
    return false
  }
  let i = index
  let n = leafCount
  let used = 0
  while (n > 1) {
    const sibling = i ^ 1
    if (sibling < n) {
      const other = siblings[used++]
      if (other === undefined || other.byteLength !== HASH_BYTES) return false
      hash = i % 2 === 0 ? merkleNode(hash, other) : merkleNode(other, hash)
    }
    i >>= 1
    n = Math.ceil(n / 2)
  }
  return used === siblings.length && bytesEqual(hash, root)
}
