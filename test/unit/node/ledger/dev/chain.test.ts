// The dev chain: signed transactions, nonces, atomic persistence, restart.
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DevChain } from '../../../../../node/ledger/dev/chain.ts'
import { DevLedger } from '../../../../../node/ledger/dev/dev-ledger.ts'
import { signTx, suiAddressOf } from '../../../../../node/ledger/dev/tx.ts'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { LedgerError } from '../../../../../node/ledger/errors.ts'
import { DEFAULT_LEDGER_PARAMS, type LedgerParams, U64_MAX } from '../../../../../node/ledger/types.ts'
import { chainPerTest, jobIdOf, registeredActors, rootOf, seed, serialise } from './helpers.ts'

const dev = chainPerTest('pictor-devchain-', { ...DEFAULT_LEDGER_PARAMS, withdrawDelayMs: 0 })

const actors = () => registeredActors((s) => new DevLedger(dev.chain, s), 10_000_000n, 2_000_000n)

async function expectRefused(p: Promise<unknown>, code: string) {
  const before = { state: serialise(dev.chain.snapshot()), height: dev.chain.info().height, events: dev.chain.info().nextEventSeq }
  await expect(p).rejects.toSatisfy((err) => err instanceof LedgerError && err.code === code)
  expect({ state: serialise(dev.chain.snapshot()), height: dev.chain.info().height, events: dev.chain.info().nextEventSeq }).toEqual(before)
}

