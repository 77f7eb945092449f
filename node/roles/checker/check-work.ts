// How much work a check asks for, and how much a checker will do for it
// (SPEC R103g). Work is counted in pixel-samples, the unit prices are in
// (protocol/pricing.ts: a reference frame is 1920x1080 pixels at 128
// samples), and is known before anything is fetched: the sampled tiles, the
// integrity pass over every frame of the task, and the suspicious frames a
// check may re-render in full (R106). A request over its budget is refused
// before any fetch; escalations are trimmed to what is left of the budget.
import { type OpenedCheckRequest, REFERENCE_HEIGHT, REFERENCE_SAMPLES, REFERENCE_WIDTH } from '../../../protocol/index.ts'

/** Pixel-samples in one reference frame. */
export const REFERENCE_WORK = BigInt(REFERENCE_WIDTH * REFERENCE_HEIGHT * REFERENCE_SAMPLES)

/**
 * Any check up to this much work is done whatever its fee: a tiny job's
 * fee rounds down to nearly nothing, and its check costs less than the
 * renderer's start-up. Also the whole budget of a check on a node without a
 * ledger, where nothing pays and the beacon cannot be trusted.
 */
export const MIN_CHECK_WORK_REF_FRAMES = 4n

/**
 * Each render costs at least this (a 1/32 reference frame, about a second
 * of a renderer's start-up): a frame a few pixels wide cannot turn 4,000
 * tiny tiles into 4,000 near-free requests for a process each.
 */
export const RENDER_FLOOR_WORK = REFERENCE_WORK / 32n

export interface CheckWork {
  /** Integrity (every frame decoded, counted as one sample per pixel) plus every sampled tile. */
  base: bigint
  /** One suspicious frame re-rendered in full. */
  perEscalation: bigint
}

const renderWork = (pixels: number, samples: number): bigint => {
  const work = BigInt(pixels) * BigInt(samples)
  return work > RENDER_FLOOR_WORK ? work : RENDER_FLOOR_WORK
}

export function checkWork(req: OpenedCheckRequest): CheckWork {
  const a = req.announcement
  const integrity = BigInt(req.commitment.frames.length) * BigInt(a.width) * BigInt(a.height)
  const tiles = req.sample.tiles.reduce((sum, t) => sum + renderWork(t.width * t.height, a.samples), 0n)
  return { base: integrity + tiles, perEscalation: renderWork(a.width * a.height, a.samples) }
}

/**
 * The most work a check with this fee buys at `price` µPIC per reference
 * frame, never below the minimum; undefined (no cap from the fee) when the
 * checker works for free.
 */
export function paidWork(checkerFee: bigint, price: number): bigint | undefined {
  const floor = MIN_CHECK_WORK_REF_FRAMES * REFERENCE_WORK
  if (price <= 0) return undefined
  const paid = (checkerFee * REFERENCE_WORK) / BigInt(price)
  return paid > floor ? paid : floor
}

export type WorkDecision = { ok: true; maxEscalations: number } | { ok: false; reason: string }

/**
 * Whether `work` fits `budget`, and how many suspicious frames may then be
 * re-rendered in full (at most `maxEscalations`, at most the task's frames).
 */
export function fitWork(work: CheckWork, budget: bigint | undefined, maxEscalations: number, frames: number): WorkDecision {
  const most = Math.min(maxEscalations, frames)
  if (budget === undefined) return { ok: true, maxEscalations: most }
  if (work.base > budget) return { ok: false, reason: `the check asks for ${refFrames(work.base)} reference frames of work, more than the ${refFrames(budget)} it pays for` }
  const affordable = (budget - work.base) / work.perEscalation
  return { ok: true, maxEscalations: affordable < BigInt(most) ? Number(affordable) : most }
}

/** Work in reference frames, for people: two decimals. */
export function refFrames(work: bigint): string {
  const hundredths = (work * 100n) / REFERENCE_WORK
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`
}
