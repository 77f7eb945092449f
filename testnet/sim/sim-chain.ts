// The simulator's chain: the dev ledger's state machine (node/ledger/dev/
// state.ts, the Move package's rules) held in memory, on virtual time.
// Nodes reach it through the real SigningLedger, so every call is signed,
// verified (verifyTx) and applied exactly as `pictor devchain` applies it;
// only the LevelDB blocks are left out. A transaction is final one block
// time after it is submitted; transactions final at the same moment apply
// in the order they were submitted. The beacon secret comes from the
// scenario's seed, so one seed gives one history.
import { sha256 } from '@noble/hashes/sha2.js'
import { deriveBeacon } from '../../node/ledger/dev/beacon.ts'
import type { ChainInfo, DevReceipt } from '../../node/ledger/dev/chain.ts'
import { type DevTransport, SigningLedger } from '../../node/ledger/dev/signing-ledger.ts'
import { apply, genesisState, type LedgerState, type StateTx, taskOf } from '../../node/ledger/dev/state.ts'
import { txDigest, verifyTx } from '../../node/ledger/dev/tx.ts'
import { DEFAULT_LEDGER_PARAMS, type LedgerEvent, MAX_EVENTS_PER_QUERY } from '../../node/ledger/types.ts'
import type { VirtualClock } from './virtual-clock.ts'

export interface SimChainInit {
  clock: VirtualClock
  seed: number
  /** Virtual ms from submission to finality. */
  blockMs: number
  /** Wall-clock time at virtual time 0 (block timestamps, which role code compares with its own clock). */
  epochMs: number
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

export class SimChain {
  readonly chainId: string
  private readonly init: SimChainInit
  private readonly secret: Uint8Array
  private state: LedgerState
  private readonly log: LedgerEvent[] = []
  private height = 0
  private headHash: string
  /** Submitted transactions (the chain's work, for the report). */
  transactions = 0

  constructor(init: SimChainInit) {
    this.init = init
    const seedBytes = new TextEncoder().encode(`pictor-sim-chain/${init.seed}`)
    this.chainId = hex(sha256(seedBytes))
    this.headHash = this.chainId
    this.secret = sha256(new Uint8Array([...seedBytes, 0]))
    this.state = genesisState(DEFAULT_LEDGER_PARAMS, `0x${this.chainId}`)
  }

  snapshot(): LedgerState {
    return this.state
  }

  /** A SigningLedger acting as the key `seed`, over this chain; no retries (the chain does not go away). */
  ledgerFor(seed: Uint8Array): SigningLedger {
    return new SigningLedger({ transport: this.transport(), seed, retryForMs: 0 })
  }

  private transport(): DevTransport {
    const info = (): ChainInfo => ({
      chainId: this.chainId,
      height: this.height,
      headHash: this.headHash,
      params: this.state.params,
      minted: this.state.minted,
      nextEventSeq: this.log.length,
      secretCommitment: hex(sha256(this.secret)),
      registry: this.state.registry
    })
    return {
      info: async () => info(),
      nonce: async (address) => this.state.accounts.get(address)?.nonce ?? 0,
      submit: (raw) => this.final(() => verifyTx(structuredClone(raw), this.chainId), (v) => txDigest(v.tx)),
      // Final a block time after submission, so in the order submitted.
      keepsOrder: true,
      faucet: (address, amount) => this.final(() => ({ stateTx: { kind: 'mint', address, amount } as StateTx }), () => hex(sha256(new TextEncoder().encode(`mint/${address}/${amount}/${this.height}`)))),
      balance: async (address) => this.state.accounts.get(address)?.balance ?? 0n,
      node: async (address) => this.state.nodes.get(address),
      job: async (jobId) => this.state.jobs.get(jobId),
      task: async (jobId, taskIndex) => taskOf(this.state, jobId, taskIndex),
      events: async (fromSeq, limit = MAX_EVENTS_PER_QUERY) => this.log.slice(Math.max(0, fromSeq), Math.max(0, fromSeq) + Math.min(Math.max(1, limit), MAX_EVENTS_PER_QUERY))
    }
  }

  /** Checks the transaction now (a malformed one is refused at once), applies it a block time later. */
  private async final<T extends { stateTx: StateTx }>(check: () => T, digestOf: (checked: T) => string): Promise<DevReceipt> {
    const checked = check()
    const digest = digestOf(checked)
    this.transactions++
    await this.init.clock.sleep(this.init.blockMs)
    const timestampMs = this.init.epochMs + this.init.clock.now()
    const result = apply(this.state, checked.stateTx, { now: timestampMs, beacon: deriveBeacon(this.headHash, digest, this.secret) })
    const events: LedgerEvent[] = result.events.map((e, i) => ({ ...e, seq: this.log.length + i, txDigest: digest, timestampMs }))
    this.state = result.state
    this.log.push(...events)
    this.height++
    this.headHash = hex(sha256(new TextEncoder().encode(`${this.headHash}/${digest}`)))
    return { digest, height: this.height, events }
  }
}
