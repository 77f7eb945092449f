// The simulated world of one scenario: the clock, network, gossip mesh and
// chain, and the nodes on them (creators, workers, checkers), each with
// its own key, region and seeded random stream. Nodes are funded and
// registered on the chain as a node operator would do it, through their
// own SigningLedger.
import { sha256 } from '@noble/hashes/sha2.js'
import { nodeEd25519 } from '../../node/identity/ed25519.ts'
import type { SigningLedger } from '../../node/ledger/dev/signing-ledger.ts'
import { suiAddressOf } from '../../node/ledger/dev/tx.ts'
import { DEFAULT_LEDGER_PARAMS, type LedgerRoleName, ROLE } from '../../node/ledger/types.ts'
import type { Ed25519 } from '../../protocol/index.ts'
import { seededRandom } from '../seeded-random.ts'
import { GossipModel } from './gossip-model.ts'
import { NetworkModel } from './network-model.ts'
import type { Scenario } from './scenario.ts'
import { SimChain } from './sim-chain.ts'
import { SimRpc } from './sim-rpc.ts'
import { VirtualClock } from './virtual-clock.ts'

/** Virtual time 0 of every run: envelopes carry timestamps, so runs of one seed sign the same bytes. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1)
/** Sui's finality is about half a second. */
export const SIM_BLOCK_MS = 500
/** Gossipsub's D. */
const MESH_DEGREE = 6

export interface SimNode {
  id: string
  seed: Uint8Array
  publicKey: Uint8Array
  address: string
  region: string
  random: () => number
  ledger: SigningLedger
}

/**
 * Ed25519 verification remembered per signature object: a result that is a
 * pure function of its input, computed once however many simulated nodes
 * check the same gossip message (its bytes are checked once and the parsed
 * message is shared by every node it reaches, gossip-model.ts). A hit needs
 * the very key and message objects remembered with the signature, so any
 * other input is verified afresh; nothing writes to a parsed message's
 * bytes. Signing is not cached.
 */
export function memoizedEd(ed: Ed25519): Ed25519 {
  const known = new WeakMap<Uint8Array, { publicKey: Uint8Array; message: Uint8Array; ok: boolean }>()
  return {
    ...ed,
    verify(publicKey, message, signature) {
      const hit = known.get(signature)
      if (hit !== undefined && hit.publicKey === publicKey && hit.message === message) return hit.ok
      const ok = ed.verify(publicKey, message, signature)
      known.set(signature, { publicKey, message, ok })
      return ok
    }
  }
}

export class World {
  readonly clock = new VirtualClock(SIM_EPOCH_MS)
  readonly net: NetworkModel
  readonly gossip: GossipModel
  readonly rpc: SimRpc
  readonly chain: SimChain
  readonly ed: Ed25519
  private readonly scenario: Scenario
  private readonly regionRandom: () => number

  constructor(scenario: Scenario) {
    this.scenario = scenario
    const s = scenario.seed
    const n = scenario.network
    this.net = new NetworkModel({ clock: this.clock, random: seededRandom(s ^ 0x5eed0001), latencyMs: n.latencyMs, jitter: n.jitter, uplinkBytesPerS: n.uplinkMbps * 125_000, loss: n.loss })
    this.ed = memoizedEd(nodeEd25519)
    this.gossip = new GossipModel({ net: this.net, clock: this.clock, random: seededRandom(s ^ 0x5eed0002), ed: this.ed, epochMs: 0, degree: MESH_DEGREE })
    this.rpc = new SimRpc(this.net, this.clock)
    this.chain = new SimChain({ clock: this.clock, seed: s, blockMs: SIM_BLOCK_MS, epochMs: 0 })
    this.regionRandom = seededRandom(s ^ 0x5eed0003)
  }

  /** A node with its key from (seed, role, index), in a region drawn by the scenario's shares. */
  node(role: string, index: number): SimNode {
    const seed = sha256(new TextEncoder().encode(`pictor-sim/${this.scenario.seed}/${role}/${index}`))
    const publicKey = nodeEd25519.publicKey(seed)
    const id = this.rpc.register(publicKey)
    const region = this.drawRegion()
    this.net.add(id, region)
    const random = seededRandom(new DataView(seed.buffer, seed.byteOffset).getUint32(0))
    return { id, seed, publicKey, address: suiAddressOf(publicKey), region, random, ledger: this.chain.ledgerFor(seed) }
  }

  /** Funds the node's account and registers it on the chain with `stakes` minimum stakes. */
  async fund(node: SimNode, role: LedgerRoleName, stakes: number, balance: bigint): Promise<void> {
    await node.ledger.faucet(node.address, balance)
    await node.ledger.register(ROLE[role], BigInt(stakes) * DEFAULT_LEDGER_PARAMS.minStake)
  }

  private drawRegion(): string {
    const regions = this.scenario.network.regions
    let draw = this.regionRandom()
    for (const r of regions) {
      if (draw < r.share) return r.name
      draw -= r.share
    }
    return regions[regions.length - 1]!.name
  }
}
