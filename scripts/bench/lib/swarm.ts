// Swarms on 127.0.0.1, all in this process, started one way so their costs
// compare: full pictor nodes (PictorNode: LevelDB, libp2p, gossip, blobs,
// API, role services, each with a fresh data dir), or bare hosts (createHost
// with the same libp2p services and gossip topics, nothing else) as their
// baseline. Node 0 starts first; the others start in batches and bootstrap
// to nodes already up: to all of them in a small swarm, to node 0 plus a few
// random ones in a large one (a full mesh of 100 nodes would be 4,950
// connections on one event loop). Resolves once every member has a gossip
// mesh.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TOPICS } from '../../../protocol/index.ts'
import { DEFAULT_CONFIG, type NodeConfig } from '../../../node/config/config.ts'
import type { LogLevel } from '../../../node/log.ts'
import { createHost, type PictorLibp2p } from '../../../node/net/host.ts'
import { identityFromSeed } from '../../../node/identity/keys.ts'
import { PictorNode, type ServiceFactory } from '../../../node/node.ts'
import { initDataDir, openDataDir } from '../../../node/store/data-dir.ts'
import { sleep } from './hosts.ts'
import { benchSeed } from './seeds.ts'
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
  /** Where the nodes' data folders go (default: the system temp folder). */
  parentDir?: string
}

/** How long a swarm took to start, then to form gossip meshes. */
export interface SwarmTimes {
  startMs: number
  meshMs: number
  meshFormed: boolean
}

export interface PictorSwarm extends SwarmTimes {
  nodes: PictorNode[]
  stop(): Promise<void>
}

export interface BareSwarm extends SwarmTimes {
  hosts: PictorLibp2p[]
  stop(): Promise<void>
}

/** How the launcher starts one member and sees it. */
interface MemberKind<T> {
  start(index: number, bootstrap: string[]): Promise<T>
  libp2p(member: T): PictorLibp2p
  /** Its gossip mesh size on each topic it subscribes. */
  meshSizes(member: T): number[]
  /** Its peers subscribed to each of those topics, in the same order. */
  subscriberCounts(member: T): number[]
}

type MeshView = { getMeshPeers(topic: string): string[] }

const DEFAULTS = { fullMeshUpTo: 16, extraPeers: 2, batch: 10, meshTimeoutMs: 30_000 }
const TOPIC_IDS = Object.values(TOPICS)

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

/** Starts `count` members (into `members`, so a caller can stop what started if this throws), then waits for their meshes. */
async function launch<T>(kind: MemberKind<T>, count: number, members: T[], options: SwarmOptions): Promise<SwarmTimes> {
  const opts = { ...DEFAULTS, ...options }
  const addrs: string[] = []
  const started = performance.now()
  for (let first = 0; first < count; first += first === 0 ? 1 : opts.batch) {
    // Node 0 alone first: everyone else needs its address.
    const last = first === 0 ? 1 : Math.min(count, first + opts.batch)
    const batch: Promise<T>[] = []
    for (let i = first; i < last; i++) {
      batch.push(
        kind.start(i, bootstrapFor(i, addrs, count, opts, opts.random)).then((member) => {
          members[i] = member
          return member
        })
      )
    }
    for (const member of await Promise.all(batch)) addrs.push(`${kind.libp2p(member).getMultiaddrs()[0]}`)
  }
  const startMs = Math.round(performance.now() - started)
  const mesh = await waitForGossipMesh(kind, members, opts.meshTimeoutMs)
  return { startMs, meshMs: mesh.ms, meshFormed: mesh.formed }
}

export async function startPictorSwarm(specs: readonly SwarmNodeSpec[], options: SwarmOptions): Promise<PictorSwarm> {
  const base = await mkdtemp(join(options.parentDir ?? tmpdir(), 'pictor-bench-swarm-'))
  const nodes: PictorNode[] = []
  const stop = async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await rm(base, { recursive: true, force: true })
  }
  const kind: MemberKind<PictorNode> = {
    async start(index, bootstrap) {
      const dir = join(base, `n${index}`)
      await initDataDir(dir)
      const spec = specs[index] as SwarmNodeSpec
      const node = new PictorNode({
        dataDir: await openDataDir(dir),
        config: { ...DEFAULT_CONFIG, role: spec.role, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, localTestnet: true, logLevel: logLevel(), ...options.config },
        services: spec.services
      })
      // Kept before start() resolves: a node that fails half-way is stopped with the rest.
      nodes[index] = node
      await node.start()
      return node
    },
    libp2p: (node) => node.context.libp2p,
    meshSizes: (node) => node.context.gossip.topics.map((topic) => node.context.gossip.meshPeers(topic).length),
    subscriberCounts: (node) => node.context.gossip.topics.map((topic) => node.context.gossip.subscribers(topic).length)
  }
  try {
    return { nodes, ...(await launch(kind, specs.length, nodes, options)), stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** `count` bare hosts started like startPictorSwarm's nodes (same bootstrap lists, batches and topics): its baseline. */
export async function startBareSwarm(count: number, options: SwarmOptions & { salt?: number }): Promise<BareSwarm> {
  const hosts: PictorLibp2p[] = []
  const stop = async () => {
    await Promise.allSettled(hosts.map((h) => h.stop()))
  }
  const kind: MemberKind<PictorLibp2p> = {
    async start(index, bootstrap) {
      const identity = await identityFromSeed(benchSeed(index, options.salt ?? 0x62617265))
      const host = await createHost({ privateKey: identity.privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, localTestnet: true })
      hosts[index] = host
      for (const topic of TOPIC_IDS) host.services.pubsub.subscribe(topic)
      return host
    },
    libp2p: (host) => host,
    // getMeshPeers is on the implementation, not on the GossipSub interface.
    meshSizes: (host) => TOPIC_IDS.map((topic) => (host.services.pubsub as unknown as MeshView).getMeshPeers(topic).length),
    subscriberCounts: (host) => TOPIC_IDS.map((topic) => host.services.pubsub.getSubscribers(topic).length)
  }
  try {
    return { hosts, ...(await launch(kind, count, hosts, options)), stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/**
 * Every member has min(4, its subscribed peers - 1) mesh peers, and at
 * least one, on every topic (D_lo is 4): before that, a message may reach
 * only part of the swarm. Counted against the peers that subscribe to the
 * topic (a connection made for the DHT alone carries no gossip), less one:
 * a peer many members connect to (node 0, the bootstrap) prunes its mesh
 * down to D_hi, and a pruned member backs off from grafting it again for a
 * minute.
 */
async function waitForGossipMesh<T>(kind: MemberKind<T>, members: readonly T[], timeoutMs: number): Promise<{ ms: number; formed: boolean }> {
  const start = performance.now()
  for (;;) {
    const formed = members.every((member) => {
      const subscribers = kind.subscriberCounts(member)
      return kind.meshSizes(member).every((size, i) => subscribers[i]! > 0 && size >= Math.max(1, Math.min(4, subscribers[i]! - 1)))
    })
    const ms = Math.round(performance.now() - start)
    if (formed || ms > timeoutMs) return { ms, formed }
    await sleep(100)
  }
}
