// SPEC R45: Verdict, a checker's judgement of one task's result.
import { bytesEqual } from '../bytes.ts'
import { ED25519_PUBLIC_KEY_BYTES, HASH_BYTES, JOB_ID_BYTES, LIMITS } from '../constants.ts'
import { bytesOfLength, fail, intInRange, shortString } from './checks.ts'
import type { MessageRules } from './types.ts'

export const verdictRules: MessageRules<'Verdict'> = {
  fields(v, signer) {
    bytesOfLength('jobId', v.jobId, JOB_ID_BYTES)
    bytesOfLength('worker', v.worker, ED25519_PUBLIC_KEY_BYTES)
    bytesOfLength('merkleRoot', v.merkleRoot, HASH_BYTES)
    shortString('reason', v.reason)
    // R45a: nobody checks their own work.
    if (bytesEqual(v.worker, signer)) fail('SELF_VERDICT', 'verdict signed by the worker it judges')
    v.sampledFrames.forEach((f, i) => {
      intInRange(`sampledFrames[${i}]`, f, 0, LIMITS.maxFrameNumber)
    })
    // R45b: scores, when given, pair one-to-one with sampled frames and are real numbers.
    if (v.scores.length !== 0 && v.scores.length !== v.sampledFrames.length) {
      fail('FIELD_RANGE', `${v.scores.length} scores for ${v.sampledFrames.length} sampled frames`)
    }
    if (!v.scores.every(Number.isFinite)) fail('FIELD_RANGE', 'scores must be finite numbers')
  },
  timestampMs: (v) => v.timestampMs
}
