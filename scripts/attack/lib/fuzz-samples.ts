// Valid inputs for the wire fuzzer to start from: one correctly signed
// envelope of every message type (signed now, so the mutated copies are
// fresh and only their damage refuses them), a valid job spec, a project
// manifest and a Walrus parts manifest. A mutation of any of these is what
// a hostile peer would send to get past a parser that only sees garbage.
import { randomBytes } from 'node:crypto'
import {
  decode,
  type JobSpec,
  encodeProjectManifest,
  encodeWalrusParts,
  fromHex,
  type MessageMap,
  type MessageTypeName,
  merkleRoot,
  sampleOfSize,
  sha256,
  signEnvelope,
  toHex
} from '../../../protocol/index.ts'
import { announcement, ed, HARDWARE } from './forge.ts'

export const FUZZ_JOB: Partial<JobSpec> = { renderer: 'builtin', sceneBlob: 'cd'.repeat(32), sceneSize: 4096, frameStart: 1, frameEnd: 4, framesPerTask: 2, width: 64, height: 36, samples: 4, seed: 7, maxPrice: 1000, timeoutStopS: 3600 }

export interface FuzzSamples {
  /** Signer of every sample (creator and checker); `workerSeed` signs the commitment and claims. */
  seed: Uint8Array
  workerSeed: Uint8Array
  envelopes: Record<MessageTypeName, Uint8Array>
  payloads: { [K in MessageTypeName]: MessageMap[K] }
  /** The commitment the CheckRequest and Verdict are about, and the beacon of the request. */
  commitment: MessageMap['ResultCommitment']
  beacon: Uint8Array
  spec: Record<string, unknown>
  projectManifest: Uint8Array
  walrusParts: Uint8Array
}

export function fuzzSamples(nowMs: number): FuzzSamples {
  const seed = randomBytes(32)
  const workerSeed = randomBytes(32)
  const job = announcement(seed, FUZZ_JOB, nowMs, ['/ip4/127.0.0.1/tcp/4001'])
  const jobId = job.payload.jobId
  const frames = [1, 2].map((frame) => ({ frame, blobId: Uint8Array.from(randomBytes(32)), pixelHash: Uint8Array.from(randomBytes(32)), size: 1000 }))
  const commitment: MessageMap['ResultCommitment'] = { jobId, taskIndex: 0, leaseId: Uint8Array.from(randomBytes(16)), merkleRoot: Uint8Array.from(merkleRoot(frames)), frames, timestampMs: nowMs }
  const commitmentEnvelope = signEnvelope(ed, workerSeed, 'ResultCommitment', commitment)
  const beacon = Uint8Array.from(randomBytes(32))
  const sample = sampleOfSize({ beacon, jobId, taskIndex: 0, merkleRoot: commitment.merkleRoot, frames: [1, 2], width: 64, height: 36 }, 2, 2)
  const worker = Uint8Array.from(ed.publicKey(workerSeed))
  const payloads: { [K in MessageTypeName]: MessageMap[K] } = {
    WorkerOffer: { renderers: [{ name: 'builtin', version: '1.0.0', engines: ['PATH'], devices: ['CPU'] }], hardware: HARDWARE, benchScore: 100, price: 10, slots: 1, freeSlots: 1, region: 'eu', timestampMs: nowMs, seq: nowMs },
    JobAnnouncement: job.payload,
    Bid: { jobId, price: 10, benchScore: 100, slots: 1, hardware: HARDWARE, timestampMs: nowMs, region: 'eu' },
    TaskClaim: { jobId, timestampMs: nowMs },
    Lease: { jobId, taskIndex: 0, leaseId: commitment.leaseId, worker, frameStart: 1, frameEnd: 2, issuedMs: nowMs, expiresMs: nowMs + 60_000, price: 10 },
    LeaseRenewal: { jobId, taskIndex: 0, leaseId: commitment.leaseId, framesDone: 1, timestampMs: nowMs },
    ResultCommitment: commitment,
    Verdict: { jobId, taskIndex: 0, worker, merkleRoot: commitment.merkleRoot, accepted: true, reason: 'ok', sampledFrames: sample.frames, scores: sample.frames.map(() => 60), timestampMs: nowMs + 1 },
    JobNotice: { jobId, kind: 1, timestampMs: nowMs },
    CheckRequest: {
      jobAnnouncement: Uint8Array.from(job.envelope),
      commitment: decode('Envelope', commitmentEnvelope),
      beacon,
      frames: sample.frames,
      tiles: sample.tiles,
      redundancyIndex: 0,
      timestampMs: nowMs
    }
  }
  const signer = (type: MessageTypeName) => (type === 'ResultCommitment' || type === 'TaskClaim' || type === 'LeaseRenewal' ? workerSeed : seed)
  const envelopes = Object.fromEntries(
    (Object.keys(payloads) as MessageTypeName[]).map((type) => [type, signEnvelope(ed, signer(type), type, payloads[type] as never)])
  ) as Record<MessageTypeName, Uint8Array>
  const fileBytes = randomBytes(100)
  const projectManifest = encodeProjectManifest({
    main: 'shot.blend',
    files: [
      { path: 'shot.blend', sha256: toHex(sha256(fileBytes)), size: 100 },
      { path: 'textures/wood.png', sha256: toHex(sha256(fromHex('00'))), size: 1 }
    ]
  })
  const walrusParts = encodeWalrusParts({ size: 3, parts: [{ blobId: 'A'.repeat(43), size: 1, sha256: 'ab'.repeat(32) }, { blobId: 'B'.repeat(43), size: 2, sha256: 'cd'.repeat(32) }] })
  return { seed, workerSeed, envelopes, payloads, commitment, beacon, spec: { ...FUZZ_JOB }, projectManifest, walrusParts }
}
