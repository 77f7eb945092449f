// Start-up and idle cost of a swarm in one process: 1 creator + N-1 workers
// (default 51 nodes, `node scripts/bench/swarm-start.ts 21` for another
// size), full pictor nodes with the production role services, against N
// bare hosts (createHost: the same libp2p services, identify, ping,
// gossipsub and kad-dht, and the same gossip topics) started the same way
// in the same run (lib/swarm.ts: same bootstrap lists, batches, mesh wait).
//   startMs            every node's start() resolved (fresh data dirs included)
//   meshMs             then until every node has its gossip mesh
//   idleCpuPerNodePct  process CPU over IDLE_MS after that, per node, in % of a core
// Workers render with the synthetic renderer: its bench score is fixed, as a
// worker's cached score is on every start after its first
// (node/roles/worker/bench.ts), so no start here runs a benchmark render.
import type { NodeContext } from '../../node/node.ts'
import { roleServicesWith } from '../../node/roles/index.ts'
import { seededRandom } from '../../testnet/seeded-random.ts'
import { sleep } from './lib/hosts.ts'
import { progress, runBench } from './lib/report.ts'
import { round } from './lib/stats.ts'
import { type SwarmNodeSpec, type SwarmTimes, startBareSwarm, startPictorSwarm } from './lib/swarm.ts'
import { syntheticRenderer } from './lib/synthetic-renderer.ts'

const BENCH = 'swarm-start'
const NODES = process.argv[2] === undefined ? 51 : Number(process.argv[2])
/** The idle window; the goal asks for at least 20 s. */
const IDLE_MS = 20_000
const MESH_TIMEOUT_MS = 30_000
const SEED = 11

interface Started extends SwarmTimes {
  connections(): number[]
  stop(): Promise<void>
}

interface Measured extends SwarmTimes {
  /** Process CPU from the first start to every mesh formed. */
  startCpuMs: number
  idleCpuPerNodePct: number
  idleEventLoopUtilization: number
  /** Open connections per node at the end of the idle window. */
  connectionsPerNode: number
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000

async function measure(name: string, start: () => Promise<Started>): Promise<Measured> {
  const cpu0 = process.cpuUsage()
  const swarm = await start()
  try {
    const startCpuMs = Math.round(cpuMs(process.cpuUsage(cpu0)))
    progress(BENCH, `${name}: ${NODES} up in ${swarm.startMs} ms, gossip mesh ${swarm.meshFormed ? 'formed' : 'NOT formed'} after ${swarm.meshMs} ms; idling ${IDLE_MS / 1000} s`)
    const cpu1 = process.cpuUsage()
    const elu1 = performance.eventLoopUtilization()
    const idleStart = performance.now()
    await sleep(IDLE_MS)
    const idleMs = performance.now() - idleStart
    const connections = swarm.connections()
    return {
      startMs: swarm.startMs,
      meshMs: swarm.meshMs,
      meshFormed: swarm.meshFormed,
      startCpuMs,
      idleCpuPerNodePct: round((100 * cpuMs(process.cpuUsage(cpu1))) / idleMs / NODES, 2),
      idleEventLoopUtilization: round(performance.eventLoopUtilization(elu1).utilization, 3),
      connectionsPerNode: round(connections.reduce((a, b) => a + b, 0) / connections.length, 1)
    }
  } finally {
    await swarm.stop()
  }
}

function pictorSpecs(count: number): SwarmNodeSpec[] {
  const specs: SwarmNodeSpec[] = [{ role: 'creator', services: roleServicesWith() }]
  for (let i = 1; i < count; i++) {
    specs.push({ role: 'worker', services: (ctx: NodeContext) => roleServicesWith({ worker: { renderer: syntheticRenderer({ frameMs: 20 }) } })(ctx) })
  }
  return specs
}

await runBench(BENCH, async () => {
  if (!Number.isInteger(NODES) || NODES < 2) throw new Error(`nodes must be an integer >= 2, got ${process.argv[2]}`)
  const options = { meshTimeoutMs: MESH_TIMEOUT_MS }
  const bare = await measure('bare hosts', async () => {
    const swarm = await startBareSwarm(NODES, { ...options, random: seededRandom(SEED) })
    return { ...swarm, connections: () => swarm.hosts.map((h) => h.getConnections().length) }
  })
  const pictor = await measure('pictor nodes', async () => {
    const swarm = await startPictorSwarm(pictorSpecs(NODES), { ...options, random: seededRandom(SEED) })
    return { ...swarm, connections: () => swarm.nodes.map((n) => n.context.libp2p.getConnections().length) }
  })
  return {
    bench: BENCH,
    params: { idleMs: IDLE_MS, meshTimeoutMs: MESH_TIMEOUT_MS },
    nodes: NODES,
    ...pictor,
    startOverBare: round(pictor.startMs / Math.max(1, bare.startMs), 1),
    baseline: { bareHosts: bare },
    goals: { startMs: '<= 10000', idleCpuPerNodePct: '<= 0.5' }
  }
})
