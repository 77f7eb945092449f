// A pictor node: opens the data dir's LevelDB, starts the libp2p host, gossip
// and the local API, then the role's services; stops them in reverse order.
import { rm } from 'node:fs/promises'
import { Level } from 'level'
import { type Clock, systemClock } from './clock.ts'
import { nodeEd25519 } from './identity/ed25519.ts'
import { type NodeIdentity, identityFromSeed } from './identity/keys.ts'
import { ReplayGuard } from '../protocol/index.ts'
import { ApiServer } from './api/server.ts'
import { registerDashboard } from './dashboard/index.ts'
import { registerExplorer } from './dashboard/explorer/index.ts'
import { registerOperatorApi } from './dashboard/operator-api.ts'
import { createLocalBlobStore, createNetworkedBlobStore, type LocalBlobStore, type NetworkedBlobStore } from './blobs/index.ts'
import type { WalrusBlobs } from './blobs/walrus/index.ts'
import { MetricsRegistry } from './metrics/index.ts'
import type { NodeConfig } from './config/config.ts'
import { createLedger, type Ledger } from './ledger/index.ts'
import type { CursorStore } from './ledger/sui/follower.ts'
import { type Logger, createLogger } from './log.ts'
import { FloodPenalties } from './net/flood-penalties.ts'
import { GossipService } from './net/gossip.ts'
import { createHost, type PictorLibp2p } from './net/host.ts'
import { writeFileAtomic } from './store/atomic-file.ts'
import type { OpenedDataDir } from './store/data-dir.ts'
import { type LedgerRegistration, peerList, blobBackendOf, statusOf } from './node-status.ts'

export type NodeDb = Level<string, unknown>

/** A long-lived part of a node (a role, the blob service...). */
export interface NodeService {
  start(): Promise<void> | void
  stop(): Promise<void> | void
}

export interface NodeContext {
  identity: NodeIdentity
  config: NodeConfig
  dataDir: OpenedDataDir
  libp2p: PictorLibp2p
  gossip: GossipService
  api: ApiServer
  db: NodeDb
  /** Local content-addressed store that fetches missing blobs from peers. */
  blobs: NetworkedBlobStore
  /** The ledger (escrow, stake, settlement), when configured. */
  ledger?: Ledger
  /** Kept current by the ledger-account service; read by /api/status. */
  registration: LedgerRegistration
  metrics: MetricsRegistry
  logger: Logger
  now: () => number
  /** Timers and sleeps for the roles (the system clock; a simulator passes its virtual one). */
  clock: Clock
}

/** Builds the role's services once the shared parts are up. */
export type ServiceFactory = (ctx: NodeContext) => Promise<NodeService[]> | NodeService[]

export interface PictorNodeInit {
  dataDir: OpenedDataDir
  config: NodeConfig
  logger?: Logger
  services?: ServiceFactory
  now?: () => number
  clock?: Clock
}

/** The Walrus backend the settings describe, beside the local store (sha256 -> Walrus ref kept in LevelDB); its code loads only for a node that uses it. */
async function walrusBlobsOf(config: NodeConfig, local: LocalBlobStore, db: NodeContext['db'], logger: Logger): Promise<WalrusBlobs> {
  const { WalrusBlobs, WalrusHttpClient, warmBlobIds } = await import('./blobs/walrus/index.ts')
  // Reads fail over to peers after ~20 s of a silent aggregator; stores wait longer (a publisher certifies before answering).
  const client = new WalrusHttpClient({ publisherUrl: config.walrusPublisher, aggregatorUrl: config.walrusAggregator, epochs: config.walrusEpochs, readTimeoutMs: 10_000, readRetries: 1, logger })
  const index = db.sublevel<string, string>('walrus', { valueEncoding: 'utf8' })
  warmBlobIds()
  return new WalrusBlobs({ client, local, shards: config.walrusShards, maxPartBytes: config.walrusPartMib * 1024 * 1024, index, logger })
}

export class PictorNode {
  private readonly init: PictorNodeInit
  private ctx?: NodeContext
  private services: NodeService[] = []
  private readonly startedAt = Date.now()

  constructor(init: PictorNodeInit) {
    this.init = init
  }

  get context(): NodeContext {
    if (!this.ctx) throw new Error('node is not started')
    return this.ctx
  }

