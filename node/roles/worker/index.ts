// The worker role's public surface. createWorkerServices builds the worker
// from a NodeContext; the renderer, blob store, task RPC and persistence can
// be injected (tests pass fakes), everything else comes from the context.
import { join } from 'node:path'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { Hardware } from '../../../protocol/index.ts'
import { nodeEd25519 } from '../../identity/ed25519.ts'
import { HttpError } from '../../api/server.ts'
import type { NodeContext, NodeService } from '../../node.ts'
import { createBuiltinRenderer } from '../../renderers/builtin/index.ts'
import { lazyRenderer } from '../../renderers/lazy-renderer.ts'
import type { Renderer } from '../../renderers/types.ts'
import { ChainCommits } from './chain-commits.ts'
import { WorkerError } from './errors.ts'
import type { FrameTamper } from './frame-tamper.ts'
import { detectGpus } from './gpus.ts'
import { detectHardware } from './hardware.ts'
import { registerHardwareApi } from './hardware-api.ts'
import type { WorkerKv } from './kv.ts'
import { parseSettingsChange } from './settings.ts'
import { libp2pTaskRpc, type TaskRpc } from './task-client.ts'
import { parseTaskLimit } from './task-log.ts'
import { type WorkerComponents, WorkerService } from './worker-service.ts'

export { type BidDecision, type BidderProfile, bidPayload, shouldBid } from './bidding.ts'
export { CLAIM_BACKOFF } from './claim-loop.ts'
export { WorkerError, type WorkerErrorCode } from './errors.ts'
export type { FrameTamper, FrameTamperJob } from './frame-tamper.ts'
export { type DetectedGpus, detectGpus, type GpuInfo, type GpuProbe, type GpuSource, parseLspci, parseNvidiaSmi, parseProcNvidiaInformation } from './gpus.ts'
export { detectHardware, gpuFields, withGpus } from './hardware.ts'
export { type CreatorRef, JobTable, type KnownJob } from './job-table.ts'
export { memoryKv, type WorkerKv } from './kv.ts'
export { buildOfferPayload, nextOfferSeq, OfferBook, type OfferSelf, type OfferStats } from './offers.ts'
export { estimatedEarningsPerHour, parseSettingsChange, referenceFramesPerHour, type SettingsChange, type WorkerSettings } from './settings.ts'
export { libp2pTaskRpc, type TaskAnswer, TaskClient, type TaskRpc } from './task-client.ts'
export { parseTaskLimit, TASK_HISTORY_KEEP, type TaskRecord, type TaskSnapshot } from './task-log.ts'
export { runTask, type TaskOutcome, type TaskRunnerDeps } from './task-runner.ts'
export { type WorkerComponents, WorkerService } from './worker-service.ts'

/** What tests (or a future Blender wiring) may supply instead of the defaults. */
export interface WorkerDeps {
  /** Default: the built-in renderer with `config.threads` threads, closed when the worker stops. A given renderer is the caller's to close. */
  renderer?: Renderer
  /** Default: ctx.blobs (fetches scenes from the creator, serves our frames). */
  blobs?: WorkerComponents['blobs']
  /** Default: one request per stream on /pictor/task/1.0.0 via ctx.libp2p. */
  rpc?: TaskRpc
  /** Default: the `worker` sublevel of ctx.db. */
  kv?: WorkerKv
  hardware?: Hardware
  offerIntervalMs?: number
  renewEveryMs?: number
  /** Research seam, never set by production config: the adversarial testnet's cheating worker (frame-tamper.ts). */
  tamper?: FrameTamper
}

