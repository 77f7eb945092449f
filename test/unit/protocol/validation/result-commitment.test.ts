import { describe, it } from 'vitest'
import { merkleRoot } from '../../../../protocol/merkle.ts'
import { filled, frameResults } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

const root = (frames: typeof frameResults) => Uint8Array.from(merkleRoot(frames))

describe('ResultCommitment rules (R49)', () => {
  it('accepts a commitment whose root matches its frames', () => expectVerdict('ResultCommitment', {}, 'ACCEPT'))
  it('rejects a root that does not match', () => {
    expectVerdict('ResultCommitment', { merkleRoot: filled(32, 0) }, 'REJECT', 'BAD_MERKLE_ROOT')
    const swapped = [frameResults[0]!, { ...frameResults[1]!, pixelHash: filled(32, 0) }, frameResults[2]!]
    expectVerdict('ResultCommitment', { frames: swapped }, 'REJECT', 'BAD_MERKLE_ROOT')
  })
  it('rejects empty, gapped, unordered or malformed frame lists', () => {
    expectVerdict('ResultCommitment', { frames: [] }, 'REJECT', 'FIELD_RANGE')
    const gapped = [frameResults[0]!, frameResults[2]!]
    expectVerdict('ResultCommitment', { frames: gapped, merkleRoot: root(gapped) }, 'REJECT', 'FIELD_RANGE')
    const reversed = [...frameResults].reverse()
    expectVerdict('ResultCommitment', { frames: reversed, merkleRoot: root(reversed) }, 'REJECT', 'FIELD_RANGE')
    const shortBlob = [{ ...frameResults[0]!, blobId: filled(31, 1) }]
    expectVerdict('ResultCommitment', { frames: shortBlob }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('ResultCommitment', { leaseId: filled(3, 1) }, 'REJECT', 'FIELD_RANGE')
  })
  it('accepts frames with a size and a Walrus ref, refuses a ref without a size or out of range', () => {
    const walrus = { blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: false, offset: 100 }
    const located = frameResults.map((f) => ({ ...f, size: 1000, walrus }))
    expectVerdict('ResultCommitment', { frames: located }, 'ACCEPT')
    const sizeless = frameResults.map((f) => ({ ...f, walrus }))
    expectVerdict('ResultCommitment', { frames: sizeless }, 'REJECT', 'FIELD_RANGE')
    const badId = frameResults.map((f) => ({ ...f, size: 1000, walrus: { ...walrus, blobId: 'not-an-id' } }))
    expectVerdict('ResultCommitment', { frames: badId }, 'REJECT', 'FIELD_RANGE')
    const pastOneBlob = frameResults.map((f) => ({ ...f, size: 1000, walrus: { ...walrus, offset: 64 * 1024 * 1024 } }))
    expectVerdict('ResultCommitment', { frames: pastOneBlob }, 'REJECT', 'FIELD_RANGE')
    const inParts = frameResults.map((f) => ({ ...f, size: 1000, walrus: { ...walrus, parts: true, offset: 64 * 1024 * 1024 } }))
    expectVerdict('ResultCommitment', { frames: inParts }, 'ACCEPT')
  })
})