  async start(): Promise<void> {
    const { dataDir, config } = this.init
    const logger = this.init.logger ?? createLogger('pictor', { level: config.logLevel })
    const clock = this.init.clock ?? systemClock
    const now = this.init.now ?? (() => clock.now())
    const identity = await identityFromSeed(dataDir.seed)
    // A ledger setting that does not hold is one line before anything opens (LevelDB opens as soon as it is built), registers or listens.
    let opened: NodeDb | undefined
    const cursorsOf = (): CursorStore => opened!.sublevel('ledger-cursors', { valueEncoding: 'json' })
    const cursors: CursorStore = { get: (key) => cursorsOf().get(key), batch: (operations) => cursorsOf().batch(operations) }
    const ledger = await createLedger(config, dataDir.seed, { cursors, logger: logger.child('ledger') })
    const db: NodeDb = new Level(dataDir.paths.db, { valueEncoding: 'json' })
    await db.open()
    opened = db
    try {
      await ledger?.start?.()
    } catch (err) {
      await db.close()
      throw err
    }
    const metrics = new MetricsRegistry()
    // Gossip charges peers that flood it; the host's peer score reads the charges (SPEC R36).
    const penalties = new FloodPenalties({ now })
    const libp2p = await createHost({
      privateKey: identity.privateKey,
      listen: config.listen,
      bootstrap: config.bootstrap,
      localTestnet: config.localTestnet,
      appScore: (peer) => penalties.score(peer)
    })
    const gossip = new GossipService({
      libp2p,
      ed: nodeEd25519,
      replay: new ReplayGuard(),
      now,
      metrics,
      logger: logger.child('gossip'),
      penalties
    })
    const api = new ApiServer({ token: dataDir.token, port: config.apiPort, metrics, logger: logger.child('api') })
    const local = await createLocalBlobStore({ dir: dataDir.paths.root, index: db.sublevel<string, string>('blobs', { valueEncoding: 'utf8' }), logger: logger.child('blobs') })
    const remote = config.blobs === 'walrus' ? await walrusBlobsOf(config, local, db, logger.child('walrus')) : undefined
    const blobs = createNetworkedBlobStore({ libp2p, local, remote, logger: logger.child('blobs') })
    const registration: LedgerRegistration = { state: 'not registered: not tried yet' }
    const ctx: NodeContext = { identity, config, dataDir, libp2p, gossip, api, db, blobs, ledger, registration, metrics, logger, now, clock }
    this.ctx = ctx
    metrics.collect('pictor_peers', 'Open peer connections', () => libp2p.getConnections().length)
    metrics.collect('process_resident_memory_bytes', 'Resident set size', () => process.memoryUsage.rss())
    metrics.collect('nodejs_heap_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed)
    metrics.collect('nodejs_heap_total_bytes', 'V8 heap reserved', () => process.memoryUsage().heapTotal)
    metrics.collect('nodejs_external_bytes', 'Memory of C++ objects bound to JavaScript objects, buffers included', () => process.memoryUsage().external)
    api.route('GET', '/api/status', async () => ({ ...statusOf(ctx, this.startedAt), blobs: await blobBackendOf(ctx) }))
    api.route('GET', '/api/peers', () => peerList(ctx))
    // The dashboard's files are read while the blob store and the roles start, not before them: each
    // read is a turn of the event loop, and in a busy one (a swarm starting in one process) every turn is slow.
    const dashboard = registerDashboard(api)
    dashboard.catch(() => {})
    registerExplorer(api, { seen: gossip.seen, ledger, now })
    registerOperatorApi(ctx, this.startedAt)
    gossip.start()
    await blobs.start()
    // An unreachable blob backend is worth one line at start; the node still serves what it can.
    void blobBackendOf(ctx).then((b) => {
      if (!b.ok) logger.warn(`blob backend ${b.backend} does not answer: ${b.detail}`)
    })
    this.services = (await this.init.services?.(ctx)) ?? []
    for (const service of this.services) await service.start()
    await dashboard
    await api.start()
    await writeFileAtomic(dataDir.paths.api, JSON.stringify({ url: api.url, pid: process.pid, peerId: identity.peerId }) + '\n', { mode: 0o600, durable: false })
    logger.info('node started', { role: config.role, peerId: identity.peerId, addrs: libp2p.getMultiaddrs().map(String), api: api.url })
  }

  async stop(): Promise<void> {
    const ctx = this.ctx
    if (!ctx) return
    this.ctx = undefined
    await rm(ctx.dataDir.paths.api, { force: true })
    await ctx.api.stop()
    for (const service of [...this.services].reverse()) {
      await Promise.resolve(service.stop()).catch((err) => ctx.logger.warn('service stop failed', { err }))
    }
    ctx.gossip.stop()
    await ctx.blobs.stop()
    await ctx.libp2p.stop()
    await ctx.ledger?.stop?.()
    await ctx.db.close()
    ctx.logger.info('node stopped')
  }
}
