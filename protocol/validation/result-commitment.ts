// SPEC R49: ResultCommitment, the lessee binding itself to its output. The
// root is recomputed here (at most 2,000 hashes) so a commitment whose root
// does not match its own frame list never reaches the ledger.
import { bytesEqual } from '../bytes.ts'
import { CONTENT_ID_BYTES, HASH_BYTES, JOB_ID_BYTES, LEASE_ID_BYTES, LIMITS } from '../constants.ts'
import { walrusRefProblem } from '../blobs/walrus-ref.ts'
import { merkleRoot } from '../merkle.ts'
import { bytesOfLength, fail, frameRange, intInRange } from './checks.ts'
import type { MessageRules } from './types.ts'

export const resultCommitmentRules: MessageRules<'ResultCommitment'> = {
  fields(c) {
    bytesOfLength('jobId', c.jobId, JOB_ID_BYTES)
    bytesOfLength('leaseId', c.leaseId, LEASE_ID_BYTES)
    bytesOfLength('merkleRoot', c.merkleRoot, HASH_BYTES)
    intInRange('taskIndex', c.taskIndex, 0, LIMITS.maxFramesPerJob - 1)
    if (c.frames.length === 0) fail('FIELD_RANGE', 'commitment lists no frames')
    // R49a: frames are the task's range, ascending and contiguous, one entry each.
    const first = c.frames[0]!.frame
    frameRange('frames', first, first + c.frames.length - 1, LIMITS.maxFramesPerTask)
    c.frames.forEach((f, i) => {
      if (f.frame !== first + i) fail('FIELD_RANGE', `frames[${i}] is frame ${f.frame}, expected ${first + i}`)
      bytesOfLength(`frames[${i}].blobId`, f.blobId, CONTENT_ID_BYTES)
      bytesOfLength(`frames[${i}].pixelHash`, f.pixelHash, HASH_BYTES)
      if (f.size !== undefined) intInRange(`frames[${i}].size`, f.size, 1, LIMITS.maxBlobBytes)
      if (f.walrus !== undefined) {
        if (f.size === undefined) fail('FIELD_RANGE', `frames[${i}].walrus needs frames[${i}].size`)
        const problem = walrusRefProblem(f.walrus, f.size)
        if (problem !== undefined) fail('FIELD_RANGE', `frames[${i}].${problem}`)
      }
    })
    // R49b: the root is the Merkle root of the listed frames (R80-R83).
    if (!bytesEqual(merkleRoot(c.frames), c.merkleRoot)) fail('BAD_MERKLE_ROOT', 'merkleRoot does not match the frames')
  },
  timestampMs: (c) => c.timestampMs
}
