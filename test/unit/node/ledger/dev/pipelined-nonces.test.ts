// A SigningLedger pipelines one key's transactions: made together, they
// are final together (one block, not one block each), and one that fails
// costs the others a new nonce, not their landing. On the simulator's
// chain, whose blocks are on virtual time.
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../../../../node/ledger/errors.ts'
import { DEFAULT_LEDGER_PARAMS, ROLE } from '../../../../../node/ledger/types.ts'
import { SimChain } from '../../../../../testnet/sim/sim-chain.ts'
import { VirtualClock } from '../../../../../testnet/sim/virtual-clock.ts'

const BLOCK_MS = 500

async function registeredWorker() {
  const clock = new VirtualClock()
  const chain = new SimChain({ clock, seed: 1, blockMs: BLOCK_MS, epochMs: 0 })
  const ledger = chain.ledgerFor(new Uint8Array(32).fill(7))
  const minStake = DEFAULT_LEDGER_PARAMS.minStake
  const setUp = (async () => {
    await ledger.faucet(ledger.address, 100n * minStake)
    await ledger.register(ROLE.worker, minStake)
  })()
  await clock.run()
  await setUp
  return { clock, chain, ledger, minStake }
}

describe('SigningLedger nonces', () => {
  it('lands the transactions of one key made at once in one block, in the order made', async () => {
    const { clock, ledger, minStake } = await registeredWorker()
    const started = clock.now()
    const calls = Array.from({ length: 20 }, () => ledger.addStake(minStake))
    await clock.run()
    await Promise.all(calls)
    expect(clock.now() - started).toBe(BLOCK_MS)
    expect((await ledger.node(ledger.address))?.stake).toBe(21n * minStake)
    expect(await ledger.nonce()).toBe(1 + 20)
  })

  it('refuses a transaction that breaks a rule and lands the ones made after it at new nonces', async () => {
    const { clock, ledger, minStake } = await registeredWorker()
    const calls = [ledger.addStake(minStake), ledger.addStake(10_000n * minStake), ledger.addStake(minStake), ledger.addStake(minStake)]
    const outcomes = Promise.allSettled(calls)
    await clock.run()
    const [first, tooMuch, ...rest] = await outcomes
    expect(first.status).toBe('fulfilled')
    expect(tooMuch.status === 'rejected' && tooMuch.reason instanceof LedgerError && tooMuch.reason.code).toBe('EInsufficientBalance')
    expect(rest.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    expect((await ledger.node(ledger.address))?.stake).toBe(4n * minStake)
    // The next transaction reads the nonce again and lands.
    const more = ledger.addStake(minStake)
    await clock.run()
    await more
    // register, three add_stake calls landed, this one.
    expect(await ledger.nonce()).toBe(1 + 3 + 1)
  })
})
