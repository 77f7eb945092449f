// Signed protocol messages an attacker can make with keys of its own: every
// one is well formed and correctly signed, so what a node does with it is
// down to the node's rules (useless bids, self-made jobs, verdicts nobody
// asked for), not to a broken signature.
import { randomBytes } from 'node:crypto'
import { announcementOf, type JobAnnouncement, type JobSpec, signEnvelope, validateJobSpec } from '../../../protocol/index.ts'
import { nodeEd25519 } from '../../../node/identity/ed25519.ts'

export const ed = nodeEd25519

/** A job nobody would bid on: 64x36, a price cap of 0 and a bench score no worker has. */
export const USELESS_JOB: Partial<JobSpec> = { renderer: 'builtin', sceneBlob: 'ab'.repeat(32), sceneSize: 1000, frameStart: 1, frameEnd: 2, framesPerTask: 1, width: 64, height: 36, samples: 1, seed: 1, maxPrice: 0, timeoutStopS: 600, minBenchScore: 0xffffffff }

export interface SignedAnnouncement {
  envelope: Uint8Array
  payload: JobAnnouncement
}

/** A JobAnnouncement signed by `seed` as the job's creator. */
export function announcement(seed: Uint8Array, spec: Partial<JobSpec>, nowMs: number, addrs: string[] = []): SignedAnnouncement {
  const payload = announcementOf(validateJobSpec(spec), { creatorPublicKey: ed.publicKey(seed), nonce: randomBytes(16), addrs, timestampMs: nowMs })
  return { envelope: signEnvelope(ed, seed, 'JobAnnouncement', payload), payload }
}

export const HARDWARE = { cpuModel: 'attack', cpuCount: 64, gpuModel: '', gpuCount: 0, ramMib: 65_536, gpuVendor: '', gpuVramMib: 0 }

/** A correctly signed Bid for `jobId` (random: a job nobody announced). */
export function bid(seed: Uint8Array, nowMs: number, jobId: Uint8Array = randomBytes(32)): Uint8Array {
  return signEnvelope(ed, seed, 'Bid', { jobId: Uint8Array.from(jobId), price: 1, benchScore: 1000, slots: 1, hardware: HARDWARE, timestampMs: nowMs, region: '' })
}

/** A correctly signed TaskClaim for `jobId`. */
export function taskClaim(seed: Uint8Array, nowMs: number, jobId: Uint8Array = randomBytes(32)): Uint8Array {
  return signEnvelope(ed, seed, 'TaskClaim', { jobId: Uint8Array.from(jobId), timestampMs: nowMs })
}

export interface VerdictInit {
  jobId: Uint8Array
  taskIndex: number
  worker: Uint8Array
  merkleRoot?: Uint8Array
  accepted: boolean
  nowMs: number
}

/** A Verdict signed by `seed`, a checker nobody selected. */
export function verdict(seed: Uint8Array, v: VerdictInit): Uint8Array {
  return signEnvelope(ed, seed, 'Verdict', {
    jobId: Uint8Array.from(v.jobId),
    taskIndex: v.taskIndex,
    worker: Uint8Array.from(v.worker),
    merkleRoot: Uint8Array.from(v.merkleRoot ?? randomBytes(32)),
    accepted: v.accepted,
    reason: v.accepted ? 'ok' : 'forged rejection',
    sampledFrames: [],
    scores: [],
    timestampMs: v.nowMs
  })
}
