// Bid policy: which announced jobs this worker offers to serve. Pure, so the
// rules can be tested case by case; the creator makes the final choice
// (admission), this only keeps us from bidding on jobs we cannot or will not
// render.
import { type Bid, fitsFilters, type Hardware, type JobAnnouncement, rendererMisfit } from '../../../protocol/index.ts'
import type { RendererCapabilities } from '../../renderers/types.ts'

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

export function shouldBid(job: JobAnnouncement, self: BidderProfile): BidDecision {
  // Renderer, version, engine and device: the protocol's rule, which the creator also uses to say why nobody bids.
  const misfit = rendererMisfit(job, self.capabilities)
  if (misfit !== undefined) return { bid: false, reason: misfit.reason }
  // The creator pays at most maxPrice; bidding above it can only be refused.
  if (job.maxPrice < self.price) return { bid: false, reason: `job pays at most ${job.maxPrice}, we ask ${self.price}` }
  if (self.benchScore < job.minBenchScore) {
    return { bid: false, reason: `job needs bench score ${job.minBenchScore}, ours is ${self.benchScore}` }
  }
  const filters = fitsFilters(job, self.hardware, self.region)
  if (!filters.fits) return { bid: false, reason: filters.reason }
  return { bid: true, reason: 'fits' }
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
