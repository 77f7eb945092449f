// A simulated creator, composed from the creator role's own parts: the
// escrow lock and on-chain assignment (job-ledger.ts), the announcer, bid
// admission off the gossip and carried by claims (bid-intake.ts), the task
// protocol's handler (task-server.ts: claims, renewals, commitments, all
// through protocol/'s validators), lease expiry, the chain's checker draw
// and the scheduler's settlement. What the node adds around them (the
// LevelDB job store, the libp2p stream server, the HTTP API, fetching frames)
// is replaced by memory and simulated RPC; verification asks the checker the
// chain drew (sim-checker.ts).
import type { Connection } from '@libp2p/interface'
import { silentLogger } from '../../node/log.ts'
import type { SigningLedger } from '../../node/ledger/dev/signing-ledger.ts'
import { Announcer } from '../../node/roles/creator/announcer.ts'
import { admittingClaims, BidIntake } from '../../node/roles/creator/bid-intake.ts'
import type { CommittedResult } from '../../node/roles/creator/committed-result.ts'
import { assignOnChain, chainDraw, closeOnChain, lockEscrow } from '../../node/roles/creator/job-ledger.ts'
import type { FrameRecord, JobRecord } from '../../node/roles/creator/job-record.ts'
import { LeaseExpiry } from '../../node/roles/creator/lease-expiry.ts'
import { settleResult } from '../../node/roles/creator/scheduler.ts'
import { createTaskHandler } from '../../node/roles/creator/task-server.ts'
import type { ResultOutcome } from '../../node/roles/creator/verifier.ts'
import { announcementOf, CHECK_PROTOCOL, compileJob, newTaskState, ReplayGuard, TASK_PROTOCOL, type TaskState, toHex, validateJobSpec } from '../../protocol/index.ts'
import { suiAddressOf } from '../../node/ledger/dev/tx.ts'
import type { ScenarioJob } from './scenario.ts'
import type { SimCheckRequest, SimVerdict } from './sim-checker.ts'
import type { SimGossip } from './sim-gossip.ts'
import type { SimRpc } from './sim-rpc.ts'
import type { VirtualClock } from './virtual-clock.ts'

/** The creator's lease and announcement period, as a node's defaults. */
export const SIM_LEASE_MS = 60_000
const ANNOUNCE_EVERY_MS = 3_000
const CHECK_TIMEOUT_MS = 120_000
const CHECK_RETRY_MS = 10_000

export interface SimCreatorInit {
  id: string
  seed: Uint8Array
  publicKey: Uint8Array
  clock: VirtualClock
  gossip: SimGossip
  rpc: SimRpc
  ledger: SigningLedger
  /** The node id of the checker registered on chain at `address`. */
  checkerAt(address: string): string | undefined
  /** A checker and beacon for a commitment the chain does not hold (protocol/'s selectCheckers over the registered checkers). */
  drawOffChain(result: CommittedResult): { beacon: string; checker: string } | undefined
  /** Each settled result: what the study counts. */
  onSettled(result: CommittedResult, outcome: ResultOutcome, settlement: string): void
  onCompleted(job: JobRecord): void
}

export class SimCreator {
  readonly jobs = new Map<string, JobRecord>()
  private readonly init: SimCreatorInit
  private readonly announcer: Announcer
  private readonly expiry: LeaseExpiry
  private readonly bids: BidIntake
  /** Commitments whose task the chain would not assign: checked off chain (CreatorService's offChain). */
  private readonly offChain = new Set<string>()

  constructor(init: SimCreatorInit) {
    this.init = init
    const now = () => init.clock.now()
    const store = { get: (id: string) => this.jobs.get(id), list: () => [...this.jobs.values()], save: async (job: JobRecord) => void this.jobs.set(job.id, job) }
    this.bids = new BidIntake({ jobs: store, ledger: init.ledger, logger: silentLogger, now })
    this.announcer = new Announcer({ identity: init, libp2p: { getMultiaddrs: () => [] }, gossip: init.gossip, now, clock: init.clock, logger: silentLogger, jobs: store.list }, ANNOUNCE_EVERY_MS)
    this.expiry = new LeaseExpiry({ jobs: store.list, save: store.save, now, clock: init.clock, logger: silentLogger })
    const handler = createTaskHandler({
      identity: init,
      now,
      replay: new ReplayGuard(),
      leaseMs: SIM_LEASE_MS,
      job: store.get,
      save: store.save,
      onCommitted: (result) => void this.verify(result),
      beforeCommitReply: (job, task, worker) => this.assignOrCheckOffChain(job, task, worker)
    })
    const serve = admittingClaims(this.bids, handler)
    const never = new AbortController().signal
    // The handlers read only the caller's remotePeer, which the simulated connection carries.
    init.rpc.serve(init.id, TASK_PROTOCOL, (request, from) => serve(request, from as Connection, never))
    init.gossip.on('bids', (d) => this.bids.onBid(d))
  }

