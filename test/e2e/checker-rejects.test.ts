// A checker that rejects honest work to profit from it no longer pays, with
// real node processes and a devchain: checker-1 (--checker-rejects) is the
// only checker registered on the ledger, so the beacon draws it for every
// result; it earns exactly the checker fee per verdict, as an accepting
// checker does, and none of the slashed stake, which goes to the creator.
// Then a wronged worker appeals on the ledger, checker-2 (registered only
// now, so the appeal draw can only pick it) overturns the rejection, and
// checker-1's stake pays the worker. Nodes do not appeal on their own: the
// test drives appeal and judge_appeal through the Ledger client of the
// worker's and checker-2's keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ledger, LedgerEvent } from '../../node/ledger/types.ts'
import { walletSummary } from '../../node/ledger/wallet.ts'
import { openDataDir } from '../../node/store/data-dir.ts'
import { Testnet } from '../../testnet/launcher.ts'
import { allEvents, rejectingPays, rejectionReport, runUntilStalled } from '../../testnet/rejecting-checker.ts'
import { pictor } from './helpers/cli.ts'
import { waitFor } from './helpers/nodes.ts'

const STAKE = 1_000_000n
let testnet: Testnet

beforeAll(async () => {
  testnet = new Testnet({
    workers: 2,
    checkers: 2,
    logLevel: 'warn',
    unfunded: ['checker-2'],
    extraArgs: { worker: ['--threads', '1'], checker: ['--threads', '1'] },
    nodeArgs: { 'checker-1': ['--checker-rejects'] }
  })
  await testnet.start()
  await testnet.waitReady()
})

afterAll(async () => {
  await testnet?.stop()
})

const slashesOf = (events: LedgerEvent[], jobId: string) => events.filter((e): e is Extract<LedgerEvent, { type: 'WorkerSlashed' }> => e.type === 'WorkerSlashed' && e.jobId === jobId)
const ledgerOf = async (name: string): Promise<Ledger> => testnet.ledger(new Uint8Array((await openDataDir(testnet.node(name).dataDir)).seed))
const ledgerJob = async (id: string) => JSON.parse((await pictor(['ledger', 'job', id, '--ledger', testnet.ledgerUrl!, '--json'])).stdout)

describe('a checker that rejects honest work', () => {
  it('earns the fee per verdict an honest checker earns and none of the slash; an appeal makes it pay the worker', { timeout: 360_000 }, async () => {
    const ledger = await testnet.ledger()
    const workers = ['worker-1', 'worker-2'].map((n) => testnet.node(n).suiAddress)
    const [rejecter, honest] = ['checker-1', 'checker-2'].map((n) => testnet.node(n).suiAddress)
    const creator = testnet.node('creator').suiAddress

    // Every worker's honest result is rejected and the creator excludes it: the job stalls.
    const view = await runUntilStalled(testnet)
    expect(view.workers.length).toBeGreaterThan(0)
    expect(view.workers.every((w) => w.banned)).toBe(true)
    const jobId = view.id
    // The rejecter attests on chain after it answers the creator: wait until every admitted worker was
    // slashed there and no committed task awaits a verdict (a slashed worker has no stake left to take another).
    const admitted = view.workers.map((w) => testnet.nodes.find((n) => n.peerId === w.peerId)!.suiAddress)
    await waitFor(
      async () => {
        const slashed = slashesOf(await allEvents(ledger), jobId)
        return admitted.every((a) => slashed.some((e) => e.worker === a)) && (await ledger.job(jobId))?.pendingTasks === 0
      },
      // Generous: under a full test run on two cores the on-chain verdicts trail the creator by a minute or more.
      180_000,
      'every admitted worker slashed on the ledger, no verdict pending'
    )

    const report = await rejectionReport(testnet, jobId)
    const r = report.checkers.find((c) => c.name === 'checker-1')!
    expect(r.accepted).toBe(0)
    expect(r.rejected).toBeGreaterThanOrEqual(admitted.length)
    // Exactly the job's checker fee per verdict, and not a unit of the slashed stake.
    expect(r.fees).toBe(BigInt(r.rejected) * report.checkerFee)
    expect(r.slashShares).toBe(0n)
    expect(r.balance).toBe(r.funded - r.staked + r.fees)
    expect(rejectingPays(report)).toBe(false)
    // The slash went to the creator: one stake per excluded worker (a slashed worker has none left).
    expect(report.slashedToCreator).toBe(BigInt(admitted.length) * STAKE)
    expect([...report.slashedWorkers.keys()].sort()).toEqual([...admitted].sort())
    expect((await walletSummary(ledger, creator)).earnings.slashShares).toBe(report.slashedToCreator)
    const shown = await ledgerJob(jobId)
    expect(shown.payouts.checkers).toEqual({ [rejecter]: String(r.fees) })
    expect(shown.payouts.slashedToCreator).toBe(String(report.slashedToCreator))

    // The wronged worker appeals its task's last verdict; only checker-2 can be drawn once registered.
    expect((await pictor(['wallet', 'fund', '--data-dir', testnet.node('checker-2').dataDir, '--ledger', testnet.ledgerUrl!, '--devchain-dir', testnet.devchainDir])).code).toBe(0)
    await waitFor(async () => (await ledger.node(honest)) !== undefined, 60_000, 'checker-2 registered')
    const last = slashesOf(await allEvents(ledger), jobId).at(-1)!
    expect(workers).toContain(last.worker)
    const appellant = await ledgerOf(testnet.nodes.find((n) => n.suiAddress === last.worker)!.name)
    const before = await ledger.balance(last.worker)
    const opened = await appellant.appeal({ jobId, taskIndex: last.taskIndex })
    expect(opened.checker).toBe(honest)
    expect(opened.events[0]).toMatchObject({ type: 'AppealOpened', appellant: last.worker, verdictChecker: rejecter, fee: report.checkerFee })

    // checker-2 judges the honest result as what it is: the rejection is overturned.
    const judged = await (await ledgerOf('checker-2')).judgeAppeal({ jobId, taskIndex: last.taskIndex, accepted: true })
    expect(judged.events).toMatchObject([{ type: 'AppealJudged', checker: honest, overturned: true, verdictChecker: rejecter, slashed: STAKE, slashedTo: last.worker, fee: report.checkerFee }])
    expect(await ledger.balance(last.worker)).toBe(before - report.checkerFee + STAKE)
    expect((await ledger.node(rejecter))?.stake).toBe(0n)
    // The honest checker earned the same fee for its verdict as the rejecter for each of its own.
    const after = await ledgerJob(jobId)
    expect(after.payouts.appealFees).toEqual({ [honest]: String(report.checkerFee) })
    expect(after.payouts.slashedCheckers).toEqual({ [rejecter]: String(STAKE) })
    expect(after.payouts.slashedToWorkers).toEqual({ [last.worker]: String(STAKE) })
  })
})
