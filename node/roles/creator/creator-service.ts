// The creator role: owns its jobs (persisted in LevelDB, resumed after a
// restart), announces them, admits bidders, serves task claims, expires
// silent leases, and checks results before they count.
import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { TASK_PROTOCOL, LIMITS } from '../../../protocol/constants.ts'
import { announcementOf, compileJob, type JobSpec, newTaskState, ReplayGuard, signEnvelope, toHex } from '../../../protocol/index.ts'
import type { Bid } from '../../../protocol/pb/messages.js'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import type { NodeContext, NodeService } from '../../node.ts'
import type { GossipDelivery } from '../../net/gossip.ts'
import { serveRpc } from '../../net/rpc.ts'
import type { Dispute, JobRecord } from './job-record.ts'
import { JobStore } from './job-store.ts'
import { type CommittedResult, IntegrityVerifier, type Verdict, type Verifier } from './result-intake.ts'
import { acceptResult, banWorker, cancelJob, expireLeases, rejectResult } from './scheduler.ts'
import { createTaskHandler } from './task-server.ts'
import { assignOnChain, chainDraw, closeOnChain, lockEscrow } from './job-ledger.ts'
import { CheckedVerifier } from './checked-verifier.ts'
import { DEFAULT_VERIFICATION_LEVEL, type LevelName, type WorkerReputation } from '../../../protocol/verification/index.ts'

export interface CreatorInit {
  /** How long a lease lasts without a renewal. */
  leaseMs?: number
  announceEveryMs?: number
  verifier?: Verifier
  verificationLevel?: LevelName
}

export class UnknownJobError extends Error {
  readonly httpStatus = 404
  constructor(id: string) {
    super(`unknown job ${id}`)
  }
}

/** A dispute that names no accepted result: bad input. */
export class DisputeError extends Error {
  readonly httpStatus = 400
}

export class CreatorService implements NodeService {
  readonly store: JobStore
  private readonly ctx: NodeContext
  private readonly jobs = new Map<string, JobRecord>()
  private readonly leaseMs: number
  private readonly announceEveryMs: number
  private readonly verifier: Verifier
  private readonly reputation = new Map<string, WorkerReputation>()
  private readonly timers: NodeJS.Timeout[] = []
  private unhandle?: () => Promise<void>
  private stopped = false
  /** Commitments whose task could not be assigned on chain: checked off chain, not awaited there. */
  private readonly offChain = new Set<string>()
  /** Serialises saves per job so a slow write never lands after a newer one. */
  private readonly saving = new Map<string, Promise<void>>()

  constructor(ctx: NodeContext, init: CreatorInit = {}) {
    this.ctx = ctx
    this.store = new JobStore(ctx.db)
    this.leaseMs = init.leaseMs ?? 15_000
    this.announceEveryMs = init.announceEveryMs ?? 3_000
    this.verifier = init.verifier ?? new CheckedVerifier(ctx, { integrity: new IntegrityVerifier(ctx.blobs), level: init.verificationLevel ?? DEFAULT_VERIFICATION_LEVEL })
  }