describe('dev chain', () => {
  it('derives the Sui address of a node key as @mysten/sui does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (s) => {
        expect(suiAddressOf(nodeEd25519.publicKey(s))).toBe(Ed25519Keypair.fromSecretKey(s).toSuiAddress())
      }),
      { numRuns: 30 }
    )
  })

  it('runs a job lifecycle through signed transactions', async () => {
    const { creator, worker, checker } = await actors()
    const jobId = jobIdOf(1)
    await creator.createJob({ jobId, taskCount: 1, frameCount: 4, maxFrameCost: 100n, checkerFee: 10n, escrow: 420n })
    await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 4, frameCost: 90n })
    const committed = await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
    expect(committed.checker).toBe(checker.address)
    expect(committed.beacon).toMatch(/^[0-9a-f]{64}$/)
    await checker.submitVerdict({ jobId, taskIndex: 0, accepted: true })
    const closed = await creator.closeJob(jobId)
    expect(closed.events.map((e) => e.type)).toEqual(['Refunded', 'JobClosed'])
    expect(await worker.balance(worker.address)).toBe(8_000_000n + 360n)
    expect(await checker.balance(checker.address)).toBe(9_000_000n + 10n)
    expect(await creator.balance(creator.address)).toBe(10_000_000n - 370n)
    expect(await worker.node(worker.address)).toMatchObject({ verified: 1, stake: 2_000_000n })
    expect(await creator.job(jobId)).toMatchObject({ status: 'closed', escrow: 0n })
    expect(await creator.task(jobId, 0)).toMatchObject({ state: 'verified', checker: checker.address })
    expect(dev.chain.info().minted).toBe(30_000_000n)
    // Events are numbered without gaps and can be paged.
    const all = await creator.events()
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i))
    expect((await creator.events({ fromSeq: 3, limit: 2 })).map((e) => e.seq)).toEqual([3, 4])
  })

  it('refuses unsigned, wrongly signed, foreign and replayed transactions with no state change', async () => {
    const { creator } = await actors()
    const chainId = dev.chain.chainId
    const next = dev.chain.nonce(creator.address) + 1
    const good = signTx(seed(1), chainId, next, { call: 'add_stake', amount: 5n })
    const { signature: _, ...unsigned } = good
    await expectRefused(dev.chain.submit(unsigned), 'EBadSignature')
    await expectRefused(dev.chain.submit({ ...good, signature: '' }), 'EBadSignature')
    const flipped = (good.signature[0] === '0' ? '1' : '0') + good.signature.slice(1)
    await expectRefused(dev.chain.submit({ ...good, signature: flipped }), 'EBadSignature')
    await expectRefused(dev.chain.submit({ ...good, args: { amount: '6' } }), 'EBadSignature')
    // Signed by key 1 but claiming to be from key 2's address.
    await expectRefused(dev.chain.submit({ ...good, from: suiAddressOf(nodeEd25519.publicKey(seed(2))) }), 'EBadSignature')
    await expectRefused(dev.chain.submit(signTx(seed(1), 'ab'.repeat(32), next, { call: 'add_stake', amount: 5n })), 'EBadSignature')
    await expectRefused(dev.chain.submit({ ...good, extra: 1 }), 'EMalformed')
    await expectRefused(dev.chain.submit({ ...good, args: { amount: 5 } }), 'EMalformed')
    await expectRefused(dev.chain.submit({ ...good, call: 'mint' }), 'EMalformed')
    await expectRefused(dev.chain.submit('not a tx'), 'EMalformed')
    await expectRefused(dev.chain.submit(signTx(seed(1), chainId, next, { call: 'add_stake', amount: U64_MAX + 1n })), 'EOverflow')
    await expectRefused(dev.chain.submit(signTx(seed(1), chainId, next + 1, { call: 'add_stake', amount: 5n })), 'EBadNonce')
    const first = await dev.chain.submit(good)
    // The same signed transaction again is answered with its receipt, not applied twice.
    const again = await dev.chain.submit(structuredClone(good))
    expect(again).toEqual(first)
    expect(dev.chain.node(creator.address)!.stake).toBe(5n)
    // A different transaction at a used nonce is a replay.
    await expectRefused(dev.chain.submit(signTx(seed(1), chainId, next, { call: 'add_stake', amount: 7n })), 'EBadNonce')
  })

  it('maps every refused call to its typed error through the Ledger interface', async () => {
    const { creator, worker, checker } = await actors()
    const jobId = jobIdOf(2)
    await expectRefused(creator.addStake(U64_MAX), 'EInsufficientBalance')
    await expectRefused(worker.closeJob(jobId), 'EUnknownJob')
    await creator.createJob({ jobId, taskCount: 1, frameCount: 1, maxFrameCost: 100n, checkerFee: 1n, escrow: 102n })
    await expectRefused(worker.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 1, frameCost: 1n }), 'ENotCreator')
    await expectRefused(creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 2, frameCost: 100n }), 'EEscrowTooLow')
    await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 1, frameCost: 100n })
    await expectRefused(checker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) }), 'ENotAssignedWorker')
    await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
    await expectRefused(worker.submitVerdict({ jobId, taskIndex: 0, accepted: true }), 'ENotAssignedChecker')
    await checker.submitVerdict({ jobId, taskIndex: 0, accepted: true })
    await expectRefused(checker.submitVerdict({ jobId, taskIndex: 0, accepted: true }), 'ETaskState')
    await creator.closeJob(jobId)
    await expectRefused(creator.closeJob(jobId), 'EJobClosed')
    await expectRefused(dev.chain.faucet('0x12', 1n), 'EMalformed')
    await expectRefused(dev.chain.faucet(creator.address, U64_MAX), 'EOverflow')
  })

  it('keeps every committed transaction across a restart, and replaying the blocks reaches the same state', async () => {
    const { creator, worker, checker } = await actors()
    const jobId = jobIdOf(3)
    await creator.createJob({ jobId, taskCount: 2, frameCount: 2, maxFrameCost: 50n, checkerFee: 5n, escrow: 120n })
    await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 1, frameCost: 50n })
    await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
    await checker.submitVerdict({ jobId, taskIndex: 0, accepted: false })
    const before = { state: serialise(dev.chain.snapshot()), info: dev.chain.info(), events: await dev.chain.events(0) }
    await dev.chain.stop()
    await dev.open()
    expect(serialise(dev.chain.snapshot())).toBe(before.state)
    expect(dev.chain.info()).toEqual(before.info)
    expect(await dev.chain.events(0)).toEqual(before.events)
    expect(serialise(await dev.chain.replay())).toBe(before.state)
    // Nonces carry on where they were.
    await new DevLedger(dev.chain, seed(2)).requestWithdraw()
    expect(dev.chain.nonce(worker.address)).toBe(3)
  })

  it('a failed disk write applies nothing: the next transaction takes the same nonce', async () => {
    const { creator } = await actors()
    const before = { state: serialise(dev.chain.snapshot()), info: dev.chain.info() }
    const db = (dev.chain as unknown as { db: { batch: (...a: unknown[]) => Promise<void> } }).db
    const batch = db.batch.bind(db)
    db.batch = () => Promise.reject(new Error('disk full'))
    await expect(creator.addStake(1n)).rejects.toThrow('disk full')
    expect({ state: serialise(dev.chain.snapshot()), info: dev.chain.info() }).toEqual(before)
    db.batch = batch
    await creator.addStake(1n)
    expect(dev.chain.nonce(creator.address)).toBe(2)
    expect(serialise(await dev.chain.replay())).toBe(serialise(dev.chain.snapshot()))
  })

  it('opens a chain created before task deadlines with the default deadline constants, so its tasks still get deadlines', async () => {
    const path = join(dev.dir, 'older')
    const older = { minStake: 1n, slashAmount: 1n, withdrawDelayMs: 0 } as LedgerParams
    const first = new DevChain({ path, params: older })
    await first.start()
    await first.stop()
    const again = new DevChain({ path, params: DEFAULT_LEDGER_PARAMS })
    await again.start()
    expect(again.info().params).toEqual({ ...DEFAULT_LEDGER_PARAMS, ...older })
    await again.stop()
  })
})
