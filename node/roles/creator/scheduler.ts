// Pure scheduling decisions over a JobRecord: who gets which task, lease
// renewal, expiry and results. No I/O and no clock (times are passed in), so
// the creator persists the returned record and tests drive it directly.
import { REPLY_CODES, type ReplyCodeName, type TaskState, taskCost, transition } from '../../../protocol/index.ts'
import type { FrameRecord, JobRecord } from './job-record.ts'
import type { ResultOutcome } from './verifier.ts'

export type Refusal = { code: ReplyCodeName; reason: string }

const refuse = (code: ReplyCodeName, reason: string): Refusal => ({ code, reason })

export const isRefusal = (value: unknown): value is Refusal => typeof value === 'object' && value !== null && 'code' in value && (value as Refusal).code in REPLY_CODES

function withTask(job: JobRecord, task: TaskState): JobRecord {
  const tasks = job.tasks.slice()
  tasks[task.index] = task
  return { ...job, tasks }
}

/** Hands the lowest enqueued task this worker is not excluded from. */
export function claimTask(job: JobRecord, worker: string, leaseId: string, expiresMs: number): { job: JobRecord; task: TaskState } | Refusal {
  if (job.status !== 'active') return refuse('jobDone', `job is ${job.status}`)
  if (job.banned?.includes(worker)) return refuse('notAdmitted', 'this worker was caught cheating on this job')
  if (job.admitted[worker] === undefined) return refuse('notAdmitted', 'no admitted bid from this worker')
  const candidate = job.tasks.find((t) => t.status === 'enqueued' && !t.excluded.includes(worker))
  if (candidate === undefined) {
    return job.tasks.every((t) => t.status === 'verified') ? refuse('jobDone', 'every task is done') : refuse('noTask', 'no task free right now')
  }
  const task = transition(candidate, { type: 'lease', worker, leaseId, expiresMs })
  return { job: withTask(job, task), task }
}

function heldTask(job: JobRecord, worker: string, taskIndex: number, leaseId: string, nowMs: number): TaskState | Refusal {
  if (job.status !== 'active') return refuse('jobDone', `job is ${job.status}`)
  const task = job.tasks[taskIndex]
  if (task === undefined) return refuse('invalid', `no task ${taskIndex}`)
  if (task.worker !== worker || task.leaseId !== leaseId || (task.status !== 'leased' && task.status !== 'rendered')) {
    return refuse('notLeaseHolder', 'this lease is not held by the sender')
  }
  if (task.expiresMs !== undefined && nowMs >= task.expiresMs) return refuse('leaseExpired', 'lease expired')
  return task
}

export function renewLease(job: JobRecord, worker: string, taskIndex: number, leaseId: string, nowMs: number, expiresMs: number): { job: JobRecord; task: TaskState } | Refusal {
  const held = heldTask(job, worker, taskIndex, leaseId, nowMs)
  if (isRefusal(held)) return held
  const task = transition(held, { type: 'renew', leaseId, nowMs, expiresMs })
  return { job: withTask(job, task), task }
}

export function commitResult(job: JobRecord, worker: string, taskIndex: number, leaseId: string, root: string, nowMs: number): { job: JobRecord; task: TaskState } | Refusal {
  const held = heldTask(job, worker, taskIndex, leaseId, nowMs)
  if (isRefusal(held)) return held
  const task = transition(held, { type: 'commit', leaseId, root })
  return { job: withTask(job, task), task }
}

function withoutPending(job: JobRecord, taskIndex: number): JobRecord['pending'] {
  const { [taskIndex]: _done, ...rest } = job.pending
  return rest
}

/** Requeues every task whose lease ran out; returns undefined when nothing changed. */
export function expireLeases(job: JobRecord, nowMs: number): JobRecord | undefined {
  let changed = false
  const tasks = job.tasks.map((t) => {
    if ((t.status === 'leased' || t.status === 'rendered') && t.expiresMs !== undefined && nowMs >= t.expiresMs) {
      changed = true
      return transition(t, { type: 'expire', nowMs })
    }
    return t
  })
  return changed ? { ...job, tasks } : undefined
}

