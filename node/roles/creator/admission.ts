// Admission policy: which bidders may lease this job's tasks. Pure, so the
// rules can be tested case by case; the twin of the worker's bidding.ts
// (the worker decides whether to bid, the creator whether to admit).
import type { Bid } from '../../../protocol/index.ts'
import type { JobRecord } from './job-record.ts'

export interface AdmissionDecision {
  admit: boolean
  reason: string
}

/** `worker` is the bidder's hex public key (the bid envelope's signer). */
export function shouldAdmit(job: JobRecord, bid: Pick<Bid, 'price' | 'benchScore'>, worker: string): AdmissionDecision {
  if (job.status !== 'active') return { admit: false, reason: `job is ${job.status}` }
  if (job.banned?.includes(worker)) return { admit: false, reason: 'worker was caught cheating on this job' }
  if (bid.price > job.spec.maxPrice) return { admit: false, reason: `bid ${bid.price} is over the job's cap ${job.spec.maxPrice}` }
  if (bid.benchScore < job.spec.minBenchScore) return { admit: false, reason: `bench score ${bid.benchScore} is under the job's floor ${job.spec.minBenchScore}` }
  // A repeated bid changes nothing; a new price replaces the old one (it applies to leases from now on).
  if (job.admitted[worker]?.price === bid.price) return { admit: false, reason: 'already admitted at this price' }
  return { admit: true, reason: 'fits' }
}

export function withAdmitted(job: JobRecord, worker: string, peerId: string, price: number, nowMs: number): JobRecord {
  return { ...job, admitted: { ...job.admitted, [worker]: { peerId, price, admittedMs: nowMs } } }
}
