// The creator role's service: wires its jobs (JobStore), the task protocol
// (task-server), admission of bids, the announcer, lease expiry, result
// verification and disputes, and the ledger calls around them. Decisions
// live in the pure modules beside it (scheduler, admission, disputes).
import { randomBytes } from 'node:crypto'
import {
  announcementOf,
  compileJob,
  DEFAULT_VERIFICATION_LEVEL,
  type JobSpec,
  LIMITS,
  type LevelName,
  newTaskState,
  NOTICE_KINDS,
  ReplayGuard,
  signEnvelope,
  TASK_PROTOCOL,
  tierOf,
  toHex,
  type WorkerReputation
} from '../../../protocol/index.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { suiAddressOf } from '../../identity/keys.ts'
import type { Logger } from '../../log.ts'
import { serveRpc } from '../../net/rpc.ts'
import type { NodeService } from '../../node.ts'
import { OfferBook } from '../offer-book.ts'
import { Announcer } from './announcer.ts'
import { admittingClaims, BidIntake } from './bid-intake.ts'
import { noBidsOf } from './bid-watch.ts'
import { type JobPlan, planJob } from './job-plan.ts'
import { CheckedVerifier } from './checked-verifier.ts'
import { type CommittedResult, committedOf } from './committed-result.ts'
import type { CreatorComponents } from './components.ts'
import { disputeClosed, earlierCheckers, finishRerender, openDisputes, settleDispute } from './disputes.ts'
import { CreatorError } from './errors.ts'
import { acceptJob } from './job-acceptance.ts'
import { assignOnChain, chainDraw, lockEscrow } from './job-ledger.ts'
import type { Dispute, JobRecord } from './job-record.ts'
import { type JobChange, JobStore } from './job-store.ts'
import { LeaseExpiry } from './lease-expiry.ts'
import { LedgerCloser } from './ledger-closer.ts'
import { cancelJob, type Settlement, settleResult } from './scheduler.ts'
import { createTaskHandler } from './task-server.ts'
import { IntegrityVerifier, type ResultOutcome, type Verifier } from './verifier.ts'

/** A save of job-level fields only (job-store.ts). */
const HEADER_ONLY: JobChange = { tasks: [] }

/** A settled result changes its own task and its worker's pay, or with a ban every task of the worker. */
const changeOf = (settlement: Settlement, taskIndex: number, worker: string): JobChange | undefined => (settlement === 'banned' ? undefined : { tasks: [taskIndex], workers: [worker] })

export interface CreatorInit {
  /** How long a lease lasts without a renewal. */
  leaseMs?: number
  announceEveryMs?: number
  verifier?: Verifier
  verificationLevel?: LevelName
  /** Told of each result once it is settled (accepted, requeued, the worker banned, or ignored), before the job is saved. */
  onSettled?(result: CommittedResult, outcome: ResultOutcome, settlement: Settlement): void
}

export class CreatorService implements NodeService {
  private readonly c: CreatorComponents
  private readonly log: Logger
  private readonly jobs: JobStore
  private readonly leaseMs: number
  private readonly verifier: Verifier
  private readonly announcer: Announcer
  private readonly expiry: LeaseExpiry
  private readonly reputation = new Map<string, WorkerReputation>()
  /** Workers' latest offers, to say why a job gets no bid (bid-watch.ts); bounded, a whole offer is up to ~40 KB. */
  private readonly offers = new OfferBook({ keepOffers: true, maxSigners: 1_000 })
  private startedMs = 0
  private unhandle?: () => Promise<void>
  /** Commitments whose task could not be assigned on chain: checked off chain, not awaited there. */
  private readonly offChain = new Set<string>()
  /** Closes completed jobs on the ledger and records their settlement, when there is a ledger. */
  private readonly closer?: LedgerCloser
  private readonly bids: BidIntake
  private readonly randomBytes: (size: number) => Uint8Array
  private readonly onSettled: CreatorInit['onSettled']