/** Records a verified result: frames, payment at the admitted price, completion. */
export function acceptResult(job: JobRecord, taskIndex: number, root: string, frames: Record<string, FrameRecord>, nowMs: number): JobRecord {
  const task = job.tasks[taskIndex]
  if (task.status !== 'committed' || task.merkleRoot !== root) return job
  const verified = transition(task, { type: 'verify', accepted: true })
  const worker = task.worker!
  const price = job.admitted[worker]?.price ?? 0
  const frameCount = task.frameEnd - task.frameStart + 1
  const owed = BigInt(job.paid[worker] ?? '0') + taskCost(price, job.spec, frameCount)
  const result = job.pending[taskIndex]
  const kept = result === undefined ? job.verified : { ...job.verified, [taskIndex]: result }
  const next = withTask({ ...job, frames: { ...job.frames, ...frames }, paid: { ...job.paid, [worker]: owed.toString() }, pending: withoutPending(job, taskIndex), verified: kept }, verified)
  if (next.tasks.every((t) => t.status === 'verified')) return { ...next, status: 'completed', completedMs: nowMs }
  return next
}

/** A result that failed verification: the task goes back to the queue without that worker. */
export function rejectResult(job: JobRecord, taskIndex: number, root: string, reason: string): JobRecord {
  const task = job.tasks[taskIndex]
  if (task.status !== 'committed' || task.merkleRoot !== root) return job
  const failed = transition(task, { type: 'verify', accepted: false, reason })
  return withTask({ ...job, pending: withoutPending(job, taskIndex) }, transition(failed, { type: 'requeue' }))
}

/**
 * A worker caught cheating (SPEC R53 6a): excluded from the job; its
 * verified tasks are revoked and requeued, its frames dropped, its pay for
 * the job forfeited; a task it holds now is failed and requeued.
 */
export function banWorker(job: JobRecord, worker: string, reason: string): JobRecord {
  const frames = { ...job.frames }
  const tasks = job.tasks.map((t) => {
    if (t.worker !== worker) return t
    if (t.status === 'verified') {
      for (let f = t.frameStart; f <= t.frameEnd; f++) delete frames[f]
      return transition(transition(t, { type: 'revoke', reason }), { type: 'requeue' })
    }
    if (t.status === 'leased' || t.status === 'rendered' || t.status === 'committed') return transition(transition(t, { type: 'fail', reason }), { type: 'requeue' })
    return t
  })
  const { [worker]: _forfeited, ...paid } = job.paid
  const pending = Object.fromEntries(Object.entries(job.pending).filter(([, p]) => p.worker !== worker))
  const banned = [...new Set([...(job.banned ?? []), worker])]
  return { ...job, tasks, frames, paid, pending, banned, status: job.status === 'completed' ? 'active' : job.status, completedMs: undefined }
}

export function cancelJob(job: JobRecord): JobRecord {
  if (job.status !== 'active') return job
  return { ...job, status: 'cancelled', tasks: job.tasks.map((t) => (t.status === 'verified' || t.status === 'cancelled' ? t : transition(t, { type: 'cancel' }))) }
}

/** What a result's outcome did to its job. */
export type Settlement = 'accepted' | 'completed' | 'requeued' | 'banned' | 'ignored'

/**
 * Applies the outcome of a committed result: accepted (paid; the job may be
 * complete), unavailable (requeued, no blame), or refused (the worker is
 * caught cheating). A result of a worker banned meanwhile is ignored.
 */
export function settleResult(job: JobRecord, result: { taskIndex: number; merkleRoot: string; worker: string }, outcome: ResultOutcome, nowMs: number): { job: JobRecord; settlement: Settlement } {
  if (job.banned?.includes(result.worker)) return { job, settlement: 'ignored' }
  if (outcome.accepted) {
    const next = acceptResult(job, result.taskIndex, result.merkleRoot, outcome.frames, nowMs)
    return { job: next, settlement: next.status === 'completed' && job.status !== 'completed' ? 'completed' : 'accepted' }
  }
  const requeued = rejectResult(job, result.taskIndex, result.merkleRoot, outcome.reason)
  if (outcome.unavailable) return { job: requeued, settlement: 'requeued' }
  return { job: banWorker(requeued, result.worker, outcome.reason), settlement: 'banned' }
}
