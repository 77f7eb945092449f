// Every name and number the wire depends on, in one place. Changing any of
// these is a protocol version bump (protocol/SPEC.md, rule 1).

export const PROTOCOL_VERSION = 1

export const PROTOCOL_PREFIX = '/pictor'

const protocolId = (name: string, version: string) => `${PROTOCOL_PREFIX}/${name}/${version}`

/** kad-dht runs on a private prefix so pictor peers never mix with IPFS. */
export const KAD_PROTOCOL = protocolId('kad', '1.0.0')
/** Direct request/response: task claim, lease renewal, result submission. */
export const TASK_PROTOCOL = protocolId('task', '1.0.0')
/** Blob fetch by content id. */
export const BLOB_PROTOCOL = protocolId('blob', '1.0.0')
/** Blob fetch, several blobs one after another on one stream (SPEC R70a); providers serve both. */
export const BLOB_PROTOCOL_1_1 = protocolId('blob', '1.1.0')
/** Creator -> checker: verify one committed task (SPEC section 10). */
export const CHECK_PROTOCOL = protocolId('check', '1.0.0')

export const TOPICS = {
  offers: 'pictor/offers/2',
  jobs: 'pictor/jobs/2',
  bids: 'pictor/bids/2',
  notices: 'pictor/notices/2',
  verdicts: 'pictor/verdicts/2'
} as const

export type TopicName = keyof typeof TOPICS

/** Envelope.type codes. The signature's domain string is derived from the name. */
export const MESSAGE_TYPES = {
  WorkerOffer: 1,
  JobAnnouncement: 2,
  Bid: 3,
  TaskClaim: 4,
  Lease: 5,
  LeaseRenewal: 6,
  ResultCommitment: 7,
  Verdict: 8,
  JobNotice: 9,
  CheckRequest: 10
} as const

export type MessageTypeName = keyof typeof MESSAGE_TYPES
export type MessageTypeCode = (typeof MESSAGE_TYPES)[MessageTypeName]

/** Which envelope type each gossip topic carries. */
export const TOPIC_MESSAGE_TYPE = {
  offers: 'WorkerOffer',
  jobs: 'JobAnnouncement',
  bids: 'Bid',
  notices: 'JobNotice',
  verdicts: 'Verdict'
} as const satisfies Record<TopicName, MessageTypeName>

/** The envelope type each topic carries. */
export type TopicMessageType<T extends TopicName> = (typeof TOPIC_MESSAGE_TYPE)[T]

/** TaskReply.code values. */
export const REPLY_CODES = {
  ok: 0,
  invalid: 1,
  unknownJob: 2,
  notAdmitted: 3,
  noTask: 4,
  notLeaseHolder: 5,
  leaseExpired: 6,
  jobDone: 7,
  busy: 8
} as const

export type ReplyCodeName = keyof typeof REPLY_CODES

/** BlobHeader.code values. */
export const BLOB_CODES = { ok: 0, notFound: 1, busy: 2 } as const

