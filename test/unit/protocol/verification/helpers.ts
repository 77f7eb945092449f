// A job, a worker's signed commitment and a creator's signed CheckRequest,
// all real envelopes, for the verification tests.
import { toHex } from '../../../../protocol/bytes.ts'
import { nobleEd25519 } from '../../../../protocol/crypto.ts'
import { parseEnvelope, signEnvelope } from '../../../../protocol/envelope.ts'
import { taskAt } from '../../../../protocol/job/compiler.ts'
import { announcementOf } from '../../../../protocol/job/job-id.ts'
import { merkleRoot } from '../../../../protocol/merkle.ts'
import type { CheckRequest, JobAnnouncement, ResultCommitment } from '../../../../protocol/pb/messages.js'
import { type Sample, sampleFor } from '../../../../protocol/verification/sample.ts'
import { filled, NOW, sampleSpec } from '../fixtures.ts'

export const ed = nobleEd25519
export const creatorSeed = filled(32, 11)
export const workerSeed = filled(32, 12)
export const creatorKey = ed.publicKey(creatorSeed)
export const workerKey = ed.publicKey(workerSeed)
export const checkerSeeds = [21, 22, 23, 24, 25].map((b) => filled(32, b))
export const checkerKeys = checkerSeeds.map((s) => toHex(ed.publicKey(s)))

/** A 1-48 builtin job at 64x36, five frames per task. */
export function job(seed = creatorSeed): { announcement: JobAnnouncement; envelope: Uint8Array } {
  const spec = sampleSpec({ renderer: 'builtin', width: 64, height: 36, samples: 4, engine: '', device: '', rendererVersion: '' })
  const announcement = announcementOf(spec, { creatorPublicKey: ed.publicKey(seed), nonce: filled(16, 3), addrs: [], timestampMs: NOW - 3_600_000 })
  return { announcement, envelope: signEnvelope(ed, seed, 'JobAnnouncement', announcement) }
}

export function commitmentFor(a: JobAnnouncement, taskIndex = 2, seed = workerSeed, salt = 0): { commitment: ResultCommitment; envelope: Uint8Array } {
  const task = taskAt(a, taskIndex)!
  const frames = []
  for (let f = task.frameStart; f <= task.frameEnd; f++) frames.push({ frame: f, blobId: filled(32, (f + salt) & 255), pixelHash: filled(32, (f + 100 + salt) & 255) })
  const commitment: ResultCommitment = {
    jobId: a.jobId,
    taskIndex,
    leaseId: filled(16, 4),
    merkleRoot: Uint8Array.from(merkleRoot(frames)),
    frames,
    timestampMs: NOW - 60_000
  }
  return { commitment, envelope: signEnvelope(ed, seed, 'ResultCommitment', commitment) }
}

export const beacon = filled(32, 77)

export function sampleOf(a: JobAnnouncement, c: ResultCommitment, redundancyIndex = 0, level: 'standard' | 'full' = 'standard'): Sample {
  return sampleFor({ beacon, ...c, frames: c.frames.map((f) => f.frame), width: a.width, height: a.height, redundancyIndex, level, reputation: { verifiedFrames: 0, rejectedTasks: 1 } })
}

export function checkRequest(over: Partial<CheckRequest> = {}, seed = creatorSeed): Uint8Array {
  const { announcement, envelope } = job()
  const { commitment, envelope: committed } = commitmentFor(announcement)
  const sample = sampleOf(announcement, commitment)
  const payload: CheckRequest = {
    jobAnnouncement: Uint8Array.from(envelope),
    commitment: envelopeMessage(committed),
    beacon,
    frames: sample.frames,
    tiles: sample.tiles,
    redundancyIndex: 0,
    timestampMs: NOW,
    ...over
  }
  return signEnvelope(ed, seed, 'CheckRequest', payload)
}

/** The Envelope message form of envelope bytes, for CheckRequest.commitment. */
export function envelopeMessage(bytes: Uint8Array) {
  const p = parseEnvelope(bytes)
  return { type: p.type, payload: Uint8Array.from(p.payloadBytes), publicKey: Uint8Array.from(p.publicKey), signature: Uint8Array.from(p.signature) }
}
