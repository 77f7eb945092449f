// Bid policy: which announced jobs this worker offers to serve. Pure, so the
// rules can be tested case by case; the creator makes the final choice
// (admission), this only keeps us from bidding on jobs we cannot or will not
// render, or cannot finish a task of before the job stops (SPEC R55).
import { type Bid, fitsFilters, type Hardware, type JobAnnouncement, jobDeadlineMs, rendererMisfit } from '../../../protocol/index.ts'
import type { RendererCapabilities } from '../../renderers/types.ts'
import { estimatedTaskSeconds } from './settings.ts'

/** What the policy needs to know about this worker. */
export interface BidderProfile {
  capabilities: RendererCapabilities
  /** Our asking price, micro-PIC per reference frame. */
  price: number
  benchScore: number
  /** What our offers declare: the job's filters (region, GPU, RAM) are checked against it. */
  hardware: Hardware
  region: string
}

export interface BidDecision {
  bid: boolean
  reason: string
}

/**
 * `nowMs` against the announcement's timestamp gives the time left before
 * the job stops (R53 7a): a task that cannot finish by then is never paid.
 */
export function shouldBid(job: JobAnnouncement, self: BidderProfile, nowMs: number): BidDecision {
  // Renderer, version, engine and device: the protocol's rule, which the creator also uses to say why nobody bids.
  const misfit = rendererMisfit(job, self.capabilities)
  if (misfit !== undefined) return { bid: false, reason: misfit.reason }
  // The renderer would refuse every task: bidding would only win leases that fail.
  const maxSamples = self.capabilities.maxSamples
  if (maxSamples !== undefined && job.samples > maxSamples) {
    return { bid: false, reason: `job needs ${job.samples} samples, our ${self.capabilities.name} renderer renders at most ${maxSamples}` }
  }
  // The creator pays at most maxPrice; bidding above it can only be refused.
  if (job.maxPrice < self.price) return { bid: false, reason: `job pays at most ${job.maxPrice}, we ask ${self.price}` }
  if (self.benchScore < job.minBenchScore) {
    return { bid: false, reason: `job needs bench score ${job.minBenchScore}, ours is ${self.benchScore}` }
  }
  const filters = fitsFilters(job, self.hardware, self.region)
  if (!filters.fits) return { bid: false, reason: filters.reason }
  const leftS = (jobDeadlineMs(job.timestampMs, job) - nowMs) / 1000
  if (leftS <= 0) return { bid: false, reason: 'job has passed its stop time' }
  // Without a bench score there is no estimate; the job's min_bench_score is the creator's guard then.
  if (self.benchScore > 0) {
    const taskS = estimatedTaskSeconds(job, self.benchScore)
    if (taskS > leftS) return { bid: false, reason: `one task takes ~${duration(taskS)} at our bench score ${self.benchScore}, but the job stops in ${duration(leftS)}` }
  }
  return { bid: true, reason: 'fits' }
}

/** Seconds as one short figure: "400 s", "12 min", "3.5 h", "17 days", "1.7e+6 days". */
export function duration(seconds: number): string {
  if (seconds < 600) return `${Math.ceil(seconds)} s`
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`
  const days = seconds / 86_400
  return days < 100_000 ? `${Math.round(days)} days` : `${days.toPrecision(2)} days`
}

export interface BidInput {
  jobId: Uint8Array
  price: number
  benchScore: number
  slots: number
  hardware: Hardware
  region: string
  timestampMs: number
}

/** The Bid payload we sign; the price is always our own, never the job's cap. */
export function bidPayload(input: BidInput): Bid {
  return {
    jobId: new Uint8Array(input.jobId),
    price: input.price,
    benchScore: input.benchScore,
    slots: input.slots,
    hardware: input.hardware,
    timestampMs: input.timestampMs,
    region: input.region
  }
}
