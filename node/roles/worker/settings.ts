// What GET /api/worker/settings reports, and the earnings estimate behind it.
import { REFERENCE_HEIGHT, REFERENCE_SAMPLES, REFERENCE_WIDTH } from '../../../protocol/index.ts'
import { BENCH_REFERENCE_SECONDS, BENCH_SETTINGS } from '../../renderers/builtin/bench-scene.ts'
import type { RendererCapabilities } from '../../renderers/types.ts'

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
