// The worker's side of /pictor/task/1.0.0: signs TaskClaim, LeaseRenewal and
// ResultCommitment envelopes, sends each as one request to the job's creator
// and reads the TaskReply. Every lease that comes back is checked before we
// spend render time on it: signed by the job's creator, for this job, for us.
import type { PeerId } from '@libp2p/interface'
import { bytesEqual, checkPayload, decode, type Ed25519, encode, Envelope, type FrameResult, type Lease, LIMITS, openEnvelope, REPLY_CODES, type ReplyCodeName, signEnvelope, TASK_PROTOCOL, type TaskReply } from '../../../protocol/index.ts'
import type { PictorLibp2p } from '../../net/host.ts'
import { RpcSessions } from '../../net/rpc-sessions.ts'
import { WorkerError } from './errors.ts'
import type { CreatorRef } from './job-table.ts'

/** Sends one request envelope to a peer and resolves with the raw reply. Injected so tests need no network. */
export type TaskRpc = (peer: PeerId, request: Uint8Array) => Promise<Uint8Array>

interface RawAnswer {
  code: ReplyCodeName
  reason: string
  envelope?: Envelope
  retryAfterMs: number
}

export interface TaskAnswer {
  code: ReplyCodeName
  reason: string
  /** Set, and verified, when code is ok on a claim or renewal. */
  lease?: Lease
  /** How long the creator asks us to leave the job alone (noTask, busy; SPEC R62): 0 to maxRetryAfterMs. */
  retryAfterMs?: number
}

/** A claim is answered at once; a commitment only records the root (verification runs later), so 15 s is generous. */
export const TASK_RPC_TIMEOUT_MS = 15_000

/** Task RPCs over streams kept open per creator (a claim, renewal or commitment is one round trip on an open stream). */
export function libp2pTaskRpc(libp2p: PictorLibp2p, timeoutMs = TASK_RPC_TIMEOUT_MS): TaskRpc {
  const sessions = new RpcSessions(libp2p)
  const options = { maxRequestBytes: LIMITS.maxEnvelopeBytes, maxReplyBytes: LIMITS.maxTaskReplyBytes, timeoutMs }
  return (peer, request) => sessions.call(peer, TASK_PROTOCOL, request, options)
}

const CODE_NAMES = new Map<number, ReplyCodeName>(Object.entries(REPLY_CODES).map(([name, code]) => [code, name as ReplyCodeName]))

export interface TaskClientInit {
  ed: Ed25519
  seed: Uint8Array
  publicKey: Uint8Array
  rpc: TaskRpc
  now(): number
}

export class TaskClient {
  private readonly init: TaskClientInit
  private lastTimestamp = 0

  constructor(init: TaskClientInit) {
    this.init = init
  }

  /**
   * `bid`: our signed Bid envelope for the job, sent along until the creator
   * has granted us a lease, so that admission runs on it at claim time when
   * the claim overtakes the gossip bid (SPEC R46).
   */
  async claim(creator: CreatorRef, jobId: Uint8Array, bid?: Uint8Array): Promise<TaskAnswer> {
    const request = signEnvelope(this.init.ed, this.init.seed, 'TaskClaim', { jobId: copy(jobId), timestampMs: this.timestamp(), bid: bid === undefined ? undefined : Envelope.decode(bid) })
    const { code, reason, envelope, retryAfterMs } = await this.send(creator, request)
    return code === 'ok' ? { code, reason, lease: this.checkLease(creator, envelope, jobId) } : { code, reason, retryAfterMs }
  }

  async renew(creator: CreatorRef, lease: Lease, framesDone: number): Promise<TaskAnswer> {
    const request = signEnvelope(this.init.ed, this.init.seed, 'LeaseRenewal', {
      jobId: copy(lease.jobId),
      taskIndex: lease.taskIndex,
      leaseId: copy(lease.leaseId),
      framesDone,
      timestampMs: this.timestamp()
    })
    const { code, reason, envelope } = await this.send(creator, request)
    if (code !== 'ok') return { code, reason }
    const renewed = this.checkLease(creator, envelope, lease.jobId)
      // A renewal extends the lease we hold; anything else is not what we asked for.
    if (renewed.taskIndex !== lease.taskIndex || !bytesEqual(renewed.leaseId, lease.leaseId) || renewed.frameStart !== lease.frameStart || renewed.frameEnd !== lease.frameEnd) {
      throw new WorkerError('BAD_LEASE', 'renewed lease is for another task or lease id')
    }
    return { code, reason, lease: renewed }
  }

  async commit(creator: CreatorRef, lease: Lease, frames: FrameResult[], merkleRoot: Uint8Array): Promise<TaskAnswer> {
    const request = signEnvelope(this.init.ed, this.init.seed, 'ResultCommitment', {
      jobId: copy(lease.jobId),
      taskIndex: lease.taskIndex,
      leaseId: copy(lease.leaseId),
      merkleRoot: copy(merkleRoot),
      frames,
      timestampMs: this.timestamp()
    })
    const { code, reason } = await this.send(creator, request)
    return { code, reason }
  }

  /**
   * Strictly increasing: the creator drops a request whose payload it has
   * already seen (replay guard), and two slots claiming one job in the same
   * millisecond would otherwise sign identical claims.
   */
  private timestamp(): number {
    this.lastTimestamp = Math.max(this.init.now(), this.lastTimestamp + 1)
    return this.lastTimestamp
  }

  private async send(creator: CreatorRef, request: Uint8Array): Promise<RawAnswer> {
    const bytes = await this.init.rpc(creator.peerId, request)
    let reply: TaskReply
    try {
      reply = decode('TaskReply', bytes)
    } catch (err) {
      throw new WorkerError('BAD_REPLY', `undecodable task reply: ${(err as Error).message}`, { cause: err })
    }
    const code = CODE_NAMES.get(reply.code)
    // An unknown code from a newer creator: treat it as a refusal we do not understand.
    if (code === undefined) return { code: 'invalid', reason: `unknown reply code ${reply.code}: ${reply.reason}`, retryAfterMs: 0 }
    return { code, reason: reply.reason, envelope: reply.lease, retryAfterMs: Math.min(reply.retryAfterMs, LIMITS.maxRetryAfterMs) }
  }

  private checkLease(creator: CreatorRef, envelope: Envelope | undefined, jobId: Uint8Array): Lease {
    if (envelope === undefined) throw new WorkerError('BAD_REPLY', 'ok reply carries no lease')
    let lease: Lease
    try {
      // The lease travels as a decoded Envelope; re-encoding keeps the signed payload bytes as they were.
      const opened = openEnvelope(this.init.ed, encode('Envelope', envelope), 'Lease')
      if (!bytesEqual(opened.publicKey, creator.publicKey)) throw new WorkerError('BAD_LEASE', 'lease is not signed by the job creator')
      checkPayload('Lease', opened.payload, opened.publicKey)
      lease = opened.payload
    } catch (err) {
      if (err instanceof WorkerError) throw err
      throw new WorkerError('BAD_LEASE', `lease does not verify: ${(err as Error).message}`, { cause: err })
    }
    if (!bytesEqual(lease.worker, this.init.publicKey)) throw new WorkerError('BAD_LEASE', 'lease names another worker')
    if (!bytesEqual(lease.jobId, jobId)) throw new WorkerError('BAD_LEASE', 'lease is for another job')
    return lease
  }
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes)
}
