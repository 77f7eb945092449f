// Admission policy: which bidders may lease this job's tasks. Pure, so the
// rules can be tested case by case; the twin of the worker's bidding.ts
// (the worker decides whether to bid, the creator whether to admit).
import { type Bid, fitsFilters, tierOf } from '../../../protocol/index.ts'
import type { JobRecord } from './job-record.ts'

/**
 * The bidder's standing, for tier floors: stake and verified tasks as the
 * ledger has them; with no ledger, the tasks this creator saw verified and
 * no stake check (there is none to check).
 */
export interface Standing {
  stake?: bigint
  /** The ledger's minimum stake, which tier floors multiply. */
  minStake?: bigint
  verifiedTasks: number
}

export interface AdmissionDecision {
  admit: boolean
  reason: string
}

/** `worker` is the bidder's hex public key (the bid envelope's signer). */
export function shouldAdmit(job: JobRecord, bid: Pick<Bid, 'price' | 'benchScore' | 'hardware' | 'region'>, worker: string, standing: Standing = { verifiedTasks: 0 }): AdmissionDecision {
  if (job.status !== 'active') return { admit: false, reason: `job is ${job.status}` }
  if (job.banned?.includes(worker)) return { admit: false, reason: 'worker was caught cheating on this job' }
  if (bid.price > job.spec.maxPrice) return { admit: false, reason: `bid ${bid.price} is over the job's cap ${job.spec.maxPrice}` }
  if (bid.benchScore < job.spec.minBenchScore) return { admit: false, reason: `bench score ${bid.benchScore} is under the job's floor ${job.spec.minBenchScore}` }
  const filters = fitsFilters(job.spec, bid.hardware, bid.region)
  if (!filters.fits) return { admit: false, reason: filters.reason }
  const tier = tierOf(job.spec.tier)
  if (tier !== undefined) {
    if (standing.verifiedTasks < tier.minVerifiedTasks) return { admit: false, reason: `tier ${job.spec.tier} (${tier.name}) needs ${tier.minVerifiedTasks} verified tasks, the worker has ${standing.verifiedTasks}` }
    const floor = standing.minStake === undefined ? undefined : standing.minStake * BigInt(tier.stakeMultiple)
    if (floor !== undefined && (standing.stake ?? 0n) < floor) return { admit: false, reason: `tier ${job.spec.tier} (${tier.name}) needs a stake of ${floor}, the worker has ${standing.stake ?? 0n}` }
  }
  // A repeated bid changes nothing; a new price replaces the old one (it applies to leases from now on).
  if (job.admitted[worker]?.price === bid.price) return { admit: false, reason: 'already admitted at this price' }
  return { admit: true, reason: 'fits' }
}

/**
 * The job with the worker admitted at `price`: O(1) however many workers
 * bid, as the admitted map is the job's own and grows in place
 * (job-record.ts). Its save names the worker (JobChange.workers).
 */
export function withAdmitted(job: JobRecord, worker: string, peerId: string, price: number, nowMs: number): JobRecord {
  job.admitted[worker] = { peerId, price, admittedMs: nowMs }
  return { ...job }
}
