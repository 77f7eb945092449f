// Full pictor nodes (PictorNode: LevelDB, libp2p, gossip, blobs, API, role
// services) on 127.0.0.1, all in this process, each with a fresh data dir.
// Node 0 starts first; the others start in batches and bootstrap to nodes
// already up: to all of them in a small swarm, to node 0 plus a few random
// ones in a large one (a full mesh of 100 nodes would be 4,950 connections
// on one event loop). Resolves once every node has a gossip mesh.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CONFIG, type NodeConfig } from '../../../node/config/config.ts'
import type { LogLevel } from '../../../node/log.ts'
import { PictorNode, type ServiceFactory } from '../../../node/node.ts'
import { initDataDir, openDataDir } from '../../../node/store/data-dir.ts'
import { sleep } from './hosts.ts'
import { randomInt } from '../../../testnet/seeded-random.ts'

export interface SwarmNodeSpec {
  role: NodeConfig['role']
  services: ServiceFactory
}

export interface SwarmOptions {
  /** Up to this many nodes every node bootstraps to every earlier one. */
  fullMeshUpTo?: number
  /** In a larger swarm: earlier nodes each one bootstraps to, besides node 0. */
  extraPeers?: number
  /** Nodes started at once (they share one event loop). */
  batch?: number
  config?: Partial<NodeConfig>
  random: () => number
  /** Give up waiting for gossip meshes after this long (the swarm still works, just slower at first). */
  meshTimeoutMs?: number
}

export interface PictorSwarm {
  nodes: PictorNode[]
  /** How long the nodes took to start, and then to form gossip meshes. */
  startMs: number
  meshMs: number
  meshFormed: boolean
  stop(): Promise<void>
}

const DEFAULTS = { fullMeshUpTo: 16, extraPeers: 2, batch: 10, meshTimeoutMs: 30_000 }

function logLevel(): LogLevel {
  const env = process.env.PICTOR_LOG
  return env === 'error' || env === 'warn' || env === 'info' || env === 'debug' ? env : 'error'
}

function bootstrapFor(index: number, addrs: readonly string[], total: number, opts: typeof DEFAULTS, random: () => number): string[] {
  if (total <= opts.fullMeshUpTo) return addrs.slice(0, index)
  const picked = new Set<number>([0])
  for (let tries = 0; picked.size < Math.min(index, 1 + opts.extraPeers) && tries < 50; tries++) picked.add(randomInt(random, index))
  return [...picked].map((i) => addrs[i] as string)
}

export async function startPictorSwarm(specs: readonly SwarmNodeSpec[], options: SwarmOptions): Promise<PictorSwarm> {
  const opts = { ...DEFAULTS, ...options }
  const base = await mkdtemp(join(tmpdir(), 'pictor-bench-swarm-'))
  const nodes: PictorNode[] = []
  const addrs: string[] = []
  const started = performance.now()
  const stop = async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await rm(base, { recursive: true, force: true })
  }
  try {
    const startOne = async (index: number, bootstrap: string[]): Promise<PictorNode> => {
      const dir = join(base, `n${index}`)
      await initDataDir(dir)
      const spec = specs[index] as SwarmNodeSpec
      const node = new PictorNode({
        dataDir: await openDataDir(dir),
        config: { ...DEFAULT_CONFIG, role: spec.role, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, localTestnet: true, logLevel: logLevel(), ...opts.config },
        services: spec.services
      })
      nodes[index] = node
      await node.start()
      return node
    }
    for (let first = 0; first < specs.length; first += first === 0 ? 1 : opts.batch) {
      // Node 0 alone first: everyone else needs its address.
      const last = first === 0 ? 1 : Math.min(specs.length, first + opts.batch)
      const batch: Promise<PictorNode>[] = []
      for (let i = first; i < last; i++) batch.push(startOne(i, bootstrapFor(i, addrs, specs.length, opts, opts.random)))
      for (const node of await Promise.all(batch)) {
        const ctx = node.context
        addrs.push(`${ctx.libp2p.getMultiaddrs()[0]}`)
      }
    }
    const startMs = Math.round(performance.now() - started)
    const mesh = await waitForGossipMesh(nodes, opts.meshTimeoutMs)
    return { nodes, startMs, meshMs: mesh.ms, meshFormed: mesh.formed, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/**
 * Every node has min(4, its connections) mesh peers on every topic (D_lo is 4):
 * before that, a message may reach only part of the swarm.
 */
async function waitForGossipMesh(nodes: readonly PictorNode[], timeoutMs: number): Promise<{ ms: number; formed: boolean }> {
  const start = performance.now()
  for (;;) {
    const formed = nodes.every((node) => {
      const ctx = node.context
      const want = Math.min(4, ctx.libp2p.getConnections().length)
      return want > 0 && ctx.gossip.topics.every((topic) => ctx.gossip.meshPeers(topic).length >= want)
    })
    const ms = Math.round(performance.now() - start)
    if (formed || ms > timeoutMs) return { ms, formed }
    await sleep(100)
  }
}
