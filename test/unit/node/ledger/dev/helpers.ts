// Shared by the dev ledger tests: a pure-state harness that tracks nonces,
// a canonical serialisation of a state (for "unchanged byte for byte"), the
// conservation check, a chain per test in a temporary folder, and the three
// registered actors most tests start from.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { afterEach, beforeEach, expect } from 'vitest'
import { LedgerError, type LedgerErrorCode } from '../../../../../node/ledger/errors.ts'
import { type Call, isRegistryBound } from '../../../../../node/ledger/dev/calls.ts'
import { DevChain } from '../../../../../node/ledger/dev/chain.ts'
import { canonicalJson } from '../../../../../node/ledger/dev/canonical-json.ts'
import { apply, genesisState, holdings, type LedgerState } from '../../../../../node/ledger/dev/state.ts'
import { toWire } from '../../../../../node/ledger/dev/wire.ts'
import { DEFAULT_LEDGER_PARAMS, type Ledger, type LedgerEventBody, type LedgerParams, ROLE } from '../../../../../node/ledger/types.ts'

export const addr = (i: number): string => '0x' + i.toString(16).padStart(64, '0')
export const jobIdOf = (i: number): string => Buffer.from(sha256(new TextEncoder().encode(`job ${i}`))).toString('hex')
export const rootOf = (i: number): string => Buffer.from(sha256(new TextEncoder().encode(`root ${i}`))).toString('hex')
export const seed = (i: number): Uint8Array => new Uint8Array(32).fill(i)
/** The Harness chain's registry (a real chain's is `0x` + its chain id). */
export const REGISTRY = addr(0x5e1)

/** A call as a test writes it: the registry of a call on a job's tasks may be left for the Harness to fill in, as the signing client does. */
export type LooseCall = Call extends infer C ? (C extends { registry: string } ? Omit<C, 'registry'> & { registry?: string } : C) : never

/**
 * A started DevChain in a fresh temporary folder for each test of the file,
 * stopped and removed after it; `open()` opens the folder's chain again (a
 * restart, after `chain.stop()`). `clock`, when given, is its block time.
 */
export function chainPerTest(prefix: string, params: LedgerParams = DEFAULT_LEDGER_PARAMS, clock?: () => number) {
  const t = {
    dir: '',
    chain: undefined as unknown as DevChain,
    async open(): Promise<DevChain> {
      t.chain = new DevChain({ path: join(t.dir, 'db'), params, clock })
      await t.chain.start()
      return t.chain
    }
  }
  beforeEach(async () => {
    t.dir = await mkdtemp(join(tmpdir(), prefix))
    await t.open()
  })
  afterEach(async () => {
    await t.chain.stop()
    await rm(t.dir, { recursive: true, force: true })
  })
  return t
}

/** Creator, worker and checker ledgers (seeds 1, 2, 3), funded and registered; the checker stakes 1_000_000. */
export async function registeredActors<L extends Ledger>(ledgerOf: (seed: Uint8Array) => L, funds: bigint, workerStake: bigint) {
  const [creator, worker, checker] = [1, 2, 3].map((i) => ledgerOf(seed(i)))
  for (const l of [creator, worker, checker]) await l.faucet(l.address, funds)
  await creator.register(ROLE.creator, 0n)
  await worker.register(ROLE.worker, workerStake)
  await checker.register(ROLE.checker, 1_000_000n)
  return { creator, worker, checker }
}

export function serialise(state: LedgerState): string {
  const sorted = <V>(m: ReadonlyMap<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
  return canonicalJson(
    toWire({
      params: state.params,
      minted: state.minted,
      accounts: sorted(state.accounts),
      nodes: sorted(state.nodes),
      checkers: state.checkers,
      jobs: sorted(state.jobs),
      tasks: sorted(state.tasks),
      registry: state.registry,
      verdicts: sorted(state.verdicts),
      appeals: sorted(state.appeals)
    })
  )
}

export function expectConserved(state: LedgerState): void {
  const { balances, stake, escrow, appealFees } = holdings(state)
  expect(balances + stake + escrow + appealFees).toBe(state.minted)
}

/** Drives the pure state machine as named accounts, with correct nonces unless told otherwise. */
export class Harness {
  state: LedgerState
  now = 1_000_000
  beaconByte = 0
  readonly log: { sender: string; events: LedgerEventBody[] }[] = []

  constructor(params: Partial<LedgerParams> = {}) {
    this.state = genesisState({ ...DEFAULT_LEDGER_PARAMS, withdrawDelayMs: 1000, ...params }, REGISTRY)
  }

  nonceOf(address: string): number {
    return this.state.accounts.get(address)?.nonce ?? 0
  }

  mint(address: string, amount: bigint): LedgerEventBody[] {
    return this.run(address, () => apply(this.state, { kind: 'mint', address, amount }, this.ctx()))
  }

  call(sender: string, loose: LooseCall, nonce = this.nonceOf(sender) + 1): LedgerEventBody[] {
    const call = (isRegistryBound(loose.call) && !('registry' in loose && loose.registry !== undefined) ? { ...loose, registry: this.state.registry } : loose) as Call
    return this.run(sender, () => apply(this.state, { kind: 'call', sender, nonce, call }, this.ctx()))
  }

  /** Expects a LedgerError with `code` and a state identical, byte for byte, to before. */
  reject(sender: string, call: LooseCall, code: LedgerErrorCode, nonce?: number): void {
    const before = serialise(this.state)
    const ref = this.state
    let thrown: unknown
    try {
      this.call(sender, call, nonce)
    } catch (err) {
      thrown = err
    }
    expect(thrown, `${call.call} should fail with ${code}`).toBeInstanceOf(LedgerError)
    expect((thrown as LedgerError).code).toBe(code)
    expect(this.state).toBe(ref)
    expect(serialise(this.state)).toBe(before)
  }

  ctx() {
    // A different beacon per transaction, deterministic per test.
    const beacon = sha256(new Uint8Array([this.beaconByte++ & 0xff, this.log.length & 0xff, (this.log.length >> 8) & 0xff]))
    return { now: this.now, beacon }
  }

  private run(sender: string, fn: () => ReturnType<typeof apply>): LedgerEventBody[] {
    const before = serialise(this.state)
    const prev = this.state
    const result = fn()
    // apply never mutates its input, even on success.
    expect(serialise(prev)).toBe(before)
    this.state = result.state
    this.log.push({ sender, events: result.events })
    return result.events
  }
}

// The actors and job the state-machine tests share (the Move tests' setup.move has the same).
export const CREATOR = addr(1)
export const WORKER = addr(2)
export const CHECKER = addr(3)
export const CHECKER2 = addr(4)
export const WORKER2 = addr(5)
export const CHECKER3 = addr(6)
export const STRANGER = addr(9)
export const JOB = jobIdOf(1)
export const STAKE = 1_000_000n