  constructor(components: CreatorComponents, init: CreatorInit = {}) {
    this.c = components
    this.randomBytes = components.randomBytes ?? randomBytes
    this.onSettled = init.onSettled
    this.log = components.logger
    this.jobs = new JobStore(components.db)
    this.leaseMs = init.leaseMs ?? 15_000
    const level = init.verificationLevel ?? DEFAULT_VERIFICATION_LEVEL
    this.verifier = init.verifier ?? new CheckedVerifier(components, { integrity: new IntegrityVerifier(components.blobs), level })
    const jobs = () => this.jobs.list()
    const save = (job: JobRecord, changed?: JobChange) => this.jobs.save(job, changed)
    this.announcer = new Announcer({ ...components, jobs, onJoin: (listener) => components.gossip.onJoin?.('jobs', listener) }, init.announceEveryMs ?? 3_000)
    this.expiry = new LeaseExpiry({ jobs, save, now: components.now, clock: components.clock, logger: this.log, onJobExpired: (job) => void this.endOnLedger(job).then(() => this.closer?.close(job.id)) })
    this.bids = new BidIntake({ jobs: this.jobs, ledger: components.ledger, logger: this.log, now: components.now })
    if (components.ledger !== undefined) this.closer = new LedgerCloser({ ledger: components.ledger, job: (id) => this.jobs.get(id), save, logger: this.log, now: components.now, clock: components.clock })
  }

  async start(): Promise<void> {
    await this.jobs.load()
    const handler = createTaskHandler({
      identity: this.c.identity,
      now: this.c.now,
      replay: new ReplayGuard(),
      leaseMs: this.leaseMs,
      randomBytes: this.randomBytes,
      job: (id) => this.jobs.get(id),
      save: (job, changed) => this.jobs.save(job, changed),
      // The pending result was saved with the commitment (task-server.ts).
      onCommitted: (result) => void this.verify(result),
      onSaveFailed: (job, err) => this.log.warn('lease not saved; the next save of the job writes it', { job: job.id, err }),
      beforeCommitReply: (job, task, worker) => this.assignOnLedger(job, task, worker)
    })
    const serve = this.c.serveTasks ?? ((h) => serveRpc(this.c.libp2p, TASK_PROTOCOL, h, { maxRequestBytes: LIMITS.maxEnvelopeBytes, maxReplyBytes: LIMITS.maxEnvelopeBytes, timeoutMs: 10_000 }, this.log.child('task')))
    this.unhandle = await serve(admittingClaims(this.bids, handler))
    this.c.gossip.on('bids', (d) => this.bids.onBid(d))
    this.c.gossip.on('offers', (d) => this.offers.record(toHex(d.envelope.publicKey), d.envelope.payload, this.c.now()))
    this.startedMs = this.c.now()
    this.expiry.start()
    this.announcer.start()
    // Completed before a restart but not closed on the ledger: close them now.
    for (const job of this.jobs.list()) this.closer?.close(job.id)
    for (const job of this.jobs.active()) {
      this.log.info('resuming job', { job: job.id, done: job.tasks.filter((t) => t.status === 'verified').length, tasks: job.tasks.length })
      // Results committed before a restart were never verified: check them now.
      for (const [index, pending] of Object.entries(job.pending)) void this.verify(committedOf(job.id, Number(index), pending))
    }
  }

  async stop(): Promise<void> {
    this.expiry.stop()
    this.announcer.stop()
    await this.unhandle?.()
    await this.closer?.stop()
    await this.jobs.close()
  }

  /** Why no worker bids on the job, once that has lasted a while; undefined while bids may still come. */
  noBids(job: JobRecord): string[] | undefined {
    const now = this.c.now()
    return noBidsOf(job, this.offers.recent(now), now, this.startedMs)
  }

  /** What `spec` would take and cost, from the offers heard recently. */
  plan(spec: JobSpec): JobPlan {
    return planJob(spec, this.offers.recent(this.c.now()))
  }

  job(id: string): JobRecord | undefined {
    return this.jobs.get(id)
  }

  list(): JobRecord[] {
    return this.jobs.list()
  }

  /** `settings` are the creator's own (not announced): `timeoutAlertS` warns of tasks running longer. */
  async submit(submitted: JobSpec, settings: { timeoutAlertS?: number } = {}): Promise<JobRecord> {
    const spec = await this.withPublishedScene(submitted)
    const nonce = Buffer.from(this.randomBytes(16))
    const announcement = announcementOf(spec, { creatorPublicKey: this.c.identity.publicKey, nonce, addrs: [], timestampMs: this.c.now() })
    const id = toHex(announcement.jobId)
    const tasks = compileJob(spec)
    // The job waits for its escrow: nothing is stored or announced unless the lock succeeds.
    const ledgerTerms = this.c.ledger === undefined ? undefined : await lockEscrow(this.c.ledger, id, spec, tasks.length)
    const job: JobRecord = {
      id,
      spec,
      nonce: nonce.toString('hex'),
      createdMs: this.c.now(),
      status: 'active',
      tasks: tasks.map(newTaskState),
      admitted: {},
      frames: {},
      paid: {},
      pending: {},
      banned: [],
      ledger: ledgerTerms,
      timeoutAlertS: settings.timeoutAlertS
    }
    await this.jobs.save(job)
    this.log.info('job submitted', { job: job.id, frames: spec.frameEnd - spec.frameStart + 1, tasks: job.tasks.length })
    await this.announcer.announce(job)
    return job
  }

