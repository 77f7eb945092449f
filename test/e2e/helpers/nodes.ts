// Starts real pictor nodes in this process, on 127.0.0.1, each with a fresh
// data dir, all bootstrapped to each other.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CONFIG, type NodeConfig } from '../../../node/config/config.ts'
import { identityFromSeed } from '../../../node/identity/keys.ts'
import { PictorNode, type ServiceFactory } from '../../../node/node.ts'
import { initDataDir, openDataDir } from '../../../node/store/data-dir.ts'
import { freePorts } from '../../../testnet/ports.ts'

export interface LocalSwarm {
  nodes: PictorNode[]
  stop(): Promise<void>
}

export interface SwarmOptions {
  roles?: NodeConfig['role'][]
  config?: Partial<NodeConfig>
  services?: ServiceFactory
  /** Only these pairs bootstrap to each other (default: every pair). */
  links?: Array<[number, number]>
}

export async function startSwarm(count: number, options: SwarmOptions = {}): Promise<LocalSwarm> {
  const base = await mkdtemp(join(tmpdir(), 'pictor-e2e-'))
  const ports = await freePorts(count)
  const opened = []
  for (let i = 0; i < count; i++) {
    await initDataDir(join(base, `n${i}`))
    const dataDir = await openDataDir(join(base, `n${i}`))
    opened.push({ dataDir, id: await identityFromSeed(dataDir.seed) })
  }
  const addrs = opened.map((o, i) => `/ip4/127.0.0.1/tcp/${ports[i]}/p2p/${o.id.peerId}`)
  const linked = (i: number, j: number) => i !== j && (options.links?.some(([a, b]) => (a === i && b === j) || (a === j && b === i)) ?? true)
  const degree = (i: number) => addrs.filter((_, j) => linked(i, j)).length
  const nodes = opened.map(
    (o, i) =>
      new PictorNode({
        dataDir: o.dataDir,
        config: {
          ...DEFAULT_CONFIG,
          role: options.roles?.[i] ?? 'worker',
          listen: [`/ip4/127.0.0.1/tcp/${ports[i]}`],
          bootstrap: addrs.filter((_, j) => linked(i, j)),
          localTestnet: true,
          logLevel: 'warn',
          ...options.config
        },
        services: options.services
      })
  )
  await Promise.all(nodes.map((n) => n.start()))
  const swarm = {
    nodes,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()))
      await rm(base, { recursive: true, force: true })
    }
  }
  await waitFor(() => nodes.every((n, i) => n.context.gossip.subscribers('jobs').length >= degree(i)), 30_000, 'gossip subscriptions')
  return swarm
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}
