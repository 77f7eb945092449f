// Random changes to a job record for the job store's tests: each one made
// by the creator's own pure modules (scheduler, disputes, admission), with
// the tasks it changed named the way the creator's callers name them when
// they save it (undefined: every task, as on the rare paths).
import fc from 'fast-check'
import { withAdmitted } from '../../../../../node/roles/creator/admission.ts'
import type { PendingResult } from '../../../../../node/roles/creator/committed-result.ts'
import { finishRerender, openDisputes } from '../../../../../node/roles/creator/disputes.ts'
import type { FrameRecord, JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import type { JobChange } from '../../../../../node/roles/creator/job-store.ts'
import { changedTasks } from '../../../../../node/roles/creator/lease-expiry.ts'
import { cancelJob, claimTask, commitResult, expireLeases, isRefusal, renewLease, revokeTask, settleResult } from '../../../../../node/roles/creator/scheduler.ts'

export const WORKERS = ['aa'.repeat(32), 'bb'.repeat(32), 'dd'.repeat(32)]

export type JobOp =
  | { kind: 'claim' | 'admit'; worker: number }
  | { kind: 'renew' | 'commit' | 'accept' | 'unavailable' | 'refuse' | 'revoke' | 'dispute'; task: number }
  | { kind: 'expire' | 'ledger' | 'cancel' | 'reopen' }

const taskOps = ['renew', 'commit', 'accept', 'unavailable', 'refuse', 'revoke', 'dispute'] as const

/** Claims, commitments and accepted results weigh more: most of a job's life is tasks going through. A cancel ends it. */
export const jobOp: fc.Arbitrary<JobOp> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('claim' as const), worker: fc.nat(2) }), weight: 10 },
  { arbitrary: fc.record({ kind: fc.constantFrom('commit' as const, 'accept' as const), task: fc.nat(15) }), weight: 16 },
  { arbitrary: fc.record({ kind: fc.constantFrom(...taskOps), task: fc.nat(15) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('admit' as const), worker: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constantFrom('expire' as const, 'ledger' as const, 'reopen' as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const) }), weight: 1 }
)

const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0')

function resultOf(job: JobRecord, index: number, nowMs: number): { pending: PendingResult; frames: Record<string, FrameRecord> } {
  const task = job.tasks[index]
  const entries = []
  for (let f = task.frameStart; f <= task.frameEnd; f++) entries.push({ frame: f, blobId: hex(f * 1000 + nowMs, 32), pixelHash: hex(f + nowMs, 32), size: 100 + f })
  const pending = { worker: task.worker!, workerPeer: `peer-${task.worker!.slice(0, 4)}`, merkleRoot: task.merkleRoot ?? '', frames: entries, envelope: hex(nowMs, 40) }
  const frames = Object.fromEntries(entries.map((e) => [e.frame, { blobId: e.blobId, pixelHash: e.pixelHash, worker: task.worker!, size: e.size, checkedBy: ['cc'.repeat(32)] }]))
  return { pending, frames }
}

/** The job after `op` at `nowMs`, and what its save names as changed; undefined when the op does not apply. */
export function applyOp(job: JobRecord, op: JobOp, nowMs: number): { job: JobRecord; changed?: JobChange } | undefined {
  if (op.kind === 'claim') {
    const claimed = claimTask(job, WORKERS[op.worker], `lease-${nowMs}`, nowMs + 1_000, nowMs)
    return isRefusal(claimed) ? undefined : { job: claimed.job, changed: { tasks: [claimed.task.index] } }
  }
  if (op.kind === 'admit') return { job: withAdmitted(job, WORKERS[op.worker], `peer-${op.worker}`, 10 + nowMs, nowMs), changed: { tasks: [], workers: [WORKERS[op.worker]] } }
  if (op.kind === 'expire') {
    const expired = expireLeases(job, nowMs + 10_000)
    return expired === undefined ? undefined : { job: expired, changed: { tasks: changedTasks(job, expired) } }
  }
  if (op.kind === 'ledger') return { job: { ...job, ledger: { maxFrameCost: '5', checkerFee: '1', escrow: String(nowMs) } }, changed: { tasks: [] } }
  if (op.kind === 'cancel') return job.status === 'active' ? { job: cancelJob(job) } : undefined
  if (op.kind === 'reopen' || !('task' in op)) return undefined
  // A task the op applies to, picked among those in the state it needs.
  const needs = op.kind === 'renew' || op.kind === 'commit' ? 'leased' : op.kind === 'revoke' || op.kind === 'dispute' ? 'verified' : 'committed'
  const eligible = job.tasks.filter((t) => t.status === needs)
  if (eligible.length === 0) return undefined
  const task = eligible[op.task % eligible.length]
  const index = task.index
  const changed = { tasks: [index] }
  switch (op.kind) {
    case 'renew': {
      if (task.status !== 'leased') return undefined
      const renewed = renewLease(job, task.worker!, index, task.leaseId!, nowMs, Math.max(nowMs, task.expiresMs!) + 1_000)
      return isRefusal(renewed) ? undefined : { job: renewed.job, changed }
    }
    case 'commit': {
      if (task.status !== 'leased') return undefined
      const committed = commitResult(job, task.worker!, index, task.leaseId!, hex(nowMs + 1, 32), nowMs)
      if (isRefusal(committed)) return undefined
      const { pending } = resultOf(committed.job, index, nowMs)
      return { job: { ...committed.job, pending: { ...committed.job.pending, [index]: pending } }, changed }
    }
    case 'accept':
    case 'unavailable':
    case 'refuse': {
      if (task.status !== 'committed' || job.pending[index] === undefined) return undefined
      const { frames } = resultOf(job, index, nowMs)
      const outcome = op.kind === 'accept' ? { accepted: true as const, frames } : { accepted: false as const, unavailable: op.kind === 'unavailable', reason: 'no' }
      const settled = settleResult(job, { taskIndex: index, merkleRoot: task.merkleRoot!, worker: task.worker! }, outcome, nowMs)
      return { job: finishRerender(settled.job, index), changed: settled.settlement === 'banned' ? undefined : { ...changed, workers: [task.worker!] } }
    }
    case 'revoke':
      return task.status === 'verified' ? { job: revokeTask(job, index, 'disputed'), changed } : undefined
    case 'dispute': {
      const disputes = openDisputes(job, [task.frameStart], 'looks wrong', nowMs)
      return disputes.length === 0 ? undefined : { job: { ...job, disputes: [...(job.disputes ?? []), ...disputes] }, changed: { tasks: [] } }
    }
  }
}