  /**
   * The scene goes to the remote backend (Walrus) before the job is announced,
   * so workers can read it from there. If that fails the job still runs: the
   * scene is served by this node.
   */
  private async withPublishedScene(spec: JobSpec): Promise<JobSpec> {
    if (spec.sceneWalrus !== undefined) return spec
    try {
      const ref = (await this.c.blobs.publish([spec.sceneBlob]))?.get(spec.sceneBlob)
      return ref === undefined ? spec : { ...spec, sceneWalrus: ref }
    } catch (err) {
      this.log.warn('scene not published remotely; workers fetch it from this node', { scene: spec.sceneBlob, err })
      return spec
    }
  }

  async cancel(id: string): Promise<JobRecord> {
    const job = this.jobOrThrow(id)
    const cancelled = cancelJob(job)
    if (job.status === 'active') await this.endOnLedger(job)
    await this.jobs.save(cancelled)
    // What tasks in flight still reserve comes back once they settle.
    this.closer?.close(id)
    return cancelled
  }

  /** A job ended early (cancelled, or expired at its deadline): the ledger refunds what no task holds, and workers hear it is over. */
  private async endOnLedger(job: JobRecord): Promise<void> {
    if (this.c.ledger !== undefined && job.ledger !== undefined) {
      await this.c.ledger.cancelJob(job.id).catch((err) => this.log.warn('on-chain cancel failed', { job: job.id, err }))
    }
    await this.notify(job.id, 'cancelled')
  }

  /** Tells workers the job is over (SPEC R44). */
  private async notify(id: string, kind: keyof typeof NOTICE_KINDS): Promise<void> {
    const notice = signEnvelope(nodeEd25519, this.c.identity.seed, 'JobNotice', { jobId: Buffer.from(id, 'hex'), kind: NOTICE_KINDS[kind], timestampMs: this.c.now() })
    await this.c.gossip.publish('notices', notice).catch(() => {})
  }

  /** The creator signs a completed job off (job-acceptance.ts); the ledger holds nothing back to release. */
  async accept(id: string): Promise<JobRecord> {
    const decision = acceptJob(this.jobOrThrow(id), this.c.now())
    if ('refused' in decision) throw new CreatorError('NOT_ACCEPTABLE', decision.refused)
    await this.jobs.save(decision.job, HEADER_ONLY)
    return decision.job
  }

  /**
   * The creator disputes frames it had accepted: each task holding them is
   * checked again in full by checkers that did not pass it before or, with
   * none, rendered again by another worker. Runs in the background; the
   * job's view shows the outcome.
   */
  async dispute(id: string, frames: number[], reason: string): Promise<Dispute[]> {
    const job = this.jobOrThrow(id)
    const closed = disputeClosed(job)
    if (closed !== undefined) throw new CreatorError('DISPUTE_CLOSED', closed)
    const disputes = openDisputes(job, frames, reason, this.c.now())
    if (disputes.length === 0) throw new CreatorError('NOTHING_TO_DISPUTE', `none of frames ${frames.join(', ')} is an accepted result of job ${id}`)
    await this.jobs.save({ ...job, disputes: [...(job.disputes ?? []), ...disputes] }, HEADER_ONLY)
    for (const d of disputes) void this.runDispute(id, d)
    return disputes
  }

  private jobOrThrow(id: string): JobRecord {
    const job = this.jobs.get(id)
    if (job === undefined) throw new CreatorError('UNKNOWN_JOB', `unknown job ${id}`)
    return job
  }

  private async runDispute(id: string, d: Dispute): Promise<void> {
    const job = this.jobs.get(id)!
    const result = committedOf(id, d.taskIndex, job.verified![d.taskIndex]!)
    const check = { jobFrames: job.frames, announcement: () => this.announcer.signed(job), dispute: { excludeCheckers: earlierCheckers(job, d.taskIndex) } }
    const outcome = await this.verifier.verify(job.spec, result, check).catch((err: Error): ResultOutcome => ({ accepted: false, unavailable: true, reason: err.message }))
    const settled = settleDispute(this.jobs.get(id)!, d, outcome, this.c.now())
    if (settled.upheld) {
      this.log.warn('dispute upheld: worker excluded from the job, its tasks requeued', { job: id, task: d.taskIndex, reason: outcome.accepted ? '' : outcome.reason })
      this.credit(result.worker, { verifiedFrames: 0, rejectedTasks: 1 })
    }
    if (settled.rerender) this.log.warn('dispute: no independent check, the task is rendered again by another worker', { job: id, task: d.taskIndex, reason: outcome.accepted ? '' : outcome.reason })
    // Upheld: the worker is banned, every task of its may change.
    await this.jobs.save(settled.job, settled.upheld ? undefined : { tasks: [d.taskIndex] })
  }

