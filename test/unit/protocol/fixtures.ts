// Shared, deterministic sample data: one valid instance of every message.
import type { MessageMap } from '../../../protocol/codec.ts'
import { MESSAGE_TYPES, type MessageTypeName } from '../../../protocol/constants.ts'
import { nobleEd25519 } from '../../../protocol/crypto.ts'
import { signEnvelope, signingMessage } from '../../../protocol/envelope.ts'
import { announcementOf } from '../../../protocol/job/job-id.ts'
import { type JobSpec, validateJobSpec } from '../../../protocol/job/spec.ts'
import { merkleRoot } from '../../../protocol/merkle.ts'
import { Envelope } from '../../../protocol/pb/messages.js'
import type { ValidationContext } from '../../../protocol/validation/index.ts'
import { ReplayGuard } from '../../../protocol/validation/replay-guard.ts'

export const NOW = 1_700_000_000_000
export const ed = nobleEd25519
export const seedA = new Uint8Array(32).fill(1)
export const seedB = new Uint8Array(32).fill(2)
export const pubA = ed.publicKey(seedA)
export const pubB = ed.publicKey(seedB)

export const filled = (n: number, value: number): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(value)

export function sampleSpec(over: Partial<JobSpec> = {}): JobSpec {
  return validateJobSpec({
    renderer: 'blender',
    sceneBlob: 'ab'.repeat(32),
    sceneSize: 1234,
    frameStart: 1,
    frameEnd: 48,
    framesPerTask: 5,
    width: 1920,
    height: 1080,
    samples: 128,
    seed: 42,
    maxPrice: 500,
    timeoutStopS: 3600,
    minBenchScore: 10,
    engine: 'CYCLES',
    device: 'CPU',
    rendererVersion: '3.4.1',
    ...over
  })
}

export const hardware = { cpuModel: 'Ryzen', cpuCount: 16, gpuModel: 'RTX', gpuCount: 2, ramMib: 65536, gpuVendor: '', gpuVramMib: 0 }

export const frameResults = [10, 11, 12].map((frame) => ({ frame, blobId: filled(32, frame), pixelHash: filled(32, frame + 100) }))

/** A valid payload of every signed type, as signed by A (verdicts judge B, leases go to B). */
export function samplePayloads(nowMs = NOW): { [K in MessageTypeName]: MessageMap[K] } {
  return {
    WorkerOffer: {
      renderers: [{ name: 'blender', version: '3.4.1', engines: ['CYCLES'], devices: ['CPU', 'CUDA'] }],
      hardware,
      benchScore: 900,
      price: 300,
      slots: 4,
      freeSlots: 3,
      region: 'eu-west',
      timestampMs: nowMs,
      seq: 7
    },
    JobAnnouncement: announcementOf(sampleSpec(), { creatorPublicKey: pubA, nonce: filled(16, 9), addrs: ['/ip4/127.0.0.1/tcp/4001'], timestampMs: nowMs }),
    Bid: { jobId: filled(32, 3), price: 250, benchScore: 800, slots: 2, hardware, timestampMs: nowMs, region: 'eu-west' },
    TaskClaim: { jobId: filled(32, 3), timestampMs: nowMs },
    Lease: {
      jobId: filled(32, 3),
      taskIndex: 2,
      leaseId: filled(16, 4),
      worker: Uint8Array.from(pubB),
      frameStart: 10,
      frameEnd: 12,
      issuedMs: nowMs,
      expiresMs: nowMs + 60_000,
      price: 250
    },
    LeaseRenewal: { jobId: filled(32, 3), taskIndex: 2, leaseId: filled(16, 4), framesDone: 1, timestampMs: nowMs },
    ResultCommitment: {
      jobId: filled(32, 3),
      taskIndex: 2,
      leaseId: filled(16, 4),
      merkleRoot: Uint8Array.from(merkleRoot(frameResults)),
      frames: frameResults,
      timestampMs: nowMs
    },
    Verdict: {
      jobId: filled(32, 3),
      taskIndex: 2,
      worker: Uint8Array.from(pubB),
      merkleRoot: filled(32, 5),
      accepted: true,
      reason: 'psnr ok',
      sampledFrames: [10, 12],
      scores: [59.5, 61.25],
      timestampMs: nowMs
    },
    JobNotice: { jobId: filled(32, 3), kind: 1, timestampMs: nowMs },
    // Field rules only look at shapes; protocol/verification tests build real embedded envelopes.
    CheckRequest: {
      jobAnnouncement: filled(40, 6),
      commitment: { type: 7, payload: filled(8, 1), publicKey: Uint8Array.from(pubB), signature: filled(64, 2) },
      beacon: filled(32, 8),
      frames: [10, 12],
      tiles: [
        { frame: 10, x: 0, y: 0, width: 480, height: 270 },
        { frame: 12, x: 480, y: 270, width: 480, height: 270 }
      ],
      redundancyIndex: 1,
      timestampMs: nowMs
    }
  }
}

export const SIGNED_TYPES = Object.keys(MESSAGE_TYPES) as MessageTypeName[]

export function signed<K extends MessageTypeName>(typeName: K, payload: Partial<MessageMap[K]>, seed: Uint8Array = seedA): Uint8Array {
  return signEnvelope(ed, seed, typeName, payload)
}

/** An envelope built by hand, for shapes signEnvelope refuses to make. */
export function rawEnvelope(fields: Partial<Envelope>): Uint8Array {
  return Envelope.encode(fields)
}

/** Signs arbitrary payload bytes as `typeName`, bypassing every check. */
export function signRaw(typeName: MessageTypeName, payload: Uint8Array, seed: Uint8Array = seedA): Uint8Array {
  return rawEnvelope({
    type: MESSAGE_TYPES[typeName],
    payload: Uint8Array.from(payload),
    publicKey: Uint8Array.from(ed.publicKey(seed)),
    signature: Uint8Array.from(ed.sign(seed, signingMessage(typeName, payload)))
  })
}

export function ctx(nowMs = NOW): ValidationContext {
  return { nowMs, ed, replay: new ReplayGuard() }
}
