// Network partitions for research and the attack suite, made by the nodes
// themselves: a partitionable node (adversarial-node.ts --partitionable)
// re-reads <data-dir>/partition.json and refuses, through its libp2p
// connection gater, every connection to or from the peer ids listed there,
// and hangs up those it has. The driver writes the lists: split() gives each
// node the peer ids of the other halves, heal() empties them. Production
// nodes have no such switch; only the testnet's adversarial entry adds it.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import { ApiClient } from '../node/api/client.ts'
import type { NodeContext, NodeService } from '../node/node.ts'
import type { PeerInfo } from '../node/node-status.ts'
import { writeFileAtomic } from '../node/store/atomic-file.ts'
import type { Testnet } from './launcher.ts'

export const PARTITION_FILE = 'partition.json'
/** How often a node looks at its partition file: a split takes effect within this. */
const POLL_MS = 100

type GatedCheck = 'denyDialPeer' | 'denyInboundEncryptedConnection' | 'denyOutboundEncryptedConnection'
const GATED: readonly GatedCheck[] = ['denyDialPeer', 'denyInboundEncryptedConnection', 'denyOutboundEncryptedConnection']

/** The node-side service: deny lists from the partition file, enforced by the connection gater. */
export class PartitionControl implements NodeService {
  private readonly ctx: Pick<NodeContext, 'libp2p' | 'dataDir' | 'logger'>
  private denied = new Set<string>()
  private seenMtime = 0
  private timer?: NodeJS.Timeout

  constructor(ctx: Pick<NodeContext, 'libp2p' | 'dataDir' | 'logger'>) {
    this.ctx = ctx
  }

  private get file(): string {
    return join(this.ctx.dataDir.paths.root, PARTITION_FILE)
  }

  start(): void {
    // libp2p reads its gater's checks at each connection: wrapping them in place keeps the production ones in force.
    const gater = (this.ctx.libp2p as unknown as { components: { connectionGater: ConnectionGater } }).components.connectionGater
    for (const check of GATED) {
      const production = gater[check] as ((peer: PeerId, ...rest: unknown[]) => boolean | Promise<boolean>) | undefined
      ;(gater as Record<GatedCheck, unknown>)[check] = async (peer: PeerId, ...rest: unknown[]) =>
        this.denied.has(peer.toString()) || (await production?.call(gater, peer, ...rest)) === true
    }
    this.timer = setInterval(() => void this.poll(), POLL_MS)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private async poll(): Promise<void> {
    const mtime = await stat(this.file).then((s) => s.mtimeMs, () => 0)
    if (mtime === this.seenMtime) return
    this.seenMtime = mtime
    const list = mtime === 0 ? [] : await readFile(this.file, 'utf8').then((text) => JSON.parse(text).deny as unknown, () => undefined)
    if (!Array.isArray(list)) return
    this.denied = new Set(list.filter((p): p is string => typeof p === 'string'))
    this.ctx.logger.warn('partition: denying peers', { count: this.denied.size })
    for (const conn of this.ctx.libp2p.getConnections()) {
      if (this.denied.has(conn.remotePeer.toString())) await conn.close().catch((err: Error) => conn.abort(err))
    }
  }
}

/** Splits the testnet into the given halves (node names): each node denies every node outside its own half. */
export async function split(testnet: Testnet, halves: string[][]): Promise<void> {
  for (const half of halves) {
    const others = testnet.nodes.filter((n) => !half.includes(n.name)).map((n) => n.peerId)
    for (const name of half) await writeDenyList(testnet, name, others)
  }
}

/** Every node denies nobody again. */
export async function heal(testnet: Testnet): Promise<void> {
  for (const node of testnet.nodes) await writeDenyList(testnet, node.name, [])
}

async function writeDenyList(testnet: Testnet, name: string, deny: string[]): Promise<void> {
  await writeFileAtomic(join(testnet.node(name).dataDir, PARTITION_FILE), `${JSON.stringify({ deny })}\n`)
}

/** Open connections between nodes of different halves, counted at both ends (0 once a split took hold). */
export async function crossLinks(testnet: Testnet, halves: string[][]): Promise<number> {
  const halfOf = new Map(halves.flatMap((half, i) => half.map((name) => [testnet.node(name).peerId, i] as const)))
  let links = 0
  for (const [i, half] of halves.entries()) {
    for (const name of half) {
      const client = await ApiClient.fromDataDir(testnet.node(name).dataDir).catch(() => undefined)
      const peers = await client?.request<PeerInfo[]>('GET', '/api/peers').catch(() => undefined)
      links += (peers ?? []).filter((p) => halfOf.has(p.peerId) && halfOf.get(p.peerId) !== i).length
    }
  }
  return links
}
