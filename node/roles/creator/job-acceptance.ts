// The creator's sign-off on a finished job (`pictor job accept`). The ledger
// holds no payment back for it: a checker's verdict pays the worker when it
// lands, and the unspent escrow is refunded when the job completes
// (contracts/LEDGER-API.md: submit_verdict, close_job). So acceptance only
// records that the creator's review is done, and closes the job to
// disputes (disputeClosed). Pure.
import type { JobRecord } from './job-record.ts'

/**
 * The accepted job, or why it cannot be accepted yet: only a completed job
 * with no open dispute is. Accepting again changes nothing (the first time
 * stands), so a retried request is harmless.
 */
export function acceptJob(job: JobRecord, nowMs: number): { job: JobRecord } | { refused: string } {
  if (job.acceptedMs !== undefined) return { job }
  if (job.status === 'cancelled') return { refused: `job ${job.id} was cancelled: only a completed job can be accepted` }
  if (job.status !== 'completed') {
    const open = job.tasks.filter((t) => t.status !== 'verified').length
    return { refused: `job ${job.id} is not complete: ${open} of ${job.tasks.length} tasks still open` }
  }
  const dispute = (job.disputes ?? []).find((d) => d.outcome === 'open')
  if (dispute !== undefined) return { refused: `job ${job.id} has an open dispute on task ${dispute.taskIndex}: accept it once the dispute resolves` }
  return { job: { ...job, acceptedMs: nowMs } }
}
