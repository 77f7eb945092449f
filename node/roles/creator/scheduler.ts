// Pure scheduling decisions over a JobRecord: who gets which task, lease
// renewal, expiry and results. No I/O and no clock (times are passed in), so
// the creator persists the returned record and tests drive it directly.
import { jobDeadlineMs, REPLY_CODES, type ReplyCodeName, type TaskState, taskCost, transition } from '../../../protocol/index.ts'
import type { FrameRecord, JobRecord } from './job-record.ts'
import { withAttempt, withAttemptMarked } from './timing.ts'
import type { ResultOutcome } from './verifier.ts'

export type Refusal = { code: ReplyCodeName; reason: string }

const refuse = (code: ReplyCodeName, reason: string): Refusal => ({ code, reason })

export const isRefusal = (value: unknown): value is Refusal => typeof value === 'object' && value !== null && 'code' in value && (value as Refusal).code in REPLY_CODES

function withTask(job: JobRecord, task: TaskState): JobRecord {
  const tasks = job.tasks.slice()
  tasks[task.index] = task
  return { ...job, tasks }
}

/** SPEC R53 step 7: the job's announcement (its creation) plus its timeout_stop_s. */
export const deadlineOf = (job: Pick<JobRecord, 'createdMs' | 'spec'>): number => jobDeadlineMs(job.createdMs, job.spec)

/** Hands the lowest enqueued task this worker is not excluded from; none once the job's deadline has passed. */
export function claimTask(job: JobRecord, worker: string, leaseId: string, expiresMs: number, nowMs: number): { job: JobRecord; task: TaskState } | Refusal {
  // Until the creator accepts it, a dispute may reopen a completed job (R53 6b): workers wait rather than forget it.
  if (job.status === 'completed' && job.acceptedMs === undefined && nowMs < deadlineOf(job)) return refuse('noTask', 'the job is complete; a dispute may reopen it until the creator accepts it')
  if (job.status !== 'active') return refuse('jobDone', `job is ${job.status}`)
  // R53 step 7. jobDone ("no task will ever be available again") makes the worker forget the job.
  const deadline = deadlineOf(job)
  if (nowMs >= deadline) return refuse('jobDone', `the job's deadline passed at ${new Date(deadline).toISOString()} (timeout_stop ${job.spec.timeoutStopS}s): no new leases`)
  if (job.banned?.includes(worker)) return refuse('notAdmitted', 'this worker was caught cheating on this job')
  if (job.admitted[worker] === undefined) return refuse('notAdmitted', 'no admitted bid from this worker')
  const candidate = job.tasks.find((t) => t.status === 'enqueued' && !t.excluded.includes(worker))
  if (candidate === undefined) {
    return job.tasks.every((t) => t.status === 'verified') ? refuse('jobDone', 'every task is done') : refuse('noTask', 'no task free right now')
  }
  const task = transition(candidate, { type: 'lease', worker, leaseId, expiresMs })
  return { job: withAttempt(withTask(job, task), task.index, { attempt: task.attempts, worker, leasedMs: nowMs }), task }
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
  return { job: withAttemptMarked(withTask(job, task), taskIndex, task.attempts, { committedMs: nowMs }), task }
}

function withoutPending(job: JobRecord, taskIndex: number): JobRecord['pending'] {
  const { [taskIndex]: _done, ...rest } = job.pending
  return rest
}

/** Requeues every task whose lease ran out; returns undefined when nothing changed. */
export function expireLeases(job: JobRecord, nowMs: number): JobRecord | undefined {
  const expired: TaskState[] = []
  const tasks = job.tasks.map((t) => {
    if ((t.status === 'leased' || t.status === 'rendered') && t.expiresMs !== undefined && nowMs >= t.expiresMs) {
      expired.push(t)
      return transition(t, { type: 'expire', nowMs })
    }
    return t
  })
  if (expired.length === 0) return undefined
  return expired.reduce((next, t) => withAttemptMarked(next, t.index, t.attempts, { expiredMs: nowMs }), { ...job, tasks })
}

/** Records a verified result: frames, payment at the admitted price, completion. Its save names the task and its worker. */
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
  // In place, as the job's records share it (job-record.ts): O(1) however many workers the job pays.
  job.paid[worker] = owed.toString()
  const paidJob = withTask({ ...job, frames: { ...job.frames, ...frames }, pending: withoutPending(job, taskIndex), verified: kept }, verified)
  const next = withAttemptMarked(paidJob, taskIndex, task.attempts, { decidedMs: nowMs, outcome: 'accepted' })
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

/**
 * Takes one verified task back without blaming its worker (a dispute no
 * independent checker could judge, SPEC R53 6b): its frames are dropped and
 * it is rendered again by another worker. Nothing proved the first worker
 * wrong, so it keeps its pay and stays admitted to the job's other tasks.
 */
export function revokeTask(job: JobRecord, taskIndex: number, reason: string): JobRecord {
  const task = job.tasks[taskIndex]
  if (task?.status !== 'verified') return job
  const frames = { ...job.frames }
  for (let f = task.frameStart; f <= task.frameEnd; f++) delete frames[f]
  const requeued = transition(transition(task, { type: 'revoke', reason }), { type: 'requeue' })
  return { ...withTask({ ...job, frames }, requeued), status: job.status === 'completed' ? 'active' : job.status, completedMs: undefined }
}

export function cancelJob(job: JobRecord): JobRecord {
  if (job.status !== 'active') return job
  return endJob(job, 'cancelled')
}

function endJob(job: JobRecord, status: 'cancelled' | 'expired'): JobRecord {
  return { ...job, status, tasks: job.tasks.map((t) => (t.status === 'verified' || t.status === 'cancelled' ? t : transition(t, { type: 'cancel' }))) }
}

/**
 * Past its deadline (SPEC R53 7a) with nothing in flight, an active job
 * ends as expired: its undone tasks are cancelled, so the unspent escrow can
 * go back. Undefined while it may still finish: before the deadline, or
 * while a lease runs or a result waits for its check.
 */
export function expireJob(job: JobRecord, nowMs: number): JobRecord | undefined {
  if (job.status !== 'active' || nowMs < deadlineOf(job)) return undefined
  const inFlight = job.tasks.some((t) => t.status === 'leased' || t.status === 'rendered' || t.status === 'committed') || Object.keys(job.pending).length > 0
  return inFlight ? undefined : endJob(job, 'expired')
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
  const task = job.tasks[result.taskIndex]
  const rejected = rejectResult(job, result.taskIndex, result.merkleRoot, outcome.reason)
  const requeued = rejected === job ? job : withAttemptMarked(rejected, result.taskIndex, task.attempts, { decidedMs: nowMs, outcome: outcome.unavailable ? 'unavailable' : 'refused' })
  if (outcome.unavailable) return { job: requeued, settlement: 'requeued' }
  return { job: banWorker(requeued, result.worker, outcome.reason), settlement: 'banned' }
}
