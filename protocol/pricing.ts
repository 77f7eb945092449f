// Pricing (SPEC R90-R92). A price is micro-PIC per reference frame: 1920x1080
// pixels at 128 samples. A frame costs its share of that work, rounded up so
// a worker is never paid less than its price implies. Products reach ~1e26,
// far past 2^53, so the arithmetic is BigInt and costs are returned as
// bigint (the ledger stores u64; jobMaxCost may exceed it and callers must
// check before escrowing).
import { ProtocolError } from './errors.ts'

export const REFERENCE_WIDTH = 1920
export const REFERENCE_HEIGHT = 1080
export const REFERENCE_SAMPLES = 128
const REFERENCE_WORK = BigInt(REFERENCE_WIDTH * REFERENCE_HEIGHT * REFERENCE_SAMPLES)

export const MAX_U64 = (1n << 64n) - 1n

function nonNegativeInt(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new ProtocolError('RANGE', `${name} must be a non-negative safe integer, got ${value}`)
  return BigInt(value)
}

/** ceil(price * width * height * samples / (1920 * 1080 * 128)) */
export function frameCost(price: number, width: number, height: number, samples: number): bigint {
  const work = nonNegativeInt('width', width) * nonNegativeInt('height', height) * nonNegativeInt('samples', samples)
  const total = nonNegativeInt('price', price) * work
  return (total + REFERENCE_WORK - 1n) / REFERENCE_WORK
}

export interface PricedFrames {
  width: number
  height: number
  samples: number
}

/** Cost of a task of `frameCount` frames; each frame is rounded up on its own so tasks sum to frames. */
export function taskCost(price: number, job: PricedFrames, frameCount: number): bigint {
  return frameCost(price, job.width, job.height, job.samples) * nonNegativeInt('frameCount', frameCount)
}

export interface PricedJob extends PricedFrames {
  frameStart: number
  frameEnd: number
  maxPrice: number
}

/** The most a job can cost at its price cap: what the creator escrows for workers. */
export function jobMaxCost(job: PricedJob): bigint {
  const frames = job.frameEnd - job.frameStart + 1
  return taskCost(job.maxPrice, job, Math.max(0, frames))
}
