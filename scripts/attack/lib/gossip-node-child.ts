// An honest node of the gossip scenario, in its own process: a real
// PictorNode with its role's services (what `pictor start` runs), driven by
// the scenario over the IPC channel. It publishes job announcements of its
// own when told, records which announcements reached it (by job id), and
// reads gossipsub's score of any peer. Started by gossip-attack.ts with
// fork(); argv: data dir, role, port, comma-separated bootstrap addresses.
import { randomBytes } from 'node:crypto'
import { DEFAULT_CONFIG, type NodeConfig } from '../../../node/config/config.ts'
import { PictorNode } from '../../../node/node.ts'
import { roleServices } from '../../../node/roles/index.ts'
import { openDataDir } from '../../../node/store/data-dir.ts'
import { toHex } from '../../../protocol/index.ts'
import { announcement, USELESS_JOB } from './forge.ts'

/** A command and the answer it gets; `id` pairs them (a publish runs while scores are read). */
export type ChildCommand =
  | { id: number; cmd: 'publish'; count: number; everyMs: number }
  | { id: number; cmd: 'received' }
  | { id: number; cmd: 'scores'; peers: string[] }
  | { id: number; cmd: 'mesh' }
  | { id: number; cmd: 'metrics' }
  | { id: number; cmd: 'stop' }

export type ChildReply =
  | { id: number; kind: 'ready'; peerId: string }
  | { id: number; kind: 'published'; jobIds: string[]; failed: number }
  | { id: number; kind: 'received'; jobIds: string[] }
  | { id: number; kind: 'scores'; scores: Record<string, number> }
  | { id: number; kind: 'mesh'; mesh: Record<string, number>; connections: number }
  | { id: number; kind: 'metrics'; text: string }
  | { id: number; kind: 'stopped' }

const [dir, role, port, bootstrap] = process.argv.slice(2) as [string, NodeConfig['role'], string, string]
const send = (reply: ChildReply) => process.send!(reply)

const dataDir = await openDataDir(dir)
const node = new PictorNode({
  dataDir,
  config: { ...DEFAULT_CONFIG, role, listen: [`/ip4/127.0.0.1/tcp/${port}`], bootstrap: bootstrap === '' ? [] : bootstrap.split(','), localTestnet: true, logLevel: 'error', threads: 1 },
  services: roleServices
})
await node.start()
const ctx = node.context
const received = new Set<string>()
ctx.gossip.on('jobs', ({ envelope }) => {
  received.add(toHex(envelope.payload.jobId))
})

process.on('message', (message: ChildCommand) => {
  void handle(message).catch((err) => process.stderr.write(`gossip node ${role}: ${(err as Error).message}\n`))
})

async function handle(message: ChildCommand): Promise<void> {
  const pubsub = ctx.libp2p.services.pubsub as typeof ctx.libp2p.services.pubsub & { getScore(peer: string): number }
  switch (message.cmd) {
    case 'publish': {
      const jobIds: string[] = []
      let failed = 0
      for (let i = 0; i < message.count; i++) {
        const job = announcement(ctx.identity.seed, { ...USELESS_JOB, sceneBlob: toHex(randomBytes(32)) }, ctx.now())
        try {
          await ctx.gossip.publish('jobs', job.envelope)
          jobIds.push(toHex(job.payload.jobId))
        } catch {
          failed++
        }
        await new Promise((resolve) => setTimeout(resolve, message.everyMs))
      }
      send({ id: message.id, kind: 'published', jobIds, failed })
      return
    }
    case 'received':
      send({ id: message.id, kind: 'received', jobIds: [...received] })
      return
    case 'scores':
      send({ id: message.id, kind: 'scores', scores: Object.fromEntries(message.peers.map((p) => [p, pubsub.getScore(p)])) })
      return
    case 'mesh':
      send({ id: message.id, kind: 'mesh', mesh: Object.fromEntries(ctx.gossip.topics.map((t) => [t, ctx.gossip.meshPeers(t).length])), connections: ctx.libp2p.getConnections().length })
      return
    case 'metrics':
      send({ id: message.id, kind: 'metrics', text: ctx.metrics.render() })
      return
    case 'stop':
      await node.stop()
      send({ id: message.id, kind: 'stopped' })
      process.exit(0)
  }
}

send({ id: 0, kind: 'ready', peerId: ctx.identity.peerId })
