// The creator's side of /pictor/task/1.0.0: claims, lease renewals and
// result commitments from workers. Every request is a signed envelope run
// through the protocol's validators; the signer must be the connected peer,
// so a worker can only act for itself.
//
// When a reply may go (job-store.ts says why): a commitment is acknowledged
// only once the committed task and its pending result are durable, in one
// write; a claim or a renewal is answered at once, its save following. A
// lease lost in a creator crash costs a re-lease: after the restart the
// holder's renewal or commitment is refused (notLeaseHolder, or
// leaseExpired), the worker drops the task and it is leased again. A
// commitment whose reply was lost (the creator died after the save) is
// acknowledged when the worker sends it again: it is the task's result.
import { randomBytes } from 'node:crypto'
import type { Connection } from '@libp2p/interface'
import {
  Envelope,
  REPLY_CODES,
  type ReplayGuard,
  type ReplyCodeName,
  type ResultCommitment,
  signEnvelope,
  TaskReply,
  type TaskState,
  toHex,
  validateTaskRequest
} from '../../../protocol/index.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { ClaimPacer } from './claim-pacer.ts'
import { type CommittedResult, pendingOf } from './committed-result.ts'
import type { CreatorComponents } from './components.ts'
import type { JobRecord } from './job-record.ts'
import type { JobChange } from './job-store.ts'
import { type Refusal, claimTask, commitResult, isRefusal, renewLease } from './scheduler.ts'

export interface TaskServerDeps extends Pick<CreatorComponents, 'identity' | 'now'> {
  replay: ReplayGuard
  leaseMs: number
  /** Lease ids; node:crypto's when absent. */
  randomBytes?(size: number): Uint8Array
  job(id: string): JobRecord | undefined
  /** Persists the job's new state (in memory at once); resolves once it is durable. */
  save(job: JobRecord, changed: JobChange): Promise<void>
  /** Called once a commitment and its pending result are durable; verification runs in the background. */
  onCommitted(result: CommittedResult): void
  /** A claim's or renewal's save failed (its reply had gone): the next save of the job writes it again. */
  onSaveFailed?(job: JobRecord, err: unknown): void
  /** Runs before a commitment is acknowledged (the on-chain assignment the worker's commit needs). */
  beforeCommitReply?(job: JobRecord, task: TaskState, worker: Uint8Array): Promise<void>
}

type Scheduled = { job: JobRecord; task: TaskState } | Refusal

/** The lease goes back as the Envelope message it was signed as, so the worker can re-verify it. */
const reply = (code: ReplyCodeName, reason = '', lease?: Uint8Array, retryAfterMs = 0): Uint8Array =>
  TaskReply.encode({ code: REPLY_CODES[code], reason, lease: lease === undefined ? undefined : Envelope.decode(lease), retryAfterMs })

/** R49a: a commitment lists exactly the leased frames, in order. */
function listsLeasedFrames(task: TaskState | undefined, c: ResultCommitment): boolean {
  if (task === undefined) return true
  return c.frames.length === task.frameEnd - task.frameStart + 1 && c.frames.every((f, i) => f.frame === task.frameStart + i)
}

/** This worker's commitment of this root under this lease is the task's result already (committed, or accepted since). */
function isRecorded(task: TaskState | undefined, worker: string, c: ResultCommitment): task is TaskState {
  return (task?.status === 'committed' || task?.status === 'verified') && task.worker === worker && task.leaseId === toHex(c.leaseId) && task.merkleRoot === toHex(c.merkleRoot)
}