  start(): void {
    this.expiry.start()
    this.announcer.start()
  }

  stop(): void {
    this.expiry.stop()
    this.announcer.stop()
  }

  /** Locks the escrow, records the job and announces it, as CreatorService.submit does. */
  async submit(job: ScenarioJob, index: number): Promise<JobRecord> {
    const spec = validateJobSpec({ renderer: 'builtin', sceneBlob: toHex(new Uint8Array(32).fill(index + 1)), sceneSize: 1_000_000, frameStart: 1, frameEnd: job.frames, framesPerTask: job.framesPerTask, width: job.width, height: job.height, samples: job.samples, maxPrice: job.maxPrice })
    const nonce = new Uint8Array(16).fill(index + 1)
    const id = toHex(announcementOf(spec, { creatorPublicKey: this.init.publicKey, nonce, addrs: [], timestampMs: this.init.clock.now() }).jobId)
    const tasks = compileJob(spec)
    const ledger = await lockEscrow(this.init.ledger, id, spec, tasks.length)
    const record: JobRecord = { id, spec, nonce: toHex(nonce), createdMs: this.init.clock.now(), status: 'active', tasks: tasks.map(newTaskState), admitted: {}, frames: {}, paid: {}, pending: {}, banned: [], ledger }
    this.jobs.set(id, record)
    await this.announcer.announce(record)
    return record
  }

  /** As CreatorService.assignOnLedger: a task the chain will not assign (verified there for a worker excluded since) is checked off chain. */
  private async assignOrCheckOffChain(job: JobRecord, task: TaskState, worker: Uint8Array): Promise<void> {
    await assignOnChain(this.init.ledger, job.id, job.spec, task, worker, job.admitted[toHex(worker)]?.price ?? 0).catch(async () => {
      const held = await this.init.ledger.task(job.id, task.index).then((t) => t.state !== 'open' && t.worker === suiAddressOf(worker), () => false)
      if (!held) this.offChain.add(`${job.id}/${task.index}/${task.merkleRoot}`)
    })
  }

  private async verify(result: CommittedResult): Promise<void> {
    const job = this.jobs.get(result.jobId)
    if (job === undefined) return
    const outcome = await this.checkOnChain(job, result)
    const { job: next, settlement } = settleResult(this.jobs.get(result.jobId)!, result, outcome, this.init.clock.now())
    this.jobs.set(next.id, next)
    this.init.onSettled(result, outcome, settlement)
    if (settlement === 'completed') {
      this.init.onCompleted(next)
      void closeOnChain(this.init.ledger, next.id, { patienceMs: 600_000, now: () => this.init.clock.now(), clock: this.init.clock }).catch(() => {})
    }
  }

  /** The checker the chain drew for this commitment, asked until it answers. */
  private async checkOnChain(job: JobRecord, result: CommittedResult): Promise<ResultOutcome> {
    const offChain = this.offChain.delete(`${job.id}/${result.taskIndex}/${result.merkleRoot}`)
    const draw = offChain ? this.init.drawOffChain(result) : await chainDraw(this.init.ledger, job.id, result.taskIndex, result.merkleRoot, 60_000, this.init.clock)
    if (draw === undefined) return { accepted: false, reason: 'the worker did not commit on chain', unavailable: true }
    const checker = this.init.checkerAt(draw.checker)
    if (checker === undefined) return { accepted: false, reason: `no simulated checker at ${draw.checker}`, unavailable: true }
    const request: SimCheckRequest = { commitment: Buffer.from(result.envelope).toString('base64'), beacon: draw.beacon, width: job.spec.width, height: job.spec.height, samples: job.spec.samples, framesPerTask: job.spec.framesPerTask, onChain: !offChain }
    const bytes = new TextEncoder().encode(JSON.stringify(request))
    for (;;) {
      try {
        const reply = JSON.parse(new TextDecoder().decode(await this.init.rpc.call(this.init.id, checker, CHECK_PROTOCOL, bytes, CHECK_TIMEOUT_MS))) as SimVerdict & { error?: true }
        if (reply.error) return { accepted: false, reason: reply.reason, unavailable: true }
        if (!reply.accepted) return { accepted: false, reason: reply.reason }
        const frames: Record<string, FrameRecord> = {}
        for (const f of result.frames) frames[f.frame] = { blobId: toHex(f.blobId), pixelHash: toHex(f.pixelHash), worker: result.worker, checkedBy: [checker], size: f.size }
        return { accepted: true, frames, checkedBy: [checker] }
      } catch {
        await this.init.clock.sleep(CHECK_RETRY_MS)
      }
    }
  }
}
