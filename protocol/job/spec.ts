// A render job as a user describes it, and the checks that turn untrusted
// input (CLI flags, HTTP JSON, a file) into a JobSpec the rest of the code
// trusts. The same ranges guard JobAnnouncements on the wire (SPEC R42, R50), so
// a job accepted here is never rejected by peers.
import { LIMITS, OUTPUT_FORMATS, type OutputFormat, RENDERERS, type RendererName } from '../constants.ts'
import { tierOf } from './tiers.ts'
import { JobSpecError } from '../errors.ts'
import { utf8Length } from '../bytes.ts'
import { jobMaxCost, MAX_U64 } from '../pricing.ts'
import { parseVersionRequest } from './renderer-version.ts'
import { parseWalrusRef, type WalrusRef } from '../blobs/walrus-ref.ts'
import { ProtocolError } from '../errors.ts'

export interface JobSpec {
  renderer: RendererName
  /** Content id (sha256) of the scene blob, 64 lowercase hex characters. */
  sceneBlob: string
  sceneSize: number
  /** The scene blob is a project manifest (protocol/blobs/project.ts): a .blend plus the files it uses. */
  sceneProject: boolean
  /** Where the scene blob also lives on Walrus, set by the creator's node when it publishes the scene. */
  sceneWalrus?: WalrusRef
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
  /** PNG, JPEG or EXR; workers write it, checkers compare it. */
  outputFormat: OutputFormat
  /** Worker regions admitted (the offer's region); empty: any. */
  regions: string[]
  /** GPU filters: vendor (exact, case-insensitive) and model (substring); empty: any. */
  gpuVendor: string
  gpuModel: string
  minGpuCount: number
  minRamMib: number
  /** Pricing tier 1-3 (protocol/job/tiers.ts), 0: none. */
  tier: number
  /** The creator's own label and note; never announced, not part of the job id. */
  name: string
  comment: string
}

/**
 * SPEC R53 step 7: from this instant the creator grants no new leases.
 * `announcedMs` is the job's first announcement (the creator's creation
 * time; a worker uses the earliest announcement timestamp it saw).
 */
export function jobDeadlineMs(announcedMs: number, spec: Pick<JobSpec, 'timeoutStopS'>): number {
  return announcedMs + spec.timeoutStopS * 1000
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
  rendererVersion: '',
  outputFormat: 'PNG',
  regions: [],
  gpuVendor: '',
  gpuModel: '',
  minGpuCount: 0,
  minRamMib: 0,
  tier: 0,
  name: '',
  comment: ''
} as const satisfies Partial<JobSpec>

/** A job's name and comment: the creator's own words, bounded. */
const MAX_COMMENT_BYTES = 1024
const MAX_REGIONS = 8

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

function text(input: Record<string, unknown>, field: keyof JobSpec, maxBytes: number = LIMITS.maxStringBytes): string {
  const value = input[field] ?? (JOB_SPEC_DEFAULTS as Record<string, unknown>)[field]
  if (typeof value !== 'string') throw new JobSpecError(field, `${field} must be a string`)
  if (utf8Length(value) > maxBytes) {
    throw new JobSpecError(field, `${field} is longer than ${maxBytes} bytes`)
  }
  return value
}

function regionList(input: Record<string, unknown>): string[] {
  const value = input.regions ?? []
  if (!Array.isArray(value) || value.length > MAX_REGIONS) throw new JobSpecError('regions', `regions must be a list of at most ${MAX_REGIONS} region names`)
  return value.map((r, i) => {
    if (typeof r !== 'string' || r === '' || utf8Length(r) > LIMITS.maxStringBytes) throw new JobSpecError('regions', `regions[${i}] must be a non-empty name of at most ${LIMITS.maxStringBytes} bytes`)
    return r
  })
}

function outputFormat(input: Record<string, unknown>): OutputFormat {
  // An announcement carries '' for the default.
  const value = input.outputFormat === '' || input.outputFormat === undefined ? JOB_SPEC_DEFAULTS.outputFormat : input.outputFormat
  if (typeof value !== 'string' || !(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new JobSpecError('outputFormat', `outputFormat must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return value as OutputFormat
}

function sceneWalrusOf(value: unknown, sceneSize: number): { sceneWalrus?: WalrusRef } {
  if (value === undefined || value === null) return {}
  try {
    return { sceneWalrus: parseWalrusRef(value, sceneSize, 'sceneWalrus') }
  } catch (err) {
    if (err instanceof ProtocolError) throw new JobSpecError('sceneWalrus', err.message)
    throw err
  }
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

  const sceneSize = integer(o, 'sceneSize', 1, LIMITS.maxBlobBytes)
  if (o.sceneProject !== undefined && typeof o.sceneProject !== 'boolean') throw new JobSpecError('sceneProject', 'sceneProject must be true or false')
  const spec: JobSpec = {
    renderer: renderer as RendererName,
    sceneBlob: sceneBlob.toLowerCase(),
    sceneSize,
    sceneProject: o.sceneProject === true,
    ...sceneWalrusOf(o.sceneWalrus, sceneSize),
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
    rendererVersion: text(o, 'rendererVersion'),
    outputFormat: outputFormat(o),
    regions: regionList(o),
    gpuVendor: text(o, 'gpuVendor'),
    gpuModel: text(o, 'gpuModel'),
    minGpuCount: integer(o, 'minGpuCount', 0, LIMITS.maxGpuCount),
    minRamMib: integer(o, 'minRamMib', 0, U32_MAX),
    tier: integer(o, 'tier', 0, 3),
    name: text(o, 'name'),
    comment: text(o, 'comment', MAX_COMMENT_BYTES)
  }
  // The builtin renderer writes PNG only.
  if (spec.renderer === 'builtin' && spec.outputFormat !== 'PNG') throw new JobSpecError('outputFormat', `the builtin renderer writes PNG only, not ${spec.outputFormat}`)
  const tier = tierOf(spec.tier)
  if (tier !== undefined && (spec.maxPrice < tier.priceBand[0] || spec.maxPrice > tier.priceBand[1])) {
    throw new JobSpecError('maxPrice', `tier ${spec.tier} (${tier.name}) needs a price cap from ${tier.priceBand[0]} to ${tier.priceBand[1]}, got ${spec.maxPrice}`)
  }
  // A request no worker could ever meet is refused here, not left to wait for bids (SPEC R54).
  parseVersionRequest(spec.rendererVersion)
  // The escrow is a u64 on the ledger: a job it cannot hold is unpayable.
  if (jobMaxCost(spec) > MAX_U64) {
    throw new JobSpecError('maxPrice', `maxPrice ${spec.maxPrice} makes the job cost more than the ledger can escrow`)
  }
  return spec
}
