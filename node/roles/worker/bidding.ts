// Bid policy: which announced jobs this worker offers to serve. Pure, so the
// rules can be tested case by case; the creator makes the final choice
// (admission), this only keeps us from bidding on jobs we cannot or will not
// render.
import type { Bid, Hardware, JobAnnouncement } from '../../../protocol/index.ts'
import type { RendererCapabilities } from '../../renderers/types.ts'

/** What the policy needs to know about this worker. */
export interface BidderProfile {
  capabilities: RendererCapabilities
  /** Our asking price, micro-PIC per reference frame. */
  price: number
  benchScore: number
}

export interface BidDecision {
  bid: boolean
  reason: string
}

export function shouldBid(job: JobAnnouncement, self: BidderProfile): BidDecision {
  const caps = self.capabilities
  if (job.renderer !== caps.name) return { bid: false, reason: `job needs renderer ${job.renderer}, we run ${caps.name}` }
  // The creator pays at most maxPrice; bidding above it can only be refused.
  if (job.maxPrice < self.price) return { bid: false, reason: `job pays at most ${job.maxPrice}, we ask ${self.price}` }
  if (self.benchScore < job.minBenchScore) {
    return { bid: false, reason: `job needs bench score ${job.minBenchScore}, ours is ${self.benchScore}` }
  }
  // Empty engine/device/version means "any": the checker re-renders with the
  // same settings, so when a job pins one, a mismatch would fail verification.
  if (job.engine !== '' && !caps.engines.includes(job.engine)) return { bid: false, reason: `engine ${job.engine} not supported` }
  if (job.device !== '' && !caps.devices.includes(job.device)) return { bid: false, reason: `device ${job.device} not available` }
  if (job.rendererVersion !== '' && job.rendererVersion !== caps.version) {
    return { bid: false, reason: `job needs ${caps.name} ${job.rendererVersion}, we run ${caps.version}` }
  }
  return { bid: true, reason: 'fits' }
}

export interface BidInput {
  jobId: Uint8Array
  price: number
  benchScore: number
  slots: number
  hardware: Hardware
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
    timestampMs: input.timestampMs
  }
}
