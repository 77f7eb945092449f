// The worker role: listens for job announcements and offers, bids on jobs
// it can serve, advertises itself, and runs one claim loop per slot.
// Everything it talks to is passed in (WorkerComponents), so tests can run
// it with fakes; index.ts builds the real components from a NodeContext.
import { type Clock, type ClockTimer, systemClock } from '../../clock.ts'
import type { PeerId } from '@libp2p/interface'
import { type Ed25519, type Hardware, type Lease, signEnvelope, toHex, type WorkerOffer } from '../../../protocol/index.ts'
import type { Logger } from '../../log.ts'
import type { GossipDelivery, GossipService } from '../../net/gossip.ts'
import type { NodeService } from '../../node.ts'
import type { Renderer, RendererCapabilities } from '../../renderers/types.ts'
import { cachedBenchScore } from './bench.ts'
import { bidPayload, shouldBid } from './bidding.ts'
import { ClaimLoops, type RunHooks } from './claim-loop.ts'
import { JobTable, type KnownJob } from './job-table.ts'
import type { WorkerKv } from './kv.ts'
import type { GpuInfo } from './gpus.ts'
import { withGpus } from './hardware.ts'
import { OfferBook, OfferPublisher, type OfferSelf } from './offers.ts'
import { type SceneBlobSource, SceneCache } from './scene-cache.ts'
import { estimatedEarningsPerHour, referenceFramesPerHour, type SettingsChange, type WorkerSettings } from './settings.ts'
import { TaskClient, type TaskRpc } from './task-client.ts'
import { TaskLog, type TaskRecord, type TaskSnapshot } from './task-log.ts'
import type { FrameTamper } from './frame-tamper.ts'
import { type DiskFrameDeps, diskFrames, type FrameProducer } from './disk-frames.ts'
import { WorkerError } from './errors.ts'
import { runTask, type TaskRunnerDeps } from './task-runner.ts'

export interface WorkerComponents {
  identity: { seed: Uint8Array; publicKey: Uint8Array }
  settings: { slots: number; price: number; region: string }
  gossip: Pick<GossipService, 'on' | 'publish'> & Partial<Pick<GossipService, 'onJoin'>>
  /** Turns an envelope key into a PeerId and makes the creator's addresses dialable. */
  peers: { peerIdOf(publicKey: Uint8Array): PeerId; addAddresses(peer: PeerId, addrs: string[]): Promise<void> }
  /** Its capabilities and bench score go into offers and bids; it renders through the default frame producer. */
  renderer: Renderer
  /** How a lease becomes stored frames; default diskFrames over the renderer, `blobs` and `workDir`. */
  frames?: FrameProducer
  /** Scenes are fetched from it and frames stored in it; needed without `frames`. */
  blobs?: SceneBlobSource & DiskFrameDeps['blobs']
  kv: WorkerKv
  rpc: TaskRpc
  ed: Ed25519
  /** CPU and memory; GPUs are added at start from detectGpus and the renderer's devices. */
  hardware: Hardware
  /** The OS's GPUs (gpus.ts); none when absent (tests inject hardware as it is). */
  detectGpus?: () => Promise<GpuInfo[]>
  /** Scratch root: scenes and per-task folders go below it; needed without `frames`. */
  workDir?: string
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  logger: Logger
  /** Test knobs. */
  offerIntervalMs?: number
  renewEveryMs?: number
  /** Research seam (frame-tamper.ts), never set by production config. */
  tamper?: FrameTamper
  commitOnChain?: TaskRunnerDeps['commitOnChain']
}

/** A notAdmitted reply from every slot should not turn into one bid each. */
const MIN_REBID_MS = 1_000
const PRUNE_EVERY_MS = 30_000

export class WorkerService implements NodeService {
  readonly jobs = new JobTable()
  readonly offers = new OfferBook()
  readonly tasks: TaskLog
  private readonly c: WorkerComponents
  private readonly log: Logger
  private readonly client: TaskClient
  private readonly scenes?: SceneCache
  private readonly loops: ClaimLoops
  private readonly publisher: OfferPublisher
  private readonly declined = new Set<string>()
  private caps?: RendererCapabilities
  /** What offers and bids declare: components' hardware with the GPUs found at start. */
  private hardware: Hardware
  private benchScore = 0
  /** Starts at the configured price; `changeSettings` moves it while the worker runs. */
  private price: number
  private running = false
  private subscribed = false
  private pruneTimer?: ClockTimer
  private startup = new AbortController()

