// What the creator role needs from its node: narrower than the whole node
// context, so tests (and a simulator) can supply just these. A NodeContext
// satisfies it as it is.
import type { ApiServer } from '../../api/server.ts'
import type { NetworkedBlobStore } from '../../blobs/index.ts'
import type { Clock } from '../../clock.ts'
import type { NodeIdentity } from '../../identity/keys.ts'
import type { Ledger } from '../../ledger/types.ts'
import type { Logger } from '../../log.ts'
import type { GossipService } from '../../net/gossip.ts'
import type { PictorLibp2p } from '../../net/host.ts'
import type { RpcHandler } from '../../net/rpc.ts'
import type { NodeDb } from '../../node.ts'

export interface CreatorComponents {
  identity: Pick<NodeIdentity, 'publicKey' | 'seed'>
  /** Serves the task protocol, dials checkers, reads its own addresses and the peers that serve the check protocol. */
  libp2p: PictorLibp2p
  gossip: Pick<GossipService, 'on' | 'publish'> & Partial<Pick<GossipService, 'onJoin'>>
  db: NodeDb
  /** Scenes uploaded through the API; frames fetched from workers. */
  blobs: Pick<NetworkedBlobStore, 'put' | 'stat' | 'get' | 'fetchToPath' | 'publish'>
  /** Escrow, on-chain assignment and settlement, when a ledger is configured. */
  ledger?: Ledger
  api: Pick<ApiServer, 'route'>
  logger: Logger
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  /** Serves the task protocol; serveRpc over `libp2p` when absent (the simulator serves it over its network model). */
  serveTasks?(handler: RpcHandler): Promise<() => Promise<void>>
  /** Random bytes for job nonces and lease ids; node:crypto's when absent (the simulator's are seeded). */
  randomBytes?(size: number): Uint8Array
}
