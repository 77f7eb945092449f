// A simulated creator: the node's CreatorService itself (its job store,
// the announcer, bid admission off the gossip and carried by claims, the
// task protocol's handler with protocol/'s validators, lease expiry, the
// escrow lock, on-chain assignment, the chain's checker draw, settlement,
// reputation and the ledger closer), wired to the simulated world: gossip
// through the gossip model, the task protocol served over simulated RPC,
// its job store in memory, the chain through the real SigningLedger, time
// from the virtual clock and seeded random bytes. Its verifier is the
// simulator's (SimVerifier): it asks the checker the chain drew, or the
// one protocol/'s selection draws off chain, over simulated RPC, where the
// node's CheckedVerifier fetches frames and asks checkers over libp2p.
import type { Connection } from '@libp2p/interface'
import type { SigningLedger } from '../../node/ledger/dev/signing-ledger.ts'
import { silentLogger } from '../../node/log.ts'
import type { CommittedResult } from '../../node/roles/creator/committed-result.ts'
import type { CreatorComponents } from '../../node/roles/creator/components.ts'
import { CreatorService } from '../../node/roles/creator/creator-service.ts'
import type { FrameRecord } from '../../node/roles/creator/job-record.ts'
import type { Settlement } from '../../node/roles/creator/scheduler.ts'
import type { CheckContext, ResultOutcome, Verifier } from '../../node/roles/creator/verifier.ts'
import { CHECK_PROTOCOL, type JobSpec, TASK_PROTOCOL, toHex, validateJobSpec } from '../../protocol/index.ts'
import { memoryDb } from './memory-db.ts'
import type { ScenarioJob } from './scenario.ts'
import type { SimCheckRequest, SimVerdict } from './sim-checker.ts'
import type { SimGossip } from './sim-gossip.ts'
import type { SimRpc } from './sim-rpc.ts'
import type { VirtualClock } from './virtual-clock.ts'

/** The creator's lease, as a node's configured default. */
export const SIM_LEASE_MS = 60_000
const CHECK_TIMEOUT_MS = 120_000
const CHECK_RETRY_MS = 10_000

export interface SimCreatorInit {
  id: string
  seed: Uint8Array
  publicKey: Uint8Array
  random: () => number
  clock: VirtualClock
  gossip: SimGossip
  rpc: SimRpc
  ledger: SigningLedger
  /** The registered checkers' addresses by their keys (hex). */
  checkers: Map<string, string>
  /** The node id of the checker registered on chain at `address`. */
  checkerAt(address: string): string | undefined
  /** A checker and beacon for a commitment the chain does not draw for (protocol/'s selectCheckers over the registered checkers). */
  drawOffChain(result: CommittedResult): { beacon: string; checker: string } | undefined
  /** Each settled result: what the study counts. */
  onSettled(result: CommittedResult, outcome: ResultOutcome, settlement: Settlement): void
}

/** Ports the creator takes but does not use once its task server and verifier are given; any use is a bug here and says so. */
function unused<T extends object>(name: string, provided: Partial<T> = {}): T {
  return new Proxy(provided, {
    get(target, property) {
      // Symbols are what inspection and coercion ask for, never a port's method.
      if (property in target || typeof property === 'symbol') return target[property as keyof T]
      throw new Error(`the simulated creator has no ${name}.${String(property)}`)
    }
  }) as T
}

/** A scenario job as the creator submits it: the built-in renderer, a scene known by its blob id only. */
export function specOf(job: ScenarioJob, index: number): JobSpec {
  return validateJobSpec({ renderer: 'builtin', sceneBlob: toHex(new Uint8Array(32).fill(index + 1)), sceneSize: 1_000_000, frameStart: 1, frameEnd: job.frames, framesPerTask: job.framesPerTask, width: job.width, height: job.height, samples: job.samples, maxPrice: job.maxPrice })
}

export function simCreator(init: SimCreatorInit): CreatorService {
  const { clock, rpc } = init
  const never = new AbortController().signal
  const components: CreatorComponents = {
    identity: { seed: init.seed, publicKey: init.publicKey },
    // Announcements carry no addresses: simulated peers are reached by their ids.
    libp2p: unused<CreatorComponents['libp2p']>('libp2p', { getMultiaddrs: () => [] }),
    gossip: init.gossip,
    db: memoryDb(),
    // Scenes are not published to a remote store: workers are told the scene's blob id only.
    blobs: unused<CreatorComponents['blobs']>('blobs', { publish: async () => undefined }),
    ledger: init.ledger,
    api: unused<CreatorComponents['api']>('api'),
    logger: silentLogger,
    now: () => clock.now(),
    clock,
    // The handler reads only the caller's remotePeer, which the simulated connection carries.
    serveTasks: async (handler) => {
      rpc.serve(init.id, TASK_PROTOCOL, (request, from) => handler(request, from as Connection, never))
      return async () => rpc.unserve(init.id, TASK_PROTOCOL)
    },
    randomBytes: (size) => Uint8Array.from({ length: size }, () => Math.floor(init.random() * 256))
  }
  return new CreatorService(components, { leaseMs: SIM_LEASE_MS, verifier: new SimVerifier(init), onSettled: init.onSettled })
}

/** The creator's Verifier in the simulator: the checker the chain drew (or one drawn off chain) is asked until it answers. */
class SimVerifier implements Verifier {
  private readonly init: SimCreatorInit

  constructor(init: SimCreatorInit) {
    this.init = init
  }

  async knownCheckers(): Promise<string[]> {
    return [...this.init.checkers.keys()]
  }

  async verify(spec: JobSpec, result: CommittedResult, check: CheckContext): Promise<ResultOutcome> {
    const draw = check.chain ?? this.init.drawOffChain(result)
    if (draw === undefined) return { accepted: false, reason: 'no checker to draw', unavailable: true }
    const checker = this.init.checkerAt(draw.checker)
    if (checker === undefined) return { accepted: false, reason: `no simulated checker at ${draw.checker}`, unavailable: true }
    const request: SimCheckRequest = { commitment: Buffer.from(result.envelope).toString('base64'), beacon: draw.beacon, width: spec.width, height: spec.height, samples: spec.samples, framesPerTask: spec.framesPerTask, onChain: check.chain !== undefined }
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
