import { bcs } from '@mysten/sui/bcs'
import { normalizeSuiAddress, toHex } from '@mysten/sui/utils'
import { describe, expect, it } from 'vitest'
import { EVENT_LAYOUTS } from '../../../../../node/ledger/sui/events.ts'
import { NODE_LAYOUT, TASK_LAYOUT } from '../../../../../node/ledger/sui/state.ts'
import {
  encode,
  encodeJob,
  event,
  failure,
  JOB_ID,
  JOBS_ID,
  ledgerPerTest,
  NODES_ID,
  OTHER_JOB_ID,
  success,
  TASKS_ID
} from './fake-transport.ts'
import { JOB_OBJECT_ID, PACKAGE_ID, REGISTRY_ID, SENDER } from './offline.ts'

const f = ledgerPerTest()

describe('SuiLedger reads', () => {
  it('reads the registry, a node, a job, a task and a balance as the Ledger interface reports them', async () => {
    const worker = normalizeSuiAddress('0xb1')
    f.transport.setField(
      NODES_ID,
      bcs.Address.serialize(worker).toBytes(),
      encode(NODE_LAYOUT, { role: 2, stake: 2_000_000, verified: 3, rejected: 1, withdraw_at: 0, open_tasks: 2 })
    )
    f.transport.objects.set(JOB_OBJECT_ID, encodeJob({ reserved: 190, tasks_size: 1, pending: 1, open: false, appeal_fees: 10 }))
    const root = new Uint8Array(32).fill(0xab)
    const checker = normalizeSuiAddress('0xcc')
    f.transport.setField(
      TASKS_ID,
      bcs.u64().serialize(0).toBytes(),
      encode(TASK_LAYOUT, {
        state: 2,
        worker,
        frames: 2,
        frame_cost: 90,
        root,
        checker,
        beacon: root,
        attempts: 1,
        deadline: 1_700_000_000_000,
        redraws: 1
      })
    )
    f.transport.balances.set(worker, 77n)

    expect(await f.ledger.registry()).toMatchObject({ jobsId: JOBS_ID, checkers: [checker], minStake: 1_000_000n })
    expect(await f.ledger.node('0xb1')).toEqual({ address: worker, role: 2, stake: 2_000_000n, verified: 3, rejected: 1, withdrawAt: 0, openTasks: 2 })
    expect(await f.ledger.node('0xb2')).toBeUndefined()
    expect(await f.ledger.job(JOB_ID)).toEqual({
      jobId: JOB_ID,
      creator: normalizeSuiAddress(SENDER),
      registry: REGISTRY_ID,
      taskCount: 2,
      frameCount: 4,
      maxFrameCost: 100n,
      checkerFee: 10n,
      escrow: 500n,
      reserved: 190n,
      status: 'cancelled',
      verifiedTasks: 0,
      pendingTasks: 1,
      appealFees: 10n
    })
    expect(await f.ledger.job(OTHER_JOB_ID)).toBeUndefined()
    expect(await f.ledger.task(JOB_ID, 0)).toEqual({
      state: 'committed',
      attempts: 1,
      worker,
      frames: 2,
      frameCost: 90n,
      merkleRoot: toHex(root),
      checker,
      beacon: toHex(root),
      deadline: 1_700_000_000_000,
      redraws: 1
    })
    expect(await f.ledger.task(JOB_ID, 1)).toEqual({ state: 'open', attempts: 0 })
    await expect(f.ledger.task(JOB_ID, 2)).rejects.toMatchObject({ code: 'EBadArgs' })
    await expect(f.ledger.task(OTHER_JOB_ID, 0)).rejects.toMatchObject({ code: 'EUnknownJob' })
    expect(await f.ledger.balance(worker)).toBe(77n)
    await expect(f.ledger.faucet()).rejects.toMatchObject({ code: 'EMalformed' })
  })

  it('numbers the package events of successful transactions in ledger order, page by page', async () => {
    const paid = (amount: number) =>
      event(
        `${PACKAGE_ID}::verify::CheckerPaid`,
        encode(EVENT_LAYOUTS.verify.CheckerPaid, {
          job_id: Buffer.from(JOB_ID, 'hex'),
          task_index: 0,
          checker: '0xcc',
          amount
        })
      )
    const registryCreated = event(
      `${PACKAGE_ID}::registry::RegistryCreated`,
      encode(EVENT_LAYOUTS.registry.RegistryCreated, {
        registry: REGISTRY_ID,
        min_stake: 1,
        slash_amount: 1,
        withdraw_delay_ms: 1,
        commit_timeout_ms: 1,
        verdict_timeout_ms: 1,
        tasks_per_min_stake: 1,
        max_checkers: 1,
        appeal_window_ms: 1
      })
    )
    f.transport.pages.push(
      { transactions: [success([registryCreated], 'T0', 10), success([paid(1), paid(2)], 'T1', 11)], hasNextPage: true, endCursor: 'c1' },
      { transactions: [], hasNextPage: true, endCursor: 'c2' },
      {
        transactions: [failure({ $kind: 'Unknown', message: 'x', Unknown: null }), success([paid(3)], 'T3', 13)],
        hasNextPage: false,
        endCursor: 'c3'
      }
    )
    const all = await f.ledger.events()
    expect(all.map((e) => [e.seq, e.txDigest, e.type === 'CheckerPaid' ? e.amount : null, e.timestampMs])).toEqual([
      [0, 'T1', 1n, 11],
      [1, 'T1', 2n, 11],
      [2, 'T3', 3n, 13]
    ])
    expect(f.transport.listedAfter).toEqual([null, 'c1', 'c2'])
    expect((await f.ledger.events({ fromSeq: 1, limit: 1 })).map((e) => e.seq)).toEqual([1])
    // a later query past the end asks for what came after the last cursor
    expect(await f.ledger.events({ fromSeq: 3 })).toEqual([])
    expect(f.transport.listedAfter.at(-1)).toBe('c3')
  })

})
