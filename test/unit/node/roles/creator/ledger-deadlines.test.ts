// A completed job stuck on the ledger settles once its tasks' deadlines
// pass: the creator reclaims a task whose worker never committed there (it
// registered before any checker) and has another checker drawn for one
// whose checker vanished, so no escrow stays locked. The dev chain and the
// creator share one injected clock, moved on while the creator waits.
import { describe, expect, it, vi } from 'vitest'
import { DevLedger } from '../../../../../node/ledger/dev/dev-ledger.ts'
import { jobPayouts, paidOut } from '../../../../../node/ledger/job-payouts.ts'
import { DEFAULT_LEDGER_PARAMS, ROLE } from '../../../../../node/ledger/types.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { closeOnChain } from '../../../../../node/roles/creator/job-ledger.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { LedgerCloser, needsClosing } from '../../../../../node/roles/creator/ledger-closer.ts'
import { chainPerTest, jobIdOf, rootOf, seed } from '../../ledger/dev/helpers.ts'
import { newJob } from './fixtures.ts'

const TIMEOUT_MS = 3_600_000
const clock = { ms: 1_700_000_000_000 }
const dev = chainPerTest('pictor-ledger-deadlines-', { ...DEFAULT_LEDGER_PARAMS, commitTimeoutMs: TIMEOUT_MS, verdictTimeoutMs: TIMEOUT_MS }, () => clock.ms)
const ledgerOf = (i: number) => new DevLedger(dev.chain, seed(i))
const now = () => clock.ms
/** While the creator waits, the hour to the deadline passes. */
const anHourPasses = () => {
  clock.ms += TIMEOUT_MS
}

// One task of 2 frames at 90 (cap 100, fee 10): escrow 2 x 100 + 2 x 10.
const ESCROW = 220n
const JOB_ID = jobIdOf(7)

/** A creator with a one-task job assigned to a worker; `checkers` register (stake 1_000_000) after the worker. */
async function stuckJob(jobId: string, checkers: number[]) {
  const [creator, worker] = [ledgerOf(1), ledgerOf(2)]
  for (const l of [creator, worker]) await l.faucet(l.address, 10_000_000n)
  await creator.register(ROLE.creator, 0n)
  await worker.register(ROLE.worker, 1_000_000n)
  await creator.createJob({ jobId, taskCount: 1, frameCount: 2, maxFrameCost: 100n, checkerFee: 10n, escrow: ESCROW })
  await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 2, frameCost: 90n })
  const others = checkers.map(ledgerOf)
  for (const c of others) {
    await c.faucet(c.address, 10_000_000n)
    await c.register(ROLE.checker, 1_000_000n)
  }
  return { creator, worker, checkers: others }
}

