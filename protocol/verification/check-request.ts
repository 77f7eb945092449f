// CheckRequest (SPEC R103): the creator hands a selected checker everything
// it needs to verify one task without trusting the creator: the job as the
// creator signed and published it, the commitment as the worker signed it,
// and the beacon. The common pipeline has already run the field rules
// (check-request-rules.ts); this checks the embedded envelopes and that the
// sample is the beacon's.
import { bytesEqual } from '../bytes.ts'
import { encode } from '../codec.ts'
import type { Ed25519 } from '../crypto.ts'
import { openEnvelope } from '../envelope.ts'
import { taskAt } from '../job/compiler.ts'
import type { CheckRequest, JobAnnouncement, ResultCommitment } from '../pb/messages.js'
import { jobAnnouncementRules } from '../validation/job-announcement.ts'
import { resultCommitmentRules } from '../validation/result-commitment.ts'
import { VerificationError, type VerificationCode } from './errors.ts'
import { type Sample, sampleMismatch } from './sample.ts'

/** A CheckRequest whose embedded envelopes verified and whose sample is the beacon's. */
export interface OpenedCheckRequest {
  announcement: JobAnnouncement
  /** The job's creator: signer of the announcement and of the request. */
  creator: Uint8Array
  commitment: ResultCommitment
  /** The worker: signer of the commitment. */
  worker: Uint8Array
  beacon: Uint8Array
  sample: Sample
  redundancyIndex: number
}

const reject = (code: VerificationCode, message: string): never => {
  throw new VerificationError(code, message)
}

/**
 * R103b-f for a request that already passed the pipeline (R20-R33) with
 * `signer` as its envelope key. Throws VerificationError with the rule's
 * code. The embedded envelopes are not checked for freshness or replay:
 * the job and the commitment may be hours old; the request is not.
 */
export function openCheckRequest(ed: Ed25519, request: CheckRequest, signer: Uint8Array): OpenedCheckRequest {
  const announcement = openEmbedded(ed, request.jobAnnouncement, 'JobAnnouncement', 'BAD_ANNOUNCEMENT')
  // R103b: only the job's creator may ask for (and pay for) a check.
  if (!bytesEqual(announcement.publicKey, signer)) reject('NOT_CREATOR', 'request is not signed by the job creator')
  const commitment = openEmbedded(ed, encode('Envelope', request.commitment!), 'ResultCommitment', 'BAD_COMMITMENT')
  const a = announcement.payload
  const c = commitment.payload
  // R103c: the commitment is for this job and covers exactly the task's frames.
  if (!bytesEqual(c.jobId, a.jobId)) reject('WRONG_TASK', 'commitment is for another job')
  const task = taskAt(a, c.taskIndex)
  if (task === undefined) reject('WRONG_TASK', `the job has no task ${c.taskIndex}`)
  const first = c.frames[0]?.frame
  if (first !== task!.frameStart || c.frames.length !== task!.frameEnd - task!.frameStart + 1) {
    reject('WRONG_TASK', `commitment frames do not cover task ${c.taskIndex} (${task!.frameStart}-${task!.frameEnd})`)
  }
  // R103d: the sample is the beacon's for this commitment and redundancy index (R101).
  const sample: Sample = { frames: [...request.frames], tiles: request.tiles.map((t) => ({ ...t })) }
  const mismatch = sampleMismatch(
    {
      beacon: request.beacon,
      jobId: c.jobId,
      taskIndex: c.taskIndex,
      merkleRoot: c.merkleRoot,
      frames: c.frames.map((f) => f.frame),
      width: a.width,
      height: a.height,
      redundancyIndex: request.redundancyIndex
    },
    sample
  )
  if (mismatch !== undefined) reject('BAD_SAMPLE', mismatch)
  return { announcement: a, creator: announcement.publicKey, commitment: c, worker: commitment.publicKey, beacon: request.beacon, sample, redundancyIndex: request.redundancyIndex }
}

function openEmbedded<K extends 'JobAnnouncement' | 'ResultCommitment'>(ed: Ed25519, bytes: Uint8Array, type: K, code: VerificationCode) {
  try {
    const opened = openEnvelope(ed, bytes, type)
    // The type's own field rules: the job id derivation (R42), the Merkle root (R49).
    if (opened.typeName === 'JobAnnouncement') jobAnnouncementRules.fields(opened.payload as JobAnnouncement, opened.publicKey)
    else resultCommitmentRules.fields(opened.payload as ResultCommitment, opened.publicKey)
    return opened
  } catch (err) {
    return reject(code, `${type}: ${err instanceof Error ? err.message : String(err)}`)
  }
}