  constructor(components: WorkerComponents) {
    const c = components
    this.c = c
    this.log = c.logger
    this.price = c.settings.price
    this.hardware = c.hardware
    this.tasks = new TaskLog({ kv: c.kv, logger: c.logger })
    this.client = new TaskClient({ ed: c.ed, seed: c.identity.seed, publicKey: c.identity.publicKey, rpc: c.rpc, now: c.now })
    let frames = c.frames
    if (frames === undefined) {
      if (c.blobs === undefined || c.workDir === undefined) throw new WorkerError('NO_BLOB_STORE', 'the worker needs a blob store and a work folder to render on disk')
      this.scenes = new SceneCache({ blobs: c.blobs, dir: `${c.workDir}/scenes`, logger: c.logger })
      frames = diskFrames({ renderer: c.renderer, blobs: c.blobs, scenes: this.scenes, workDir: `${c.workDir}/tasks`, logger: c.logger, tamper: c.tamper })
    }
    const runner: TaskRunnerDeps = {
      client: this.client,
      frames,
      now: c.now,
      clock: c.clock,
      logger: c.logger,
      renewEveryMs: c.renewEveryMs,
      commitOnChain: c.commitOnChain
    }
    this.loops = new ClaimLoops({
      slots: c.settings.slots,
      jobs: this.jobs,
      client: this.client,
      run: (job, lease, signal, hooks) => this.run(runner, job, lease, signal, hooks),
      rebid: (job) => void this.bid(job),
      bidFor: (job) => this.signedBid(job),
      now: c.now,
      clock: c.clock,
      logger: c.logger
    })
    this.publisher = new OfferPublisher({
      sign: (offer: WorkerOffer) => signEnvelope(c.ed, c.identity.seed, 'WorkerOffer', offer),
      publish: (bytes) => c.gossip.publish('offers', bytes),
      self: () => this.self(),
      kv: c.kv,
      now: c.now,
      clock: c.clock,
      logger: c.logger,
      intervalMs: c.offerIntervalMs,
      onJoin: (listener) => c.gossip.onJoin?.('offers', listener)
    })
  }

  async start(): Promise<void> {
    this.startup = new AbortController()
    this.caps = await this.c.renderer.capabilities()
    // A failed probe costs the offer its GPU description, never the worker its start.
    const gpus = await this.c.detectGpus?.().catch((err: unknown) => void this.log.warn('GPU detection failed', { err }))
    this.hardware = withGpus(this.c.hardware, gpus ?? [], this.caps.gpus)
    this.benchScore = await cachedBenchScore(this.c.kv, this.c.renderer, this.caps, { now: this.c.now, logger: this.log, signal: this.startup.signal })
    await this.scenes?.start()
    await this.tasks.load()
    this.running = true
    // GossipService has no off(): subscribe once, and let `running` gate delivery.
    if (!this.subscribed) {
      this.subscribed = true
      this.c.gossip.on('jobs', (d) => this.onAnnouncement(d))
      this.c.gossip.on('offers', (d) => this.onOffer(d))
    }
    this.loops.start()
    await this.publisher.start()
    this.pruneTimer = (this.c.clock ?? systemClock).setInterval(() => this.jobs.prune(this.c.now()), PRUNE_EVERY_MS)
    this.log.info('worker started', { renderer: `${this.caps.name} ${this.caps.version}`, devices: this.caps.devices, gpus: this.hardware.gpuCount, benchScore: this.benchScore, slots: this.c.settings.slots, price: this.price })
  }

  async stop(): Promise<void> {
    this.running = false
    this.startup.abort(new Error('worker stopping'))
    this.pruneTimer?.cancel()
    await this.loops.stop()
    await this.publisher.stop()
    await this.scenes?.stop()
  }

  settings(): WorkerSettings {
    const { price } = this
    const { slots, region } = this.c.settings
    const stats = this.offers.stats(this.c.now())
    return {
      ownPrice: price,
      networkAverageBid: stats.averagePrice,
      offersSeen: stats.offersSeen,
      benchScore: this.benchScore,
      slots,
      freeSlots: this.freeSlots(),
      referenceFramesPerHour: Math.round(referenceFramesPerHour(this.benchScore) * 100) / 100,
      estimatedEarningsPerHour: estimatedEarningsPerHour(price, this.benchScore, slots),
      renderer: this.caps ?? null,
      region,
      jobsKnown: this.jobs.size
    }
  }

  /**
   * A new price goes out in an offer at once and in a fresh bid on every
   * known job whose cap allows it (the creator's admission takes the new
   * price for leases from then on). A job capped below it is dropped; jobs
   * passed over for their cap get another look at their next announcement.
   */
  async changeSettings(change: SettingsChange): Promise<WorkerSettings> {
    if (change.price !== this.price) {
      this.log.info('price changed', { from: this.price, to: change.price })
      this.price = change.price
      this.declined.clear()
      const now = this.c.now()
      const bids: Promise<void>[] = []
      for (const job of this.jobs.list()) {
        if (job.announcement.maxPrice < this.price) {
          this.jobs.forget(job.id, now, 0)
          continue
        }
        job.lastBidMs = undefined
        bids.push(this.bid(job))
      }
      await Promise.all([this.publisher.update(), ...bids])
    }
    return this.settings()
  }