describe('a ledger job past its deadlines', () => {
  it('whose worker registered before any checker: the creator reclaims the task, cancels and closes; the whole escrow comes back', async () => {
    const jobId = JOB_ID
    const { creator, worker } = await stuckJob(jobId, [])
    await expect(worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })).rejects.toMatchObject({ code: 'ENoChecker' })
    // A top-up is escrow like the rest.
    await creator.topUpJob({ jobId, amount: 30n })
    const before = await creator.balance(creator.address)
    const pending: string[] = []
    const { settlement, refunded } = await closeOnChain(creator, jobId, {
      patienceMs: 60_000,
      retryMs: 1,
      now,
      onPending(s) {
        pending.push(s.reason)
        anHourPasses()
      }
    })
    expect(pending).toEqual([
      "task 0 assigned on the ledger but never committed there (the worker's on-chain commitment failed, e.g. no registered checker), reclaimed at the deadline: unpaid on the ledger"
    ])
    expect(refunded).toBe(ESCROW + 30n)
    expect(settlement).toMatchObject({ state: 'failed', unsettledTasks: [0], unsettledCount: 1 })
    expect(settlement.reason).toMatch(/^task 0 never assigned on the ledger .*; the job was cancelled there and its unspent escrow \(250 µPIC\) refunded$/)
    expect(await creator.balance(creator.address)).toBe(before + ESCROW + 30n)
    const payouts = await jobPayouts(creator, jobId)
    expect({ escrow: payouts.escrow, out: paidOut(payouts), closed: payouts.closed }).toEqual({ escrow: ESCROW + 30n, out: ESCROW + 30n, closed: true })
    expect(await creator.job(jobId)).toMatchObject({ status: 'closed', escrow: 0n, reserved: 0n })
    // Its open work ended: the worker may leave.
    expect(await creator.node(worker.address)).toMatchObject({ openTasks: 0, stake: 1_000_000n, rejected: 0 })
  })

  it('whose checker vanished: another is drawn, and with none left the worker is paid unchecked and the job settles', async () => {
    const jobId = JOB_ID
    const { creator, worker, checkers } = await stuckJob(jobId, [3])
    await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
    await checkers[0].requestWithdraw()
    const { settlement, refunded } = await closeOnChain(creator, jobId, { patienceMs: 60_000, retryMs: 1, now, onPending: anHourPasses })
    expect(settlement).toMatchObject({ state: 'settled', unsettledCount: 0 })
    // The checker fee was never earned: it comes back with the rest.
    expect(refunded).toBe(ESCROW - 180n)
    const events = (await creator.events()).filter((e) => 'jobId' in e && e.jobId === jobId).map((e) => e.type)
    expect(events.slice(-4)).toEqual(['CheckerTimedOut', 'WorkerPaid', 'Refunded', 'JobClosed'])
    expect(await creator.balance(worker.address)).toBe(10_000_000n - 1_000_000n + 180n)
    expect(await creator.node(checkers[0].address)).toMatchObject({ openTasks: 0 })
  })

  it('whose checker went silent: the checker drawn instead judges, and the job settles', async () => {
    const jobId = JOB_ID
    const { creator, worker, checkers } = await stuckJob(jobId, [3, 4])
    const { checker: late } = await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
    const next = checkers.find((c) => c.address !== late)!
    const { settlement } = await closeOnChain(creator, jobId, {
      patienceMs: 60_000,
      retryMs: 1,
      now,
      async onPending() {
        const task = await creator.task(jobId, 0)
        if (task.state === 'committed' && task.checker === next.address) await next.submitVerdict({ jobId, taskIndex: 0, accepted: true })
        else anHourPasses()
      }
    })
    expect(settlement.state).toBe('settled')
    expect(await creator.task(jobId, 0)).toMatchObject({ state: 'verified', checker: next.address, redraws: 1 })
    expect(await creator.node(worker.address)).toMatchObject({ verified: 1, openTasks: 0 })
  })

  it('past its patience, the creator waits for the deadline rather than giving up', async () => {
    const jobId = JOB_ID
    const { creator } = await stuckJob(jobId, [])
    // Every look at the clock takes 20 minutes; patience is 10 ms of that clock.
    const slow = () => (clock.ms += 1_200_000)
    const { settlement, refunded } = await closeOnChain(creator, jobId, { patienceMs: 10, retryMs: 1, now: slow })
    expect(settlement.state).toBe('failed')
    expect(refunded).toBe(ESCROW)
  })

  it('the creator service\'s closer records the refund and the unpaid task, and does not close the job again', async () => {
    const jobId = JOB_ID
    const { creator } = await stuckJob(jobId, [])
    const job: JobRecord = { ...newJob(2, 2), id: jobId, status: 'completed', ledger: { maxFrameCost: '100', checkerFee: '10', escrow: String(ESCROW) } }
    const store = new Map([[jobId, job]])
    anHourPasses()
    const closer = new LedgerCloser(
      { ledger: creator, job: (id) => store.get(id), save: async (j) => void store.set(j.id, j), logger: silentLogger, now },
      { patienceMs: 60_000, retryMs: 1 }
    )
    closer.close(jobId)
    await vi.waitFor(() => expect(store.get(jobId)?.ledger?.refunded).toBe(String(ESCROW)))
    expect(store.get(jobId)?.ledger?.settlement).toMatchObject({ state: 'failed', unsettledTasks: [0] })
    expect(needsClosing(store.get(jobId)!)).toBe(false)
    await closer.stop()
  })
})