export function createWorkerServices(ctx: NodeContext, deps: WorkerDeps = {}): NodeService[] {
  const logger = ctx.logger.child('worker')
  const renderer = deps.renderer ?? defaultRenderer(ctx)
  const blobs = deps.blobs ?? ctx.blobs
  if (blobs === undefined) throw new WorkerError('NO_BLOB_STORE', 'the worker needs a blob store (ctx.blobs)')
  const ledger = ctx.ledger
  const chainCommits = ledger === undefined ? undefined : new ChainCommits({ commit: async (jobId, taskIndex, merkleRoot) => void (await ledger.commitResult({ jobId, taskIndex, merkleRoot })), logger, now: ctx.now })
  const worker = new WorkerService({
    identity: ctx.identity,
    settings: { slots: ctx.config.slots, price: ctx.config.price, region: ctx.config.region },
    gossip: ctx.gossip,
    peers: {
      peerIdOf: (publicKey) => peerIdFromPublicKey(publicKeyFromRaw(publicKey)),
      addAddresses: (peer, addrs) => addCreatorAddresses(ctx, peer, addrs)
    },
    renderer,
    blobs,
    kv: deps.kv ?? ctx.db.sublevel<string, unknown>('worker', { valueEncoding: 'json' }),
    rpc: deps.rpc ?? libp2pTaskRpc(ctx.libp2p),
    ed: nodeEd25519,
    hardware: deps.hardware ?? detectHardware(),
    // Injected hardware is taken as it is, GPUs included.
    detectGpus: deps.hardware === undefined ? async () => (await detectGpus()).gpus : undefined,
    workDir: join(ctx.dataDir.paths.work, 'worker'),
    now: ctx.now,
    clock: ctx.clock,
    logger,
    offerIntervalMs: deps.offerIntervalMs,
    renewEveryMs: deps.renewEveryMs,
    tamper: deps.tamper,
    commitOnChain: chainCommits === undefined ? undefined : async (jobId, taskIndex, merkleRoot) => void (await chainCommits.commit(jobId, taskIndex, merkleRoot))
  })
  if (deps.tamper) logger.warn('CHEATING WORKER: a frame tamper rewrites its frames (adversarial testnet only)')
  ctx.api.route('GET', '/api/worker/settings', () => worker.settings())
  ctx.api.route('POST', '/api/worker/settings', ({ body }) => worker.changeSettings(httpInput(() => parseSettingsChange(body))))
  ctx.api.route('GET', '/api/worker/tasks', ({ query }) => worker.taskSnapshot(httpInput(() => parseTaskLimit(query.get('limit')))))
  registerHardwareApi({ api: ctx.api, given: deps.hardware, rendererGpus: () => worker.settings().renderer?.gpus })
  const ownsRenderer = deps.renderer === undefined
  return [
    {
      start: () => worker.start(),
      async stop() {
        chainCommits?.stop()
        await worker.stop()
        if (ownsRenderer) await renderer.close()
      }
    }
  ]
}

/** Bad API input is the caller's: a 400 with the one line that says why. */
function httpInput<T>(parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    if (err instanceof WorkerError && err.code === 'BAD_INPUT') throw new HttpError(400, err.message)
    throw err
  }
}

function defaultRenderer(ctx: NodeContext): Renderer {
  // threads 0 means "the renderer's default" (cores - 1).
  const threads = ctx.config.threads > 0 ? ctx.config.threads : undefined
  const logger = ctx.logger.child('renderer')
  if (ctx.config.renderer === 'blender') {
    const cacheDir = ctx.dataDir.paths.work
    return lazyRenderer(async () => (await import('../../renderers/blender/index.ts')).createBlenderRenderer({ threads, logger, cacheDir }))
  }
  return createBuiltinRenderer({ threads, logger })
}

/** P2P_CODE: the /p2p/<peer id> component, which the peer store keys separately. */
const P2P_CODE = 421

/** Makes the announcement's addresses dialable; a malformed one is skipped, not fatal. */
async function addCreatorAddresses(ctx: NodeContext, peer: PeerId, addrs: string[]): Promise<void> {
  const usable: Multiaddr[] = []
  for (const text of addrs) {
    try {
      const ma = multiaddr(text)
      const named = ma.getComponents().find((c) => c.code === P2P_CODE)?.value
      // An address for another peer is not the creator's: skip it.
      if (named !== undefined && named !== peer.toString()) continue
      usable.push(ma.decapsulateCode(P2P_CODE))
    } catch {
      ctx.logger.debug('skipping malformed creator address', { addr: text })
    }
  }
  if (usable.length === 0) return
  await ctx.libp2p.peerStore.merge(peer, { multiaddrs: usable }).catch((err) => ctx.logger.debug('peer store merge failed', { err }))
}
