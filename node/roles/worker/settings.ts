// What GET /api/worker/settings reports, the earnings estimate behind it,
// and the one change POST /api/worker/settings accepts while the worker runs.
import { LIMITS, REFERENCE_HEIGHT, REFERENCE_SAMPLES, REFERENCE_WIDTH } from '../../../protocol/index.ts'
import { BENCH_REFERENCE_SECONDS, BENCH_SETTINGS } from '../../renderers/builtin/bench-scene.ts'
import type { RendererCapabilities } from '../../renderers/types.ts'
import { WorkerError } from './errors.ts'

export interface WorkerSettings {
  /** Our asking price, micro-PIC per reference frame (1920x1080, 128 samples). */
  ownPrice: number
  /** Mean asking price of the other workers' recent offers; null until one is heard. */
  networkAverageBid: number | null
  offersSeen: number
  benchScore: number
  slots: number
  freeSlots: number
  /** Reference frames one slot renders per hour at our bench score. */
  referenceFramesPerHour: number
  /** Micro-PIC per hour with every slot busy at our own price. */
  estimatedEarningsPerHour: number
  renderer: RendererCapabilities | null
  region: string
  jobsKnown: number
}

// The bench scale (node/renderers/builtin/bench-scene.ts): a score of S means
// the bench render (BENCH_SETTINGS: 160x90 at 16 samples) took
// BENCH_REFERENCE_SECONDS x 1000 / S seconds. Render time is taken as
// proportional to pixels x samples, so a reference frame (1920x1080 at 128
// samples, 1152x the bench work) takes WORK_RATIO x that:
//   seconds per reference frame = WORK_RATIO x BENCH_REFERENCE_SECONDS x 1000 / S
//   reference frames per hour   = 3600 x S / (WORK_RATIO x BENCH_REFERENCE_SECONDS x 1000)
// (with 0.16 s: a reference frame takes 184320 / S seconds, S / 51.2 per hour).
const WORK_RATIO = (REFERENCE_WIDTH * REFERENCE_HEIGHT * REFERENCE_SAMPLES) / (BENCH_SETTINGS.width * BENCH_SETTINGS.height * BENCH_SETTINGS.samples)

export function referenceFramesPerHour(benchScore: number): number {
  if (!(benchScore > 0)) return 0
  return (3600 * benchScore) / (WORK_RATIO * BENCH_REFERENCE_SECONDS * 1000)
}

/** Seconds one slot takes for a reference frame at this bench score (184320 / S); Infinity without a score. */
export function referenceFrameSeconds(benchScore: number): number {
  if (!(benchScore > 0)) return Number.POSITIVE_INFINITY
  return (WORK_RATIO * BENCH_REFERENCE_SECONDS * 1000) / benchScore
}

/**
 * The estimated render time of the job's largest task on one slot at this
 * bench score: frames x (width x height x samples, in reference frames) x
 * referenceFrameSeconds. Only as good as the bench scene is like the job's
 * (a heavy Blender scene takes longer), so it is a floor for bidding
 * decisions, never a promise.
 */
export function estimatedTaskSeconds(job: { frameStart: number; frameEnd: number; framesPerTask: number; width: number; height: number; samples: number }, benchScore: number): number {
  const frames = Math.min(job.framesPerTask, job.frameEnd - job.frameStart + 1)
  const referenceFrames = (job.width * job.height * job.samples) / (REFERENCE_WIDTH * REFERENCE_HEIGHT * REFERENCE_SAMPLES)
  return frames * referenceFrames * referenceFrameSeconds(benchScore)
}

/**
 * estimatedEarningsPerHour = ownPrice x referenceFramesPerHour(benchScore) x slots
 *
 * The price is per reference frame (protocol/pricing.ts), so price x frames
 * per hour is what one busy slot earns at its own price; a job's frames of
 * another size cost and take proportionally more or less, which cancels out.
 * It assumes every slot renders at the bench speed: true for a farm whose
 * slots are separate devices, an upper bound when slots share one CPU. It
 * ignores idle time, checking and failed tasks: an estimate, not a promise.
 */
export function estimatedEarningsPerHour(ownPrice: number, benchScore: number, slots: number): number {
  return Math.round(ownPrice * referenceFramesPerHour(benchScore) * slots)
}

/** What may change on a running worker. Slots and renderer shape the claim loops and the bench, so they need a restart. */
export interface SettingsChange {
  /** Micro-PIC per reference frame, 0 to LIMITS.maxPrice (what peers accept in offers and bids). */
  price: number
}

/** Validates a POST /api/worker/settings body; a bad one throws BAD_INPUT with one line saying what is wrong. */
export function parseSettingsChange(body: unknown): SettingsChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new WorkerError('BAD_INPUT', 'send a JSON object like {"price": 1200}')
  for (const key of Object.keys(body)) {
    if (key !== 'price') throw new WorkerError('BAD_INPUT', `"${key.slice(0, 40)}" cannot be changed while the worker runs; only price can`)
  }
  const price = (body as { price?: unknown }).price
  if (typeof price !== 'number' || !Number.isInteger(price) || price < 0 || price > LIMITS.maxPrice) {
    const got = String(JSON.stringify(price)).slice(0, 40)
    throw new WorkerError('BAD_INPUT', `price must be an integer from 0 to ${LIMITS.maxPrice} µPIC per reference frame, got ${got}`)
  }
  return { price }
}
