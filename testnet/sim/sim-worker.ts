// A simulated worker: the node's WorkerService itself (job table, bidding,
// offers, claim loops, lease keeping, the task runner and its commit),
// wired to the simulated world: gossip through the gossip model, task
// requests through simulated RPC, the chain through the real
// SigningLedger, time from the virtual clock, and its frames from the
// render model instead of a renderer on disk.
import { silentLogger } from '../../node/log.ts'
import type { SigningLedger } from '../../node/ledger/dev/signing-ledger.ts'
import type { Renderer, RendererCapabilities } from '../../node/renderers/types.ts'
import { memoryKv } from '../../node/roles/worker/kv.ts'
import { TASK_RPC_TIMEOUT_MS } from '../../node/roles/worker/task-client.ts'
import { WorkerService } from '../../node/roles/worker/worker-service.ts'
import { type Ed25519, type Hardware, TASK_PROTOCOL } from '../../protocol/index.ts'
import { type ModelWorker, modelFrames, type ProducedTask } from './render-model.ts'
import type { SimGossip } from './sim-gossip.ts'
import type { SimRpc } from './sim-rpc.ts'
import type { VirtualClock } from './virtual-clock.ts'

/** What a simulated worker says it is: the built-in renderer on a mid-size CPU. */
export const SIM_CAPABILITIES: RendererCapabilities = { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'] }
const SIM_HARDWARE: Hardware = { cpuModel: 'simulated', cpuCount: 8, gpuModel: '', gpuCount: 0, ramMib: 16_384, gpuVendor: '', gpuVramMib: 0 }

/** The renderer port's probe half: capabilities and the bench score. Frames come from the render model, so it is never asked to render. */
function probeOnly(benchScore: number): Renderer {
  const unused = () => Promise.reject(new Error('the simulator renders through its render model'))
  return { capabilities: async () => SIM_CAPABILITIES, benchmark: async () => benchScore, renderFrames: unused, renderCrop: unused, close: async () => {} }
}

export interface SimWorkerInit {
  id: string
  seed: Uint8Array
  publicKey: Uint8Array
  region: string
  price: number
  model: ModelWorker
  clock: VirtualClock
  gossip: SimGossip
  rpc: SimRpc
  ledger: SigningLedger
  ed: Ed25519
  onProduced(task: ProducedTask, startedMs: number): void
}

export function simWorker(init: SimWorkerInit): WorkerService {
  const { clock, rpc, ledger } = init
  return new WorkerService({
    identity: { seed: init.seed, publicKey: init.publicKey },
    settings: { slots: 1, price: init.price, region: init.region },
    gossip: init.gossip,
    peers: { peerIdOf: (publicKey) => rpc.peerOf(rpc.register(publicKey)), addAddresses: async () => {} },
    renderer: probeOnly(init.model.benchScore),
    frames: modelFrames(clock, init.model, init.onProduced),
    kv: memoryKv(),
    rpc: (peer, request) => rpc.call(init.id, peer.toString(), TASK_PROTOCOL, request, TASK_RPC_TIMEOUT_MS),
    ed: init.ed,
    hardware: SIM_HARDWARE,
    now: () => clock.now(),
    clock,
    logger: silentLogger,
    commitOnChain: async (jobId, taskIndex, merkleRoot) => void (await ledger.commitResult({ jobId, taskIndex, merkleRoot }))
  })
}
