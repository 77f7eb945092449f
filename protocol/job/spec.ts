// A render job as a user describes it, and the checks that turn untrusted
// input (CLI flags, HTTP JSON, a file) into a JobSpec the rest of the code
// trusts. The same ranges guard JobAnnouncements on the wire (SPEC R42, R50), so
// a job accepted here is never rejected by peers.
import { LIMITS, RENDERERS, type RendererName } from '../constants.ts'
import { JobSpecError } from '../errors.ts'
import { utf8Length } from '../bytes.ts'
import { jobMaxCost, MAX_U64 } from '../pricing.ts'

export interface JobSpec {
  renderer: RendererName
  /** Content id (sha256) of the scene blob, 64 lowercase hex characters. */
  sceneBlob: string
  sceneSize: number
  frameStart: number
  /** Inclusive. */
  frameEnd: number
  framesPerTask: number
  width: number
  height: number
  samples: number
  /** Fixed render seed: checkers must reproduce the worker's noise exactly. */
  seed: number
  /** Micro-PIC per reference frame (protocol/pricing.ts). */
  maxPrice: number
  /** The job stops taking claims this many seconds after it is announced. */
  timeoutStopS: number
  minBenchScore: number
  engine: string
  device: string
  rendererVersion: string
}

/** Fields a user may leave out, and what they become. */
export const JOB_SPEC_DEFAULTS = {
  framesPerTask: 1,
  samples: 128,
  seed: 0,
  timeoutStopS: 24 * 3600,
  minBenchScore: 0,
  engine: '',
  device: '',
  rendererVersion: ''
} as const satisfies Partial<JobSpec>

const U32_MAX = 0xffffffff

function integer(input: Record<string, unknown>, field: keyof JobSpec, min: number, max: number): number {
  const value = input[field] ?? (JOB_SPEC_DEFAULTS as Record<string, unknown>)[field]
  if (value === undefined) throw new JobSpecError(field, `${field} is required`)
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new JobSpecError(field, `${field} must be a whole number, got ${JSON.stringify(value)}`)
  }
  if (value < min || value > max) throw new JobSpecError(field, `${field} must be between ${min} and ${max}, got ${value}`)
  return value
}

function text(input: Record<string, unknown>, field: keyof JobSpec): string {
  const value = input[field] ?? (JOB_SPEC_DEFAULTS as Record<string, unknown>)[field]
  if (typeof value !== 'string') throw new JobSpecError(field, `${field} must be a string`)
  if (utf8Length(value) > LIMITS.maxStringBytes) {
    throw new JobSpecError(field, `${field} is longer than ${LIMITS.maxStringBytes} bytes`)
  }
  return value
}

/** Checks untrusted input and fills defaults. Throws JobSpecError with a one-line message. */
export function validateJobSpec(input: unknown): JobSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new JobSpecError('spec', 'a job spec must be an object')
  }
  const o = input as Record<string, unknown>

  const renderer = o.renderer
  if (typeof renderer !== 'string' || !(RENDERERS as readonly string[]).includes(renderer)) {
    throw new JobSpecError('renderer', `unknown renderer ${JSON.stringify(renderer)} (expected ${RENDERERS.join(' or ')})`)
  }
  const sceneBlob = o.sceneBlob
  if (typeof sceneBlob !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sceneBlob)) {
    throw new JobSpecError('sceneBlob', 'sceneBlob must be a 64-character hex content id')
  }

  const frameStart = integer(o, 'frameStart', 0, LIMITS.maxFrameNumber)
  const frameEnd = integer(o, 'frameEnd', 0, LIMITS.maxFrameNumber)
  if (frameEnd < frameStart) {
    throw new JobSpecError('frameEnd', `frame range ${frameStart}-${frameEnd} is reversed (the last frame comes before the first)`)
  }
  const frames = frameEnd - frameStart + 1
  if (frames > LIMITS.maxFramesPerJob) {
    throw new JobSpecError('frameEnd', `${frames} frames is more than the ${LIMITS.maxFramesPerJob} a job may have`)
  }
  const width = integer(o, 'width', 1, LIMITS.maxWidth)
  const height = integer(o, 'height', 1, LIMITS.maxHeight)

  const spec: JobSpec = {
    renderer: renderer as RendererName,
    sceneBlob: sceneBlob.toLowerCase(),
    sceneSize: integer(o, 'sceneSize', 1, LIMITS.maxBlobBytes),
    frameStart,
    frameEnd,
    framesPerTask: integer(o, 'framesPerTask', 1, LIMITS.maxFramesPerTask),
    width,
    height,
    samples: integer(o, 'samples', 1, LIMITS.maxSamples),
    seed: integer(o, 'seed', 0, U32_MAX),
    maxPrice: integer(o, 'maxPrice', 0, LIMITS.maxPrice),
    timeoutStopS: integer(o, 'timeoutStopS', 1, LIMITS.maxTimeoutStopS),
    minBenchScore: integer(o, 'minBenchScore', 0, U32_MAX),
    engine: text(o, 'engine'),
    device: text(o, 'device'),
    rendererVersion: text(o, 'rendererVersion')
  }
  // The escrow is a u64 on the ledger: a job it cannot hold is unpayable.
  if (jobMaxCost(spec) > MAX_U64) {
    throw new JobSpecError('maxPrice', `maxPrice ${spec.maxPrice} makes the job cost more than the ledger can escrow`)
  }
  return spec
}
