// The creator's settlement with the ledger, on an in-process dev ledger: a
// job is closed only once the ledger has verified every task, closing is
// retried while verdicts arrive, and what the ledger holds back is said.
import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { DevLedger } from '../../../../../node/ledger/dev/dev-ledger.ts'
import { LedgerError } from '../../../../../node/ledger/errors.ts'
import type { ChainTask, Ledger } from '../../../../../node/ledger/types.ts'
import { closeOnChain, MAX_LISTED_UNSETTLED, settlementOf, unassignableWorker } from '../../../../../node/roles/creator/job-ledger.ts'
import { chainPerTest, jobIdOf, registeredActors, rootOf, seed } from '../../ledger/dev/helpers.ts'

const dev = chainPerTest('pictor-job-ledger-')
const ledgerOf = (s: Uint8Array) => new DevLedger(dev.chain, s)
const jobId = jobIdOf(7)

/** A two-task job: task 0 verified; task 1 as `second` leaves it. */
async function twoTaskJob(second: 'open' | 'assigned' | 'committed') {
  const actors = await registeredActors(ledgerOf, 10_000_000n, 1_000_000n)
  const { creator, worker, checker } = actors
  await creator.createJob({ jobId, taskCount: 2, frameCount: 4, maxFrameCost: 100n, checkerFee: 10n, escrow: 500n })
  await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 2, frameCost: 90n })
  await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
  await checker.submitVerdict({ jobId, taskIndex: 0, accepted: true })
  if (second !== 'open') await creator.assignTask({ jobId, taskIndex: 1, worker: worker.address, frames: 2, frameCost: 90n })
  if (second === 'committed') await worker.commitResult({ jobId, taskIndex: 1, merkleRoot: rootOf(1) })
  return actors
}

