// Job ids and announcements (SPEC R42, R51). A job id binds the fields that
// define the work to the creator's key and a random nonce: two identical
// submissions get different ids, and nobody but the creator can announce a
// job under its id (peers recompute the id from the signed announcement).
// Addresses and the timestamp are left out so a creator can re-announce.
import { concat, fromHex, toHex, utf8 } from '../bytes.ts'
import { encode } from '../codec.ts'
import { ED25519_PUBLIC_KEY_BYTES, JOB_ID_DOMAIN, JOB_NONCE_BYTES } from '../constants.ts'
import { sha256 } from '../crypto.ts'
import { ProtocolError } from '../errors.ts'
import type { JobAnnouncement } from '../pb/messages.js'
import type { JobSpec } from './spec.ts'

/** The JobAnnouncement fields that define a job, in schema order. */
function definingFields(spec: JobSpec): Partial<JobAnnouncement> {
  return {
    renderer: spec.renderer,
    sceneBlob: fromHex(spec.sceneBlob) as Uint8Array<ArrayBuffer>,
    sceneSize: spec.sceneSize,
    frameStart: spec.frameStart,
    frameEnd: spec.frameEnd,
    framesPerTask: spec.framesPerTask,
    width: spec.width,
    height: spec.height,
    samples: spec.samples,
    seed: spec.seed,
    maxPrice: spec.maxPrice,
    timeoutStopS: spec.timeoutStopS,
    minBenchScore: spec.minBenchScore,
    engine: spec.engine,
    device: spec.device,
    rendererVersion: spec.rendererVersion,
    // The default format is sent empty, so a PNG job keeps the id it had before formats existed.
    outputFormat: spec.outputFormat === 'PNG' ? '' : spec.outputFormat,
    regions: [...spec.regions],
    gpuVendor: spec.gpuVendor,
    gpuModel: spec.gpuModel,
    minGpuCount: spec.minGpuCount,
    minRamMib: spec.minRamMib,
    tier: spec.tier,
    sceneProject: spec.sceneProject
  }
}

/**
 * sha256(UTF-8 "pictor/v1/job-id" || 0x00 || creator public key (32) ||
 * nonce (16) || canonical JobAnnouncement encoding of the defining fields).
 * `spec` must already have passed validateJobSpec.
 */
export function jobIdOf(spec: JobSpec, creatorPublicKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (creatorPublicKey.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new ProtocolError('JOB_ID', `creator public key must be ${ED25519_PUBLIC_KEY_BYTES} bytes`)
  }
  if (nonce.byteLength !== JOB_NONCE_BYTES) throw new ProtocolError('JOB_ID', `job nonce must be ${JOB_NONCE_BYTES} bytes`)
  const fields = encode('JobAnnouncement', definingFields(spec))
  return sha256(concat(utf8(JOB_ID_DOMAIN), new Uint8Array([0]), creatorPublicKey, nonce, fields))
}

export interface AnnouncementInit {
  creatorPublicKey: Uint8Array
  nonce: Uint8Array
  addrs: string[]
  timestampMs: number
}

/** The JobAnnouncement a creator signs and publishes for `spec`. */
export function announcementOf(spec: JobSpec, init: AnnouncementInit): JobAnnouncement {
  return {
    ...(definingFields(spec) as Omit<JobAnnouncement, 'jobId' | 'addrs' | 'timestampMs' | 'nonce'>),
    jobId: jobIdOf(spec, init.creatorPublicKey, init.nonce) as Uint8Array<ArrayBuffer>,
    addrs: [...init.addrs],
    timestampMs: init.timestampMs,
    nonce: init.nonce as Uint8Array<ArrayBuffer>,
    ...(spec.sceneWalrus === undefined ? {} : { sceneWalrus: spec.sceneWalrus })
  }
}

/** The spec an announcement describes, unvalidated: pass it through validateJobSpec. */
export function specOfAnnouncement(a: JobAnnouncement): Record<keyof JobSpec, unknown> {
  return {
    renderer: a.renderer,
    sceneBlob: toHex(a.sceneBlob),
    sceneSize: a.sceneSize,
    frameStart: a.frameStart,
    frameEnd: a.frameEnd,
    framesPerTask: a.framesPerTask,
    width: a.width,
    height: a.height,
    samples: a.samples,
    seed: a.seed,
    maxPrice: a.maxPrice,
    timeoutStopS: a.timeoutStopS,
    minBenchScore: a.minBenchScore,
    engine: a.engine,
    device: a.device,
    rendererVersion: a.rendererVersion,
    outputFormat: a.outputFormat,
    regions: a.regions,
    gpuVendor: a.gpuVendor,
    gpuModel: a.gpuModel,
    minGpuCount: a.minGpuCount,
    minRamMib: a.minRamMib,
    tier: a.tier,
    sceneProject: a.sceneProject,
    sceneWalrus: a.sceneWalrus,
    // Creator-only fields: not announced.
    name: '',
    comment: ''
  }
}
