// The wallet summary folded from events, on an in-process dev ledger.
import { describe, expect, it } from 'vitest'
import { DevLedger } from '../../../../../node/ledger/dev/dev-ledger.ts'
import { formatPic, walletSummary } from '../../../../../node/ledger/wallet.ts'
import { chainPerTest, jobIdOf, registeredActors, rootOf } from './helpers.ts'

const dev = chainPerTest('pictor-wallet-')

describe('wallet summary', () => {
  it('adds up earnings, slashes, escrow and refunds per role', async () => {
    const { creator, worker, checker } = await registeredActors((seed) => new DevLedger(dev.chain, seed), 10_000_000n, 3_000_000n)
    const jobId = jobIdOf(1)
    await creator.createJob({ jobId, taskCount: 1, frameCount: 3, maxFrameCost: 100n, checkerFee: 10n, escrow: 400n })
    for (const accepted of [false, true]) {
      await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 3, frameCost: 90n })
      await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
      await checker.submitVerdict({ jobId, taskIndex: 0, accepted })
    }
    // A top-up counts as escrow locked, and comes back with the refund.
    await creator.topUpJob({ jobId, amount: 50n })
    await creator.closeJob(jobId)

    const w = await walletSummary(worker)
    expect(w).toMatchObject({ balance: 7_000_270n, earnings: { worker: 270n, checker: 0n, slashShares: 0n }, slashed: 1_000_000n, node: { stake: 2_000_000n, verified: 1, rejected: 1 } })
    const k = await walletSummary(checker)
    // A fee per verdict, rejecting or accepting, and no share of the slash.
    expect(k.earnings).toEqual({ worker: 0n, checker: 20n, slashShares: 0n })
    expect(k.history.map((e) => e.type)).not.toContain('WorkerSlashed')
    const c = await walletSummary(creator)
    expect(c).toMatchObject({ escrowLocked: 450n, refunded: 450n - 270n - 20n, earnings: { slashShares: 1_000_000n } })
    expect(c.history.map((e) => e.type)).toContain('WorkerSlashed')
    // Only events that involve the address.
    expect(c.history.every((e) => e.type !== 'CheckerPaid')).toBe(true)
    expect(formatPic(1_234_567n)).toBe('1.234567')
    expect(formatPic(5n)).toBe('0.000005')
  })
})