  async start(): Promise<void> {
    for (const job of await this.store.list()) this.jobs.set(job.id, job)
    const handler = createTaskHandler({
      ctx: this.ctx,
      replay: new ReplayGuard(),
      leaseMs: this.leaseMs,
      job: (id) => this.jobs.get(id),
      save: (job) => this.save(job),
      onCommitted: (result) => void this.recordPending(result).then(() => this.verify(result)),
      beforeCommitReply: async (job, task, worker) => {
        if (this.ctx.ledger === undefined || job.ledger === undefined) return
        await assignOnChain(this.ctx.ledger, job.id, job.spec, task, worker, job.admitted[toHex(worker)]?.price ?? 0).catch((err) => {
          // A revoked task is already verified on chain: its re-render is not paid on chain (no revoke in the Move package).
          this.ctx.logger.warn('on-chain assignment failed', { job: job.id, task: task.index, err })
          this.offChain.add(`${job.id}/${task.index}/${task.merkleRoot}`)
        })
      }
    })
    this.unhandle = await serveRpc(this.ctx.libp2p, TASK_PROTOCOL, handler, { maxRequestBytes: LIMITS.maxEnvelopeBytes, maxReplyBytes: LIMITS.maxEnvelopeBytes, timeoutMs: 10_000 }, this.ctx.logger.child('task'))
    this.ctx.gossip.on('bids', (d) => this.onBid(d))
    this.timers.push(setInterval(() => void this.expire(), 500), setInterval(() => void this.announceAll(), this.announceEveryMs))
    for (const job of this.jobs.values()) {
      if (job.status !== 'active') continue
      this.ctx.logger.info('resuming job', { job: job.id, done: job.tasks.filter((t) => t.status === 'verified').length, tasks: job.tasks.length })
      // Results committed before a restart were never verified: check them now.
      for (const [index, p] of Object.entries(job.pending)) {
        const { workerPeer, envelope, ...rest } = p
        void this.verify({ ...rest, jobId: job.id, taskIndex: Number(index), workerPeer: peerIdFromString(workerPeer), envelope: Buffer.from(envelope, 'hex') })
      }
    }
    void this.announceAll()
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.timers) clearInterval(t)
    await this.unhandle?.()
    await Promise.all(this.saving.values())
  }

  job(id: string): JobRecord | undefined {
    return this.jobs.get(id)
  }

  list(): JobRecord[] {
    return [...this.jobs.values()]
  }

  async submit(spec: JobSpec): Promise<JobRecord> {
    const nonce = randomBytes(16)
    const announcement = announcementOf(spec, { creatorPublicKey: this.ctx.identity.publicKey, nonce, addrs: [], timestampMs: this.ctx.now() })
    const id = toHex(announcement.jobId)
    const tasks = compileJob(spec)
    // The job waits for its escrow: nothing is stored or announced unless the lock succeeds.
    const ledgerTerms = this.ctx.ledger === undefined ? undefined : await lockEscrow(this.ctx.ledger, id, spec, tasks.length)
    const job: JobRecord = {
      id,
      spec,
      nonce: nonce.toString('hex'),
      createdMs: this.ctx.now(),
      status: 'active',
      tasks: tasks.map(newTaskState),
      admitted: {},
      frames: {},
      paid: {},
      pending: {},
      banned: [],
      ledger: ledgerTerms
    }
    await this.save(job)
    this.ctx.logger.info('job submitted', { job: job.id, frames: spec.frameEnd - spec.frameStart + 1, tasks: job.tasks.length })
    await this.announce(job)
    return job
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(id)
    if (job === undefined) return undefined
    const cancelled = cancelJob(job)
    if (this.ctx.ledger !== undefined && job.ledger !== undefined && job.status === 'active') {
      await this.ctx.ledger.cancelJob(id).catch((err) => this.ctx.logger.warn('on-chain cancel failed', { job: id, err }))
    }
    await this.save(cancelled)
    return cancelled
  }

  /**
   * The creator rejects frames it had accepted: each task holding them is
   * checked again in full by checkers that did not pass it before. Upheld:
   * the worker is treated as caught cheating. Dismissed: the frames stand.
   * Runs in the background; the job's view shows the outcome.
   */
  async dispute(id: string, frames: number[], reason: string): Promise<Dispute[]> {
    const job = this.jobs.get(id)
    if (job === undefined) throw new UnknownJobError(id)
    const tasks = [...new Set(frames.map((f) => job.tasks.find((t) => t.frameStart <= f && f <= t.frameEnd)))]
    const disputes: Dispute[] = []
    for (const task of tasks) {
      if (task === undefined || task.status !== 'verified' || job.verified?.[task.index] === undefined) continue
      disputes.push({ taskIndex: task.index, frames: frames.filter((f) => task.frameStart <= f && f <= task.frameEnd), reason, openedMs: this.ctx.now(), outcome: 'open' })
    }
    if (disputes.length === 0) throw new DisputeError(`none of frames ${frames.join(', ')} is an accepted result of job ${id}`)
    await this.save({ ...job, disputes: [...(job.disputes ?? []), ...disputes] })
    for (const d of disputes) void this.runDispute(id, d)
    return disputes
  }

  private async runDispute(id: string, d: Dispute): Promise<void> {
    const job = this.jobs.get(id)!
    const r = job.verified![d.taskIndex]
    const result: CommittedResult = { ...r, jobId: id, taskIndex: d.taskIndex, workerPeer: peerIdFromString(r.workerPeer), envelope: Buffer.from(r.envelope, 'hex') }
    const before = [...new Set(r.frames.flatMap((f) => job.frames[f.frame]?.checkedBy ?? []))]
    const verdict = await this.verifier
      .verify(job.spec, result, { jobFrames: job.frames, announcement: this.signedAnnouncement(job), dispute: { excludeCheckers: before } })
      .catch((err: Error): Verdict => ({ accepted: false, unavailable: true, reason: err.message }))
    const current = this.jobs.get(id)!
    const settle = (outcome: Dispute['outcome'], detail: string) => ({
      ...current,
      disputes: (current.disputes ?? []).map((x) => (x.taskIndex === d.taskIndex && x.openedMs === d.openedMs ? { ...x, outcome, detail } : x))
    })
    if (verdict.accepted) {
      const independent = (verdict.checkedBy ?? []).length > 0
      await this.save(settle(independent ? 'dismissed' : 'open', independent ? 'an independent full check accepted the frames' : 'no independent checker was available'))
    } else if (verdict.unavailable) {
      await this.save(settle('open', `could not check: ${verdict.reason}`))
    } else {
      this.ctx.logger.warn('dispute upheld: worker excluded from the job, its tasks requeued', { job: id, task: d.taskIndex, reason: verdict.reason })
      this.credit(r.worker, { verifiedFrames: 0, rejectedTasks: 1 })
      await this.save(banWorker(settle('upheld', verdict.reason), r.worker, `dispute: ${d.reason}`))
    }
  }

  private save(job: JobRecord): Promise<void> {
    // A verification that finishes after stop() must not write to the closed database.
    if (this.stopped) return Promise.resolve()
    this.jobs.set(job.id, job)
    const previous = this.saving.get(job.id) ?? Promise.resolve()
    const next = previous.then(() => this.store.put(this.jobs.get(job.id)!))
    this.saving.set(job.id, next.finally(() => this.saving.get(job.id) === next && this.saving.delete(job.id)))
    return next
  }

  /** The job's announcement, signed now (with current addresses): what peers and checkers verify the job against. */
  private signedAnnouncement(job: JobRecord): Uint8Array {
    const announcement = announcementOf(job.spec, {
      creatorPublicKey: this.ctx.identity.publicKey,
      nonce: Buffer.from(job.nonce, 'hex'),
      addrs: this.ctx.libp2p.getMultiaddrs().slice(0, LIMITS.maxAddrs).map(String),
      timestampMs: this.ctx.now()
    })
    return signEnvelope(nodeEd25519, this.ctx.identity.seed, 'JobAnnouncement', announcement)
  }

  private async announce(job: JobRecord): Promise<void> {
    await this.ctx.gossip.publish('jobs', this.signedAnnouncement(job)).catch((err) => this.ctx.logger.debug('announce failed', { err }))
  }

  /** Reputation as this creator has seen it (drives how much of a worker's work is sampled). */
  private credit(worker: string, delta: WorkerReputation): void {
    const rep = this.reputation.get(worker) ?? { verifiedFrames: 0, rejectedTasks: 0 }
    this.reputation.set(worker, { verifiedFrames: rep.verifiedFrames + delta.verifiedFrames, rejectedTasks: rep.rejectedTasks + delta.rejectedTasks })
  }

  private async announceAll(): Promise<void> {
    for (const job of this.jobs.values()) if (job.status === 'active') await this.announce(job)
  }

  /** Admission policy: the bid is within the job's price cap and the bidder meets its bench floor. */
  private onBid({ envelope, from }: GossipDelivery): void {
    const bid = envelope.payload as Bid
    const job = this.jobs.get(toHex(bid.jobId))
    if (job === undefined || job.status !== 'active') return
    const worker = toHex(envelope.publicKey)
    if (bid.price > job.spec.maxPrice || bid.benchScore < job.spec.minBenchScore || job.banned?.includes(worker)) return
    const known = job.admitted[worker]
    if (known !== undefined && known.price === bid.price) return
    void this.save({ ...job, admitted: { ...job.admitted, [worker]: { peerId: from.toString(), price: bid.price, admittedMs: this.ctx.now() } } })
    this.ctx.logger.info('bid admitted', { job: job.id, worker: from.toString(), price: bid.price })
  }

  private async expire(): Promise<void> {
    for (const job of this.jobs.values()) {
      if (job.status !== 'active') continue
      const next = expireLeases(job, this.ctx.now())
      if (next !== undefined) {
        this.ctx.logger.info('leases expired, tasks requeued', { job: job.id })
        await this.save(next)
      }
    }
  }

  /** Refunds the unspent escrow once the chain has every verdict. */
  private async closeOnLedger(id: string): Promise<void> {
    const job = this.jobs.get(id)
    if (this.ctx.ledger === undefined || job?.ledger === undefined) return
    try {
      const refunded = await closeOnChain(this.ctx.ledger, id, 120_000)
      const latest = this.jobs.get(id)!
      await this.save({ ...latest, ledger: { ...latest.ledger!, refunded: String(refunded ?? 0n) } })
      this.ctx.logger.info('job closed on the ledger', { job: id, refunded })
    } catch (err) {
      this.ctx.logger.error('closing the job on the ledger failed', { job: id, err })
    }
  }

  private async recordPending(result: CommittedResult): Promise<void> {
    const job = this.jobs.get(result.jobId)
    if (job === undefined) return
    const { workerPeer, jobId: _j, taskIndex, envelope, ...rest } = result
    await this.save({ ...job, pending: { ...job.pending, [taskIndex]: { ...rest, workerPeer: workerPeer.toString(), envelope: Buffer.from(envelope).toString('hex') } } })
  }

  private async verify(result: CommittedResult): Promise<void> {
    const job = this.jobs.get(result.jobId)
    if (job === undefined) return
    if (job.banned?.includes(result.worker)) return
    // On a ledger the chain draws the beacon and the checker once the worker commits there.
    // With no checker on the network the chain cannot draw one (ENoChecker): do not wait for it.
    const onChain =
      this.ctx.ledger !== undefined &&
      job.ledger !== undefined &&
      !this.offChain.delete(`${job.id}/${result.taskIndex}/${result.merkleRoot}`) &&
      ((await this.verifier.knownCheckers?.())?.length ?? 1) > 0
    const chain = onChain && this.ctx.ledger !== undefined ? await chainDraw(this.ctx.ledger, job.id, result.taskIndex, result.merkleRoot, 60_000).catch(() => undefined) : undefined
    const check = { jobFrames: job.frames, announcement: this.signedAnnouncement(job), reputation: this.reputation.get(result.worker), chain }
    const verdict = await this.verifier.verify(job.spec, result, check).catch((err: Error): Verdict => ({ accepted: false, reason: err.message }))
    const current = this.jobs.get(result.jobId)!
    if (current.banned?.includes(result.worker)) return
    if (verdict.accepted) {
      this.credit(result.worker, { verifiedFrames: result.frames.length, rejectedTasks: 0 })
      const next = acceptResult(current, result.taskIndex, result.merkleRoot, verdict.frames, this.ctx.now())
      await this.save(next)
      if (next.status === 'completed' && current.status !== 'completed') {
        this.ctx.logger.info('job completed', { job: next.id })
        void this.closeOnLedger(next.id)
        await this.ctx.gossip.publish('notices', signEnvelope(nodeEd25519, this.ctx.identity.seed, 'JobNotice', { jobId: Buffer.from(next.id, 'hex'), kind: 1, timestampMs: this.ctx.now() })).catch(() => {})
      }
    } else if (verdict.unavailable) {
      this.ctx.logger.warn('result could not be fetched, task requeued', { job: job.id, task: result.taskIndex, worker: result.workerPeer.toString(), reason: verdict.reason })
      await this.save(rejectResult(current, result.taskIndex, result.merkleRoot, verdict.reason))
    } else {
      this.ctx.logger.warn('result rejected: worker excluded from the job, its tasks requeued', { job: job.id, task: result.taskIndex, worker: result.workerPeer.toString(), reason: verdict.reason })
      this.credit(result.worker, { verifiedFrames: 0, rejectedTasks: 1 })
      await this.save(banWorker(rejectResult(current, result.taskIndex, result.merkleRoot, verdict.reason), result.worker, verdict.reason))
    }
  }
}
