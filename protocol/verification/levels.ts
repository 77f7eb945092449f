// How much of a task is re-rendered. A worker that fakes a fraction f of its
// frames escapes k sampled frames with probability (1 - f)^k; every faked
// frame is caught by any one tile of it (a full-frame cheat changes every
// tile), so checkers re-render one 1/16-area tile per sampled frame and
// spend their budget on more frames rather than more pixels.
// docs/verification.md derives the defaults from DESIGN.md's targets.
import { VERIFICATION } from '../constants.ts'
import type { BeaconStream } from './beacon-stream.ts'

export interface VerificationLevel {
  /** Expected fraction of a task's frames that get tiles re-rendered, before the reputation factor. */
  frameRate: number
  /** Tiles re-rendered per sampled frame, on the 4x4 grid (1..16). */
  tilesPerFrame: number
  /** Checkers asked per task; each gets its own sample (redundancy index). */
  redundancy: number
}

export const VERIFICATION_LEVELS = {
  /** Trusted pools: ~1% of render time. */
  light: { frameRate: 0.1, tilesPerFrame: 1, redundancy: 1 },
  /**
   * The default: 1/4 of frames, one tile each. Checker compute is
   * 0.25 x 1/16 = 1.6% of the job's pixels; in Blender, where a 1/16 crop
   * takes ~1/10 of a frame's time, 2.5% plus ~1 s start-up per checked task.
   * 99% detection of f = 10% needs 44 sampled frames: a worker's first 176.
   */
  standard: { frameRate: 0.25, tilesPerFrame: 1, redundancy: 1 },
  /** Two checkers, each with its own independently drawn sample: one colluding checker still leaves the standard rate. */
  strict: { frameRate: 0.25, tilesPerFrame: 1, redundancy: 2 },
  /** Every pixel of every frame, by two checkers: disputes and tests. */
  full: { frameRate: 1, tilesPerFrame: 16, redundancy: 2 }
} as const satisfies Record<string, VerificationLevel>

export type LevelName = keyof typeof VERIFICATION_LEVELS
export const DEFAULT_VERIFICATION_LEVEL: LevelName = 'standard'

/** What the creator knows about a worker's history (its own records or the ledger's). */
export interface WorkerReputation {
  /** Frames of this worker that passed a check. */
  verifiedFrames: number
  /** Tasks of this worker that failed a check. */
  rejectedTasks: number
}

/** Below this many verified frames a worker is new: it could take its pay and vanish. */
export const NEWCOMER_FRAMES = 100
/** Sampling multipliers: a newcomer reaches 99% detection of f = 10% within ~118 frames, a worker once caught within ~59. */
export const REPUTATION_FACTORS = { newcomer: 1.5, probation: 3, established: 1 } as const

export function reputationFactor(rep: WorkerReputation | undefined): number {
  if (rep === undefined) return REPUTATION_FACTORS.newcomer
  if (rep.rejectedTasks > 0) return REPUTATION_FACTORS.probation
  if (rep.verifiedFrames < NEWCOMER_FRAMES) return REPUTATION_FACTORS.newcomer
  return REPUTATION_FACTORS.established
}

export function levelOf(level: LevelName | VerificationLevel | undefined): VerificationLevel {
  const resolved = level === undefined ? VERIFICATION_LEVELS[DEFAULT_VERIFICATION_LEVEL] : typeof level === 'string' ? VERIFICATION_LEVELS[level] : level
  if (resolved === undefined) throw new RangeError(`unknown verification level ${String(level)}`)
  if (!(resolved.frameRate >= 0 && resolved.frameRate <= 1)) throw new RangeError('frameRate must be within 0..1')
  if (!Number.isInteger(resolved.tilesPerFrame) || resolved.tilesPerFrame < 1 || resolved.tilesPerFrame > VERIFICATION.gridColumns * VERIFICATION.gridRows) {
    throw new RangeError('tilesPerFrame must be 1..16')
  }
  if (!Number.isInteger(resolved.redundancy) || resolved.redundancy < 1 || resolved.redundancy > VERIFICATION.maxRedundancy) {
    throw new RangeError(`redundancy must be 1..${VERIFICATION.maxRedundancy}`)
  }
  return resolved
}

/** Probability that at least one of k sampled frames is faked when each frame is faked with probability f. */
export function detectionProbability(f: number, k: number): number {
  if (!(f >= 0 && f <= 1) || !(k >= 0)) throw new RangeError('need 0 <= f <= 1 and k >= 0')
  return 1 - (1 - f) ** k
}

/** The least k with detectionProbability(f, k) >= target (44 for f = 0.1, target 0.99). */
export function framesForDetection(f: number, target: number): number {
  if (!(f > 0 && f <= 1) || !(target >= 0 && target < 1)) throw new RangeError('need 0 < f <= 1 and 0 <= target < 1')
  let k = Math.max(0, Math.ceil(Math.log(1 - target) / Math.log(1 - f)))
  // Guard against floating-point error at the boundary either way.
  while (k > 0 && detectionProbability(f, k - 1) >= target) k--
  while (detectionProbability(f, k) < target) k++
  return k
}

/**
 * Checker compute as a fraction of the job's render compute:
 * frameRate x factor x tilesPerFrame x tileCost x redundancy, where tileCost
 * is one tile's cost relative to a full frame (1/16 by area; ~1/10 measured
 * for Blender, whose crops do not scale down perfectly).
 */
export function checkOverhead(level: VerificationLevel, opts: { tileCost?: number; reputationFactor?: number } = {}): number {
  const tileCost = opts.tileCost ?? 1 / (VERIFICATION.gridColumns * VERIFICATION.gridRows)
  const rate = Math.min(1, level.frameRate * (opts.reputationFactor ?? 1))
  return rate * level.tilesPerFrame * tileCost * level.redundancy
}

/**
 * How many of a task's frames to sample: frameCount x rate rounded up or
 * down at random (one beacon draw), so every frame is sampled with
 * probability exactly `rate` even in one-frame tasks, and the expected cost
 * stays at the level's budget whatever the task size.
 */
export function sampleCount(stream: BeaconStream, frameCount: number, rate: number): number {
  const exact = Math.min(1, Math.max(0, rate)) * frameCount
  const whole = Math.floor(exact)
  const fraction = exact - whole
  // A 2^32-resolution coin: the rounding is as verifiable as the sample.
  return fraction > 0 && stream.nextU32() < fraction * 2 ** 32 ? whole + 1 : whole
}
