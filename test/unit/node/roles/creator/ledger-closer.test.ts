// The creator closing completed jobs on the ledger: the job records what the
// ledger says (settled with the refund, or what it holds back and why), one
// run per job, and nothing is recorded after the node stops.
import { describe, expect, it, vi } from 'vitest'
import { DevLedger } from '../../../../../node/ledger/dev/dev-ledger.ts'
import { silentLogger } from '../../../../../node/log.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { LedgerCloser, needsClosing } from '../../../../../node/roles/creator/ledger-closer.ts'
import { chainPerTest, registeredActors, rootOf } from '../../ledger/dev/helpers.ts'
import { newJob } from './fixtures.ts'

const dev = chainPerTest('pictor-ledger-closer-')

async function setup(verdict: boolean) {
  const { creator, worker, checker } = await registeredActors((s) => new DevLedger(dev.chain, s), 10_000_000n, 1_000_000n)
  const job: JobRecord = { ...newJob(2, 2), status: 'completed', ledger: { maxFrameCost: '100', checkerFee: '10', escrow: '220' } }
  await creator.createJob({ jobId: job.id, taskCount: 1, frameCount: 2, maxFrameCost: 100n, checkerFee: 10n, escrow: 220n })
  await creator.assignTask({ jobId: job.id, taskIndex: 0, worker: worker.address, frames: 2, frameCost: 90n })
  await worker.commitResult({ jobId: job.id, taskIndex: 0, merkleRoot: rootOf(0) })
  const store = new Map([[job.id, job]])
  const saves: JobRecord[] = []
  const closer = new LedgerCloser(
    {
      ledger: creator,
      job: (id) => store.get(id),
      save: async (j) => {
        saves.push(j)
        store.set(j.id, j)
      },
      logger: silentLogger,
      now: () => 42
    },
    { patienceMs: 60_000, retryMs: 1 }
  )
  if (verdict) await checker.submitVerdict({ jobId: job.id, taskIndex: 0, accepted: true })
  return { job, store, saves, closer, checker }
}

describe('ledger closer', () => {
  it('records the settlement and the refund once the ledger closes the job', async () => {
    const { job, store, closer } = await setup(true)
    closer.close(job.id)
    closer.close(job.id)
    await vi.waitFor(() => expect(store.get(job.id)?.ledger?.refunded).toBe('30'))
    expect(store.get(job.id)?.ledger?.settlement).toEqual({ state: 'settled', unsettledTasks: [], unsettledCount: 0, reason: '', checkedMs: 42 })
    expect(needsClosing(store.get(job.id)!)).toBe(false)
    await closer.stop()
  })

  it('shows the task the ledger holds back while it waits, and records nothing after stop', async () => {
    const { job, store, saves, closer } = await setup(false)
    closer.close(job.id)
    await vi.waitFor(() => expect(store.get(job.id)?.ledger?.settlement?.state).toBe('pending'))
    expect(store.get(job.id)?.ledger?.settlement).toMatchObject({ unsettledTasks: [0], unsettledCount: 1 })
    expect(store.get(job.id)?.ledger?.refunded).toBeUndefined()
    await closer.stop()
    const after = saves.length
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(saves.length).toBe(after)
  })

  it('leaves jobs that are not completed, or already closed, alone', () => {
    const active = newJob()
    expect(needsClosing(active)).toBe(false)
    expect(needsClosing({ ...active, status: 'completed' })).toBe(false)
    expect(needsClosing({ ...active, status: 'completed', ledger: { maxFrameCost: '1', checkerFee: '1', escrow: '3', refunded: '0' } })).toBe(false)
    expect(needsClosing({ ...active, status: 'completed', ledger: { maxFrameCost: '1', checkerFee: '1', escrow: '3' } })).toBe(true)
  })
})
