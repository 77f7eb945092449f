// Why nobody bids on a job. A worker that cannot serve a job stays silent
// (bidding.ts), so the creator works it out from the offers workers gossip
// (price, bench score, renderers, hardware) with the same rules the workers
// apply: the protocol's renderer fit and job filters, the price cap and the
// bench floor. Pure: the creator service keeps the offers and the clock.
import { fitsFilters, type JobSpec, meetsRequirement, type RendererOffer, type RendererRequirement, type WorkerOffer } from '../../../protocol/index.ts'
import type { JobRecord } from './job-record.ts'

/** A worker offers itself to a peer within ~5 s of meeting it, and bids follow an announcement within seconds: after this, silence means something. */
export const NO_BID_GRACE_MS = 10_000
/** How many distinct values a reason lists ("workers run 3.4.1, 4.2.0"). */
const MAX_LISTED = 5

function listed(values: Iterable<string>): string {
  const distinct = [...new Set(values)].filter((v) => v !== '')
  const shown = distinct.slice(0, MAX_LISTED).join(', ')
  return distinct.length > MAX_LISTED ? `${shown}, …` : shown || 'none'
}

/** The offer's renderers of the job's renderer name. */
function renderersFor(spec: JobSpec, offer: WorkerOffer): RendererOffer[] {
  return offer.renderers.filter((r) => meetsRequirement(spec, r, 'renderer'))
}

const meets = (spec: JobSpec, offer: WorkerOffer, requirement: RendererRequirement) => renderersFor(spec, offer).some((r) => meetsRequirement(spec, r, requirement))

/** Each check: whether one offer passes it, and the reason when none does. */
interface Check {
  passes(spec: JobSpec, offer: WorkerOffer): boolean
  reason(spec: JobSpec, offers: readonly WorkerOffer[]): string
}

const CHECKS: Check[] = [
  {
    passes: (spec, o) => meets(spec, o, 'rendererVersion'),
    reason: (spec, offers) => `no worker runs ${spec.renderer} ${spec.rendererVersion} (workers run ${listed(offers.flatMap((o) => renderersFor(spec, o).map((r) => r.version)))})`
  },
  {
    passes: (spec, o) => meets(spec, o, 'engine'),
    reason: (spec, offers) => `no worker offers engine ${spec.engine} (workers offer ${listed(offers.flatMap((o) => renderersFor(spec, o).flatMap((r) => r.engines)))})`
  },
  {
    passes: (spec, o) => meets(spec, o, 'device'),
    reason: (spec, offers) => `no worker has device ${spec.device} (workers have ${listed(offers.flatMap((o) => renderersFor(spec, o).flatMap((r) => r.devices)))})`
  },
  {
    passes: (spec, o) => o.price <= spec.maxPrice,
    reason: (spec, offers) => `every worker asks more than your price cap of ${spec.maxPrice} (the cheapest asks ${Math.min(...offers.map((o) => o.price))})`
  },
  {
    passes: (spec, o) => o.benchScore >= spec.minBenchScore,
    reason: (spec, offers) => `no worker meets the bench floor of ${spec.minBenchScore} (the best scores ${Math.max(...offers.map((o) => o.benchScore))})`
  },
  {
    passes: (spec, o) => fitsFilters(spec, o.hardware, o.region).fits,
    reason: (spec, offers) => `no worker passes the job's filters (e.g. ${fitsFilters(spec, offers[0]!.hardware, offers[0]!.region).reason})`
  }
]

/**
 * One line per requirement that no worker heard from meets. Each is judged
 * on its own over the workers that run the job's renderer, so a job wrong in
 * two ways hears of both; when each requirement is met by someone but no one
 * meets them all, that is the reason.
 */
export function noBidReasons(spec: JobSpec, offers: readonly WorkerOffer[]): string[] {
  if (offers.length === 0) return ['no worker heard from: no offers on the network in the last 2 minutes']
  const capable = offers.filter((o) => renderersFor(spec, o).length > 0)
  if (capable.length === 0) return [`no worker runs renderer ${spec.renderer} (workers run ${listed(offers.flatMap((o) => o.renderers.map((r) => r.name)))})`]
  const reasons = CHECKS.filter((c) => !capable.some((o) => c.passes(spec, o))).map((c) => c.reason(spec, capable))
  if (reasons.length > 0) return reasons
  const fitting = fittingOffers(spec, capable).length
  if (fitting === 0) return ['no single worker meets every requirement at once (renderer, device, price cap, bench floor, filters)']
  return [`${fitting} worker(s) could serve this job but none has bid yet`]
}

/** The offers of workers that would bid on the job: every requirement met. */
export function fittingOffers(spec: JobSpec, offers: readonly WorkerOffer[]): WorkerOffer[] {
  return offers.filter((o) => renderersFor(spec, o).length > 0 && CHECKS.every((c) => c.passes(spec, o)))
}

/**
 * The reasons for the job's view: only for an active job with no admitted
 * worker, once the grace period has passed since it was created or since
 * the creator started (offers heard before a restart are gone).
 */
export function noBidsOf(job: JobRecord, offers: readonly WorkerOffer[], nowMs: number, startedMs: number): string[] | undefined {
  if (job.status !== 'active' || Object.keys(job.admitted).length > 0) return undefined
  if (nowMs - Math.max(job.createdMs, startedMs) < NO_BID_GRACE_MS) return undefined
  return noBidReasons(job.spec, offers)
}
