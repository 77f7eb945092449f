// The life of one task, as the job's creator tracks it (SPEC R63-R67).
// `transition` is pure: it returns a new state or throws
// IllegalTransitionError, never mutates, and reads no clock (times arrive in
// events), so the creator can persist states as plain JSON and replay them.
//
//   enqueued --lease--> leased --rendered--> rendered --commit--> committed --verify(true)--> verified
//      ^                  |  \_________________commit_____________^     |
//      |               expire                                        verify(false)
//      |                  v                                             v
//      +--- requeue --- failed <------------- fail (any active state) --+
//
// `revoke` takes back a verified result when its worker is later caught
// cheating on the same job: checks are sampled, so work accepted before the
// catch is not trusted either (SPEC R53 step 6a).
// `cancel` ends any state but verified. Workers that failed or cheated on a
// task are excluded from leasing it again; attempts count leases granted.
import { IllegalTransitionError } from '../errors.ts'

export type TaskStatus = 'enqueued' | 'leased' | 'rendered' | 'committed' | 'verified' | 'failed' | 'cancelled'

export interface TaskState {
  readonly index: number
  readonly frameStart: number
  readonly frameEnd: number
  readonly status: TaskStatus
  /** Leases granted so far; never decreases. */
  readonly attempts: number
  /** Hex public keys of workers that may not lease this task again. */
  readonly excluded: readonly string[]
  /** Set while leased, rendered or committed (and kept on verified, for payment). */
  readonly worker?: string
  readonly leaseId?: string
  readonly expiresMs?: number
  /** Hex Merkle root of the committed result. */
  readonly merkleRoot?: string
  readonly lastFailure?: string
}

export type TaskEvent =
  | { type: 'lease'; worker: string; leaseId: string; expiresMs: number }
  | { type: 'renew'; leaseId: string; nowMs: number; expiresMs: number }
  | { type: 'expire'; nowMs: number }
  | { type: 'rendered'; leaseId: string }
  | { type: 'commit'; leaseId: string; root: string }
  | { type: 'verify'; accepted: boolean; reason?: string }
  | { type: 'fail'; reason: string }
  | { type: 'requeue' }
  | { type: 'cancel' }
  | { type: 'revoke'; reason: string }

export function newTaskState(task: { index: number; frameStart: number; frameEnd: number }): TaskState {
  return { index: task.index, frameStart: task.frameStart, frameEnd: task.frameEnd, status: 'enqueued', attempts: 0, excluded: [] }
}

/** States in which a worker holds the task under a lease. */
const HOLDING: readonly TaskStatus[] = ['leased', 'rendered']

function illegal(state: TaskState, event: TaskEvent, why: string): never {
  throw new IllegalTransitionError(state.status, event.type, why)
}

function requireLease(state: TaskState, event: TaskEvent, leaseId: string): void {
  if (!HOLDING.includes(state.status)) illegal(state, event, 'no lease is held')
  if (state.leaseId !== leaseId) illegal(state, event, 'lease id does not match the current lease')
}

/** Drops the lease fields; used whenever the worker lets go of the task. */
function released(state: TaskState, status: TaskStatus, extra: Partial<TaskState> = {}): TaskState {
  const { worker: _w, leaseId: _l, expiresMs: _e, merkleRoot: _m, ...rest } = state
  return { ...rest, status, ...extra }
}

function exclude(state: TaskState): readonly string[] {
  if (state.worker === undefined || state.excluded.includes(state.worker)) return state.excluded
  return [...state.excluded, state.worker]
}

export function transition(state: TaskState, event: TaskEvent): TaskState {
  switch (event.type) {
    case 'lease': {
      if (state.status !== 'enqueued') illegal(state, event, 'only an enqueued task can be leased')
      if (event.worker === '' || event.leaseId === '') illegal(state, event, 'worker and lease id are required')
      if (state.excluded.includes(event.worker)) illegal(state, event, 'worker is excluded from this task')
      if (!Number.isFinite(event.expiresMs)) illegal(state, event, 'lease expiry must be a time')
      return {
        ...state,
        status: 'leased',
        attempts: state.attempts + 1,
        worker: event.worker,
        leaseId: event.leaseId,
        expiresMs: event.expiresMs
      }
    }
    case 'renew': {
      requireLease(state, event, event.leaseId)
      if (event.nowMs >= state.expiresMs!) illegal(state, event, 'lease already expired')
      if (!(event.expiresMs >= state.expiresMs!)) illegal(state, event, 'a renewal cannot shorten the lease')
      return { ...state, expiresMs: event.expiresMs }
    }
    case 'expire': {
      if (!HOLDING.includes(state.status)) illegal(state, event, 'no lease to expire')
      if (event.nowMs < state.expiresMs!) illegal(state, event, 'lease has not expired yet')
      // Silence is not cheating: the worker may have died, so it stays eligible.
      return released(state, 'enqueued')
    }
    case 'rendered': {
      requireLease(state, event, event.leaseId)
      if (state.status !== 'leased') illegal(state, event, 'already rendered')
      return { ...state, status: 'rendered' }
    }
    case 'commit': {
      requireLease(state, event, event.leaseId)
      if (event.root === '') illegal(state, event, 'a commitment needs a Merkle root')
      // The lease has done its job: verification time is not the worker's to spend.
      const { expiresMs: _e, ...rest } = state
      return { ...rest, status: 'committed', merkleRoot: event.root }
    }
    case 'verify': {
      if (state.status !== 'committed') illegal(state, event, 'only a committed task can be verified')
      if (event.accepted) return { ...state, status: 'verified' }
      return released(state, 'failed', { excluded: exclude(state), lastFailure: event.reason ?? 'rejected by checker' })
    }
    case 'fail': {
      if (!['leased', 'rendered', 'committed'].includes(state.status)) illegal(state, event, 'nothing in progress to fail')
      return released(state, 'failed', { excluded: exclude(state), lastFailure: event.reason })
    }
    case 'requeue': {
      if (state.status !== 'failed') illegal(state, event, 'only a failed task can be requeued')
      return { ...state, status: 'enqueued' }
    }
    case 'revoke': {
      if (state.status !== 'verified') illegal(state, event, 'only a verified result can be revoked')
      return released(state, 'failed', { excluded: exclude(state), lastFailure: event.reason })
    }
    case 'cancel': {
      if (state.status === 'verified' || state.status === 'cancelled') illegal(state, event, 'task is already final')
      return released(state, 'cancelled')
    }
    default:
      return illegal(state, event as TaskEvent, 'unknown event')
  }
}

/** Terminal states: nothing but reading happens after these. */
export const isFinal = (state: TaskState): boolean => state.status === 'verified' || state.status === 'cancelled'