export const LIMITS = {
  /** Largest envelope accepted on gossip or a task stream. */
  maxEnvelopeBytes: 64 * 1024,
  /** Largest gossip message (the envelope is the whole message). */
  maxGossipBytes: 64 * 1024,
  /** Largest blob a node will store or fetch. */
  maxBlobBytes: 512 * 1024 * 1024,
  /** One Walrus blob a reference may name (larger objects are split into parts). */
  maxWalrusBlobBytes: 64 * 1024 * 1024,
  /** One Walrus object (all its parts) a reference may reach into. */
  maxWalrusObjectBytes: 8 * 1024 * 1024 * 1024,
  /** Parts in one Walrus parts manifest. */
  maxWalrusParts: 4096,
  /** A scene project: files, all their bytes, one path, and the manifest itself. */
  maxProjectFiles: 10_000,
  maxProjectBytes: 8 * 1024 * 1024 * 1024,
  maxProjectPathBytes: 1024,
  maxManifestBytes: 4 * 1024 * 1024,
  /** A message's timestamp may be at most this far from the local clock. */
  clockSkewMs: 30_000,
  /** Signed messages older than this are stale (IGNORE) on gossip. */
  maxMessageAgeMs: 120_000,
  maxFramesPerJob: 100_000,
  maxFramesPerTask: 1_000,
  maxFrameNumber: 1_000_000,
  maxWidth: 7680,
  maxHeight: 4320,
  maxSamples: 1_000_000,
  /** Micro-units per work unit (protocol/pricing.ts). */
  maxPrice: 1_000_000_000_000,
  maxTimeoutStopS: 7 * 24 * 3600,
  maxStringBytes: 256,
  /** GPUs a job may require of one worker. */
  maxGpuCount: 64,
  maxAddrs: 8,
  maxSlots: 1024,
  /** WorkerOffer.renderers; also RendererInfo.engines and .devices (schema limit). */
  maxRenderers: 8,
  maxEngines: 8,
  /** A lease's duration (expires_ms - issued_ms) must lie in this range. */
  minLeaseMs: 5_000,
  maxLeaseMs: 600_000,
  /** The longest wait a noTask or busy reply's retry_after_ms can ask of a worker (R62); a larger value counts as this. */
  maxRetryAfterMs: 600_000,
  /** TaskReply carries one Lease envelope plus a reason string. */
  maxTaskReplyBytes: 64 * 1024 + 1024,
  /** BlobRequest and BlobHeader are a few dozen bytes. */
  maxBlobControlBytes: 256,
  /** Entries a ReplayGuard keeps before evicting the oldest. */
  maxReplayEntries: 100_000
} as const

/** Lease duration a creator grants when nothing else is configured; workers renew every third of it. */
export const DEFAULT_LEASE_MS = 60_000

/** The renderers a job may name (JobAnnouncement.renderer, RendererInfo.name). */
export const RENDERERS = ['builtin', 'blender'] as const
export type RendererName = (typeof RENDERERS)[number]

/** Frame file formats a job may ask for (SPEC R50). */
export const OUTPUT_FORMATS = ['PNG', 'JPEG', 'EXR'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** JobNotice.kind values. */
export const NOTICE_KINDS = { completed: 1, cancelled: 2 } as const

/** Signature domain: UTF-8 of `${SIGNING_DOMAIN_PREFIX}${TypeName}` then one 0x00 byte. */
export const SIGNING_DOMAIN_PREFIX = 'pictor/v1/'
/** Domain string hashed in front of a job's defining fields (protocol/job/job-id.ts). */
export const JOB_ID_DOMAIN = 'pictor/v1/job-id'

export const ED25519_PUBLIC_KEY_BYTES = 32
export const ED25519_SIGNATURE_BYTES = 64
export const CONTENT_ID_BYTES = 32
export const JOB_ID_BYTES = 32
export const LEASE_ID_BYTES = 16
export const JOB_NONCE_BYTES = 16
export const HASH_BYTES = 32

/** CheckReply.code values (SPEC R104). */
export const CHECK_CODES = {
  /** A verdict is attached (accepted or rejected). */
  ok: 0,
  /** The request breaks a rule (R101-R103); no verdict, nothing was rendered. */
  invalid: 1,
  /** The checker could not get the scene or a frame, or lacks the job's renderer: ask another checker. */
  unavailable: 2,
  /** At capacity: retry later. */
  busy: 3
} as const

export type CheckCodeName = keyof typeof CHECK_CODES

/** Numbers the verification rules depend on (SPEC section 10). */
export const VERIFICATION = {
  /** Beacon values are 32 bytes (a sha256 output, Sui's Random). */
  beaconBytes: 32,
  /** Frames are cut into this many columns and rows of tiles (a 4x4 grid: 1/16 of the area each). */
  gridColumns: 4,
  gridRows: 4,
  /** At most this many checkers are asked about one task. */
  maxRedundancy: 8,
  /** CheckRequest.tiles (schema limit). */
  maxCheckTiles: 4000,
  /** CheckReply carries one Verdict envelope plus a reason string. */
  maxCheckReplyBytes: 64 * 1024 + 1024,
  /** PSNR written into Verdict.scores for identical pixels (scores must be finite, R45). */
  identicalPsnr: 100
} as const

/** Domain string hashed in front of every beacon-derived choice (protocol/verification/beacon-stream.ts). */
export const VERIFICATION_DOMAIN = 'pictor/v1/verification'