  taskSnapshot(limit?: number): TaskSnapshot {
    return this.tasks.snapshot(limit)
  }

  freeSlots(): number {
    return Math.max(0, this.c.settings.slots - this.loops.busySlots)
  }

  private self(): OfferSelf {
    if (this.caps === undefined) throw new Error('worker not started')
    const { slots, region } = this.c.settings
    return { capabilities: this.caps, hardware: this.hardware, benchScore: this.benchScore, price: this.price, slots, freeSlots: this.freeSlots(), region }
  }

  private async onAnnouncement(delivery: GossipDelivery<'jobs'>): Promise<void> {
    if (!this.running || this.caps === undefined) return
    const announcement = delivery.envelope.payload
    const id = toHex(announcement.jobId)
    const now = this.c.now()
    if (this.jobs.get(id) === undefined) {
      if (this.declined.has(id) || this.jobs.isForgotten(id, now)) return
      const decision = shouldBid(announcement, { capabilities: this.caps, price: this.price, benchScore: this.benchScore, hardware: this.hardware, region: this.c.settings.region }, now)
      if (!decision.bid) {
        // Announcements repeat every few seconds; say why we pass only once.
        if (this.declined.size >= 4096) this.declined.clear()
        this.declined.add(id)
        this.log.debug('not bidding', { job: id, reason: decision.reason })
        return
      }
    }
    const publicKey = delivery.envelope.publicKey
    const seen = this.jobs.observe(id, announcement, { publicKey, peerId: this.c.peers.peerIdOf(publicKey) }, now)
    if (seen === undefined || !seen.isNew) return
    await this.c.peers.addAddresses(seen.job.creator.peerId, announcement.addrs)
    this.log.info('bidding on job', { job: id, renderer: announcement.renderer, frames: announcement.frameEnd - announcement.frameStart + 1, maxPrice: announcement.maxPrice })
    // A claim carries its own copy of the bid: the slots need not wait for the gossip one to go out.
    const bidding = this.bid(seen.job)
    this.loops.wake()
    await bidding
  }

  private onOffer(delivery: GossipDelivery<'offers'>): void {
    if (!this.running) return
    this.offers.record(toHex(delivery.envelope.publicKey), delivery.envelope.payload, this.c.now())
  }

  private async bid(job: KnownJob): Promise<void> {
    const now = this.c.now()
    if (job.lastBidMs !== undefined && now - job.lastBidMs < MIN_REBID_MS) return
    const bid = this.signedBid(job)
    if (bid === undefined) return
    job.lastBidMs = now
    try {
      await this.c.gossip.publish('bids', bid)
    } catch (err) {
      this.log.warn('bid not published', { job: job.id, err })
    }
  }

  /** Our Bid envelope for the job, fresh (the gossip's and a claim's alike); undefined when the job's cap is under our price. */
  private signedBid(job: KnownJob): Uint8Array | undefined {
    // The creator refuses a bid over the job's cap; after a price rise, a re-bid could be one.
    if (job.announcement.maxPrice < this.price) return undefined
    const payload = bidPayload({ jobId: job.announcement.jobId, price: this.price, benchScore: this.benchScore, slots: this.c.settings.slots, hardware: this.hardware, region: this.c.settings.region, timestampMs: this.c.now() })
    return signEnvelope(this.c.ed, this.c.identity.seed, 'Bid', payload)
  }

  private async run(runner: TaskRunnerDeps, job: KnownJob, lease: Lease, signal: AbortSignal, hooks: RunHooks) {
    // The history record is written beside the render, not before it: the renderer starts at once.
    let record: TaskRecord | undefined
    const begun = this.tasks.begin(lease, job.announcement, this.c.now()).then((r) => (record = r))
    this.log.info('task leased', { job: job.id, taskIndex: lease.taskIndex, frames: `${lease.frameStart}-${lease.frameEnd}` })
    // A slot just filled: the offer says so (debounced, and not at all if the slot frees first).
    void this.publisher.update()
    const outcome = await runTask(runner, job, lease, {
      signal,
      keeper: hooks.keeper,
      onRendered: hooks.onRendered,
      onProgress: (update) => {
        if (record !== undefined) {
          record.status = update.phase
          record.framesDone = update.framesDone
        }
        hooks.onProgress(update)
      }
    })
    await this.tasks.finish(await begun, outcome, this.c.now())
    void this.publisher.update()
    return outcome
  }
}