export function createTaskHandler(deps: TaskServerDeps) {
  // issuedMs is the same instant expiresMs was computed from, so the lease
  // lasts exactly leaseMs (peers reject leases shorter than the minimum).
  const signLease = (job: JobRecord, task: TaskState, worker: Uint8Array, issuedMs: number): Uint8Array =>
    signEnvelope(nodeEd25519, deps.identity.seed, 'Lease', {
      jobId: Buffer.from(job.id, 'hex'),
      taskIndex: task.index,
      leaseId: Buffer.from(task.leaseId!, 'hex'),
      worker: worker as Uint8Array<ArrayBuffer>,
      frameStart: task.frameStart,
      frameEnd: task.frameEnd,
      issuedMs,
      expiresMs: task.expiresMs!,
      price: job.admitted[toHex(worker)]?.price ?? 0
    })

  /** A claim or renewal: in memory at once, replied without waiting for the disk. */
  const grant = (outcome: Scheduled, worker: Uint8Array, now: number): Uint8Array => {
    if (isRefusal(outcome)) return reply(outcome.code, outcome.reason)
    deps.save(outcome.job, { tasks: [outcome.task.index] }).catch((err) => deps.onSaveFailed?.(outcome.job, err))
    return reply('ok', '', signLease(outcome.job, outcome.task, worker, now))
  }

  const pacer = new ClaimPacer()
  const random = deps.randomBytes ?? randomBytes
  /** A claim: leased, or refused; a noTask asks the worker to wait its share of the job's idle claims (claim-pacer.ts). */
  const claim = (job: JobRecord, publicKey: Uint8Array, worker: string, now: number): Uint8Array => {
    const outcome = claimTask(job, worker, toHex(random(16)), now + deps.leaseMs, now)
    if (isRefusal(outcome) && outcome.code === 'noTask') return reply('noTask', outcome.reason, undefined, pacer.noTask(job.id, worker, now))
    if (!isRefusal(outcome)) pacer.leased(job.id, worker)
    return grant(outcome, publicKey, now)
  }

  return async (request: Uint8Array, connection: Connection): Promise<Uint8Array> => {
    const result = validateTaskRequest(request, { nowMs: deps.now(), ed: nodeEd25519, replay: deps.replay })
    if (result.action !== 'ACCEPT') return reply('invalid', `${result.code}: ${result.reason}`)
    const env = result.message
    if (connection.remotePeer.publicKey === undefined || toHex(connection.remotePeer.publicKey.raw) !== toHex(env.publicKey)) {
      return reply('invalid', 'the envelope is not signed by the connected peer')
    }
    const worker = toHex(env.publicKey)
    const job = deps.job(toHex(env.payload.jobId))
    if (job === undefined) return reply('unknownJob', 'no such job here')
    const now = deps.now()
    switch (env.typeName) {
      case 'TaskClaim':
        return claim(job, env.publicKey, worker, now)
      case 'LeaseRenewal': {
        const r = env.payload
        return grant(renewLease(job, worker, r.taskIndex, toHex(r.leaseId), now, now + deps.leaseMs), env.publicKey, now)
      }
      case 'ResultCommitment': {
        const c = env.payload
        const task = job.tasks[c.taskIndex]
        if (task?.leaseId === toHex(c.leaseId) && !listsLeasedFrames(task, c)) return reply('invalid', 'the commitment must list exactly the leased frames, in order')
        if (isRecorded(task, worker, c)) {
          // A retry of a commitment already taken (its reply was lost, e.g. to a creator crash): acknowledged once durable, checked once.
          await deps.save(job, { tasks: [c.taskIndex] })
          if (task.status === 'committed') await deps.beforeCommitReply?.(job, task, env.publicKey)
          return reply('ok')
        }
        const outcome = commitResult(job, worker, c.taskIndex, toHex(c.leaseId), toHex(c.merkleRoot), now)
        if (isRefusal(outcome)) return reply(outcome.code, outcome.reason)
        const result: CommittedResult = { jobId: job.id, taskIndex: c.taskIndex, worker, workerPeer: connection.remotePeer, merkleRoot: toHex(c.merkleRoot), frames: c.frames, envelope: request }
        const committed = { ...outcome.job, pending: { ...outcome.job.pending, [c.taskIndex]: pendingOf(result) } }
        // Saved before any await, so nothing computed from this snapshot can overwrite later changes; acknowledged once durable.
        await deps.save(committed, { tasks: [c.taskIndex] })
        await deps.beforeCommitReply?.(committed, outcome.task, env.publicKey)
        deps.onCommitted(result)
        return reply('ok')
      }
    }
  }
}
