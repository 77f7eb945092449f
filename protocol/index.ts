// The public surface of protocol/: everything node/ and testnet/ may use.
// Pure code only: no I/O, no clock, no libp2p (see protocol/SPEC.md).

export * from './constants.ts'
export * from './errors.ts'
export type * from './pb/messages.js'
// Framing codecs used as they are (signed payloads go through encode/decode and envelopes).
export { BlobHeader, BlobRequest, CheckReply, Envelope, TaskReply } from './pb/messages.js'
export { type CodecName, decode, encode, isCanonical, MAX_BYTES, type MessageMap } from './codec.ts'
export { type Ed25519, nobleEd25519, SEED_BYTES, sha256 } from './crypto.ts'
export { bytesEqual, fromHex, toHex } from './bytes.ts'
export {
  type EnvelopeOf,
  type OpenedEnvelope,
  openEnvelope,
  type ParsedEnvelope,
  parseEnvelope,
  signEnvelope,
  signingDomain,
  signingMessage,
  typeNameOf,
  verifyEnvelope
} from './envelope.ts'
export {
  admitGossip,
  type CheckedMessage,
  checkGossipBytes,
  checkPayload,
  MESSAGE_RULES,
  TASK_REQUEST_TYPES,
  type TaskRequestType,
  topicMessageType,
  type ValidationContext,
  type ValidationRefusal,
  type ValidationResult,
  validateGossip,
  validateSigned,
  validateTaskRequest
} from './validation/index.ts'
export { REASONS, type ReasonCode } from './validation/codes.ts'
export { type PreparedReplayKey, prepareReplayKey, ReplayGuard, type ReplayGuardInit, type ReplayKey, type ReplayVerdict } from './validation/replay-guard.ts'
export { JOB_SPEC_DEFAULTS, type JobSpec, jobDeadlineMs, validateJobSpec } from './job/spec.ts'
export { compareVersions, formatVersion, inRange, parseVersion, parseVersionRequest, type Version, type VersionRange, versionSatisfies } from './job/renderer-version.ts'
export { meetsRequirement, RENDERER_REQUIREMENTS, type RendererOffer, type RendererRequirement, type RendererRequirements, rendererMisfit } from './job/fit.ts'
export { type FrameRange, parseFrameRange, parseResolution, RESOLUTION_PRESETS, type Resolution } from './job/parse.ts'
export { type AnnouncementInit, announcementOf, jobIdOf, specOfAnnouncement } from './job/job-id.ts'
export { type FilterDecision, fitsFilters, type JobFilters } from './job/filters.ts'
export { type Tier, type TierNumber, TIERS, tierOf } from './job/tiers.ts'
export { compileJob, type Task, type TaskLayout, taskAt, taskCount } from './job/compiler.ts'
export { type FrameStatus, frameStatusOf, type JobProgress, summariseProgress } from './job/progress.ts'
export { isFinal, newTaskState, type TaskEvent, type TaskState, type TaskStatus, transition } from './task/state-machine.ts'
export {
  type MerkleLeafInput,
  type MerkleProof,
  merkleLeaf,
  merkleNode,
  merkleProof,
  merkleRoot,
  merkleRootOfLeaves,
  verifyMerkleProof
} from './merkle.ts'
export { frameCost, jobMaxCost, MAX_U64, type PricedFrames, type PricedJob, REFERENCE_HEIGHT, REFERENCE_SAMPLES, REFERENCE_WIDTH, taskCost } from './pricing.ts'
export * from './verification/index.ts'
export { isWalrusBlobId, parseWalrusRef, walrusRefProblem } from './blobs/walrus-ref.ts'
export { encodeProjectManifest, parseProjectManifest, PROJECT_FORMAT, type ProjectFile, type ProjectManifest, projectManifestOf, validateProjectPath } from './blobs/project.ts'
export { encodeWalrusParts, parseWalrusParts, WALRUS_PARTS_FORMAT, WALRUS_PARTS_MAX_BYTES, type WalrusPart, type WalrusParts } from './blobs/walrus-parts.ts'