  /** Reputation as this creator has seen it (drives how much of a worker's work is sampled). */
  private credit(worker: string, delta: WorkerReputation): void {
    const rep = this.reputation.get(worker) ?? { verifiedFrames: 0, rejectedTasks: 0 }
    this.reputation.set(worker, { verifiedFrames: rep.verifiedFrames + delta.verifiedFrames, rejectedTasks: rep.rejectedTasks + delta.rejectedTasks })
  }

  /** On a ledger the task is assigned there before the worker may commit on chain. */
  private async assignOnLedger(job: JobRecord, task: { index: number; frameStart: number; frameEnd: number; merkleRoot?: string }, worker: Uint8Array): Promise<void> {
    if (this.c.ledger === undefined || job.ledger === undefined) return
    const ledger = this.c.ledger
    await assignOnChain(ledger, job.id, job.spec, task, worker, job.admitted[toHex(worker)]?.price ?? 0).catch(async (err) => {
      // Assigned before a creator crash, its commitment retried since: nothing more to do on chain.
      if (await ledger.task(job.id, task.index).then((t) => t.state !== 'open' && t.worker === suiAddressOf(worker), () => false)) return
      // A revoked task is already verified on chain: its re-render is not paid on chain (no revoke in the Move package).
      this.log.warn('on-chain assignment failed', { job: job.id, task: task.index, err })
      this.offChain.add(`${job.id}/${task.index}/${task.merkleRoot}`)
    })
  }

  /** On a ledger the chain draws the beacon and the checker once the worker commits there. */
  private async drawOnChain(job: JobRecord, result: CommittedResult): Promise<{ beacon: string; checker: string } | undefined> {
    if (this.c.ledger === undefined || job.ledger === undefined) return undefined
    if (this.offChain.delete(`${job.id}/${result.taskIndex}/${result.merkleRoot}`)) return undefined
    // With no checker on the network the chain cannot draw one (ENoChecker): do not wait for it.
    if (((await this.verifier.knownCheckers?.())?.length ?? 1) === 0) return undefined
    return chainDraw(this.c.ledger, job.id, result.taskIndex, result.merkleRoot, 60_000, this.c.clock).catch(() => undefined)
  }

  private async verify(result: CommittedResult): Promise<void> {
    const job = this.jobs.get(result.jobId)
    if (job === undefined) return
    // A worker excluded while its commitment was being acknowledged (the task
    // assigned on the ledger meanwhile) still committed there: the chain's
    // drawn checker must still give that task its verdict, or the worker's
    // stake stays locked until the verdict timeout. The outcome is ignored here.
    if (job.banned?.includes(result.worker) && (this.c.ledger === undefined || job.ledger === undefined)) return
    const chain = await this.drawOnChain(job, result)
    const check = { jobFrames: job.frames, announcement: () => this.announcer.signed(job), reputation: this.reputation.get(result.worker), chain, level: tierOf(job.spec.tier)?.verification }
    const outcome = await this.verifier.verify(job.spec, result, check).catch((err: Error): ResultOutcome => ({ accepted: false, reason: err.message }))
    const settled = settleResult(this.jobs.get(result.jobId)!, result, outcome, this.c.now())
    const { settlement } = settled
    // A task rendered again for a dispute settles that dispute once its new result is accepted.
    const next = finishRerender(settled.job, result.taskIndex)
    this.onSettled?.(result, outcome, settlement)
    if (settlement === 'ignored') return
    const where = { job: job.id, task: result.taskIndex, worker: result.workerPeer.toString(), reason: outcome.accepted ? undefined : outcome.reason }
    if (settlement === 'requeued') this.log.warn('result could not be fetched, task requeued', where)
    if (settlement === 'banned') this.log.warn('result rejected: worker excluded from the job, its tasks requeued', where)
    this.credit(result.worker, outcome.accepted ? { verifiedFrames: result.frames.length, rejectedTasks: 0 } : { verifiedFrames: 0, rejectedTasks: settlement === 'banned' ? 1 : 0 })
    await this.jobs.save(next, changeOf(settlement, result.taskIndex, result.worker))
    if (settlement === 'completed') {
      this.log.info('job completed', { job: next.id })
      this.closer?.close(next.id)
      await this.notify(next.id, 'completed')
    }
  }
}
