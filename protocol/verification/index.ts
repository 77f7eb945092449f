// Verification, the pure part (SPEC section 10): beacon-derived sampling and
// checker selection, the CheckRequest rules, and which verdicts count.
// The checker that re-renders and compares lives in node/roles/checker.

export { BeaconStream, type CommitmentRef, taskSeed } from './beacon-stream.ts'
export { type OpenedCheckRequest, openCheckRequest } from './check-request.ts'
export { checkRequestRules } from './check-request-rules.ts'
export { VERIFICATION_CODES, type VerificationCode, VerificationError } from './errors.ts'
export {
  checkOverhead,
  DEFAULT_VERIFICATION_LEVEL,
  detectionProbability,
  framesForDetection,
  type LevelName,
  levelOf,
  NEWCOMER_FRAMES,
  REPUTATION_FACTORS,
  reputationFactor,
  sampleCount,
  VERIFICATION_LEVELS,
  type VerificationLevel,
  type WorkerReputation
} from './levels.ts'
export { type Sample, type SampleBase, type SampleInput, sampleFor, sampleMismatch, sampleOfSize, tileGrid } from './sample.ts'
export { checkerIndex, type SelectInput, selectCheckers } from './select.ts'
export { type Tally, type TallyInput, tallyVerdicts, type VerdictCheck, type VerdictContext, verifyVerdict } from './verdict.ts'