describe('settlement of a job on the ledger', () => {
  it('closes once the last verdict arrives, retrying meanwhile, and records the refund', async () => {
    const { creator, checker } = await twoTaskJob('committed')
    const pending: string[] = []
    const { settlement, refunded } = await closeOnChain(creator, jobId, {
      patienceMs: 60_000,
      retryMs: 1,
      now: () => 0,
      async onPending(s) {
        pending.push(`${s.state} ${s.unsettledTasks.join(',')}: ${s.reason}`)
        // The checker's verdict lands between two attempts.
        if (pending.length === 2) await checker.submitVerdict({ jobId, taskIndex: 1, accepted: true })
      }
    })
    expect(pending).toEqual(Array(2).fill("pending 1: task 1 committed on the ledger, waiting for the checker's verdict: unpaid on the ledger"))
    expect(settlement).toMatchObject({ state: 'settled', unsettledTasks: [], unsettledCount: 0, reason: '' })
    expect(refunded).toBe(500n - 2n * 180n - 20n)
    expect(await creator.job(jobId)).toMatchObject({ status: 'closed', verifiedTasks: 2 })
  })

  it('cancels and closes at once when a task was never assigned on the ledger, so its escrow is not locked; names the task', async () => {
    const { creator } = await twoTaskJob('open')
    const { settlement, refunded } = await closeOnChain(creator, jobId, { patienceMs: 60_000, retryMs: 1, now: () => 0 })
    // Everything but task 0's pay and fee comes back.
    expect(refunded).toBe(500n - 180n - 10n)
    expect(settlement).toMatchObject({ state: 'failed', unsettledTasks: [1], unsettledCount: 1 })
    expect(settlement.reason).toMatch(/^task 1 never assigned on the ledger .*: unpaid on the ledger; the job was cancelled there and its unspent escrow \(310 µPIC\) refunded$/)
    expect(await creator.job(jobId)).toMatchObject({ status: 'closed', verifiedTasks: 1, escrow: 0n })
  })

  it('gives up when nothing settles for its patience and no task has a ledger deadline to wait for', async () => {
    // A task record without a deadline (written before deadlines existed).
    const committed = { state: 'committed', attempts: 1, worker: 'w', frames: 1, frameCost: 1n, merkleRoot: 'r', checker: 'c', beacon: 'b', redraws: 0 } as unknown as ChainTask
    const ledger = {
      closeJob: () => Promise.reject(new LedgerError('ETasksPending', '1 task is not verified')),
      job: async () => ({ taskCount: 1 }),
      task: async () => committed
    } as unknown as Ledger
    let clock = 0
    const now = () => (clock += 400)
    const { settlement } = await closeOnChain(ledger, jobId, { patienceMs: 1_000, retryMs: 1, now })
    expect(settlement.state).toBe('failed')
    expect(settlement.reason).toMatch(/task 0 committed on the ledger, waiting for the checker's verdict: unpaid on the ledger \(nothing settled for 1 s\)$/)
  })

  it('reads back the refund of a job closed by an earlier run', async () => {
    const { creator, checker } = await twoTaskJob('committed')
    await checker.submitVerdict({ jobId, taskIndex: 1, accepted: true })
    const first = await closeOnChain(creator, jobId, { patienceMs: 0, now: () => 0 })
    const again = await closeOnChain(creator, jobId, { patienceMs: 0, now: () => 0 })
    expect(again).toEqual(first)
  })

  it('stops waiting when the node stops', async () => {
    const { creator } = await twoTaskJob('committed')
    const stop = new AbortController()
    const closing = closeOnChain(creator, jobId, { patienceMs: 60_000, retryMs: 60_000, now: () => 0, signal: stop.signal, onPending: () => stop.abort() })
    await expect(closing).rejects.toThrow(/abort/i)
  })

  it('sums up mixed states, listing a bounded number of tasks', () => {
    const terms = { worker: 'w', frames: 1, frameCost: 1n, deadline: 9 }
    const result = { ...terms, merkleRoot: 'r', checker: 'c', beacon: 'b', redraws: 0 }
    const s = settlementOf(
      [
        { index: 4, task: { state: 'assigned', attempts: 1, ...terms } },
        { index: 2, task: { state: 'committed', attempts: 1, ...result } },
        { index: 3, task: { state: 'open', attempts: 0 } }
      ],
      5
    )
    expect(s).toMatchObject({ state: 'pending', unsettledTasks: [2, 3, 4], unsettledCount: 3, checkedMs: 5 })
    expect(s.reason).toBe(
      "task 2 committed on the ledger, waiting for the checker's verdict; task 4 assigned on the ledger but never committed there (the worker's on-chain commitment failed, e.g. no registered checker), reclaimed at the deadline; task 3 never assigned on the ledger (the worker was not an active worker there): unpaid on the ledger"
    )
    const many = settlementOf(Array.from({ length: 200 }, (_, index) => ({ index, task: { state: 'open' as const, attempts: 0 } })), 0)
    expect(many).toMatchObject({ state: 'failed', unsettledCount: 200 })
    expect(many.unsettledTasks).toHaveLength(MAX_LISTED_UNSETTLED)
    expect(many.reason).toBe('tasks 0, 1, 2, 3, 4, 5, 6, 7 and 192 more never assigned on the ledger (the worker was not an active worker there): unpaid on the ledger')
  })
})

describe('admission on a ledger job', () => {
  it('admits only workers the ledger can assign tasks to', async () => {
    const key = (i: number) => nodeEd25519.publicKey(seed(i))
    const ledger = ledgerOf(seed(9))
    expect(await unassignableWorker(ledger, key(2))).toMatch(/is not registered on the ledger$/)
    const { creator, worker, checker } = await registeredActors(ledgerOf, 10_000_000n, 1_000_000n)
    expect(await unassignableWorker(ledger, key(2))).toBeUndefined()
    expect(await unassignableWorker(ledger, key(3))).toMatch(/is registered on the ledger as a checker$/)
    // A rejected result slashes the whole minimum stake: the ledger assigns that worker nothing more.
    await creator.createJob({ jobId, taskCount: 1, frameCount: 1, maxFrameCost: 100n, checkerFee: 10n, escrow: 120n })
    await creator.assignTask({ jobId, taskIndex: 0, worker: worker.address, frames: 1, frameCost: 90n })
    await worker.commitResult({ jobId, taskIndex: 0, merkleRoot: rootOf(0) })
    await checker.submitVerdict({ jobId, taskIndex: 0, accepted: false })
    expect(await unassignableWorker(ledger, key(2))).toMatch(/has a stake of 0, below the minimum 1000000$/)
    const down = { node: () => Promise.reject(new Error('connect ECONNREFUSED')) }
    expect(await unassignableWorker(down, key(2))).toBe('the ledger did not answer: connect ECONNREFUSED')
  })
})
