import { SuiGrpcClient } from '@mysten/sui/grpc'
import { Transaction } from '@mysten/sui/transactions'
import { normalizeSuiAddress, toHex } from '@mysten/sui/utils'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../../../node/errors.ts'
import { LedgerError, LedgerUnavailableError } from '../../../../../node/ledger/errors.ts'
import type { LedgerCall } from '../../../../../node/ledger/sui/calls.ts'
import { ROLE } from '../../../../../node/ledger/types.ts'
import { EVENT_LAYOUTS } from '../../../../../node/ledger/sui/events.ts'
import { SuiLedger, type SuiTransport } from '../../../../../node/ledger/sui/sui-ledger.ts'
import {
  CONFIG,
  encode,
  encodeJob,
  event,
  failure,
  JOB_ID,
  ledgerPerTest,
  OTHER_JOB_ID,
  success
} from './fake-transport.ts'
import { COIN_TYPE, JOB_OBJECT_ID, keypair, offline, PACKAGE_ID, REGISTRY_ID, SENDER, sharedRef } from './offline.ts'

const f = ledgerPerTest()

/** The Move call in an unbuilt transaction, with its object inputs' ids. */
function moveCall(tx: Transaction) {
  const data = tx.getData()
  const call = data.commands.find((c) => c.$kind === 'MoveCall')!.MoveCall!
  const objectIds = call.arguments.map((a) => {
    if (a.$kind !== 'Input') return undefined
    const input = data.inputs[a.Input]!
    return input.UnresolvedObject?.objectId ?? input.Object?.SharedObject?.objectId
  })
  return { target: `${call.module}::${call.function}`, package: call.package, objectIds, intents: data.commands.filter((c) => c.$kind === '$Intent').length }
}

describe('SuiLedger', () => {
  it('takes a SuiGrpcClient as its transport', () => {
    const client: SuiTransport = new SuiGrpcClient({ network: 'localnet', baseUrl: 'http://127.0.0.1:9000' })
    expect(new SuiLedger(client, keypair, CONFIG).address).toBe(normalizeSuiAddress(SENDER))
  })

  it('rejects a bad config with a one-line ConfigError', () => {
    expect(() => new SuiLedger(f.transport, keypair, { ...CONFIG, packageId: 'pictor' })).toThrow(ConfigError)
    expect(() => new SuiLedger(f.transport, keypair, { ...CONFIG, network: 'moonnet' as 'localnet' })).toThrow(/sui.network/)
    expect(() => new SuiLedger(f.transport, keypair, { ...CONFIG, coinType: 'SUI' })).toThrow(/sui.coinType/)
  })

  const calls: [LedgerCall, string, (string | undefined)[]][] = [
    [{ fn: 'register', role: ROLE.worker, stake: 1_000_000n }, 'registry::register', [REGISTRY_ID, undefined, undefined]],
    [{ fn: 'add_stake', amount: 5 }, 'registry::add_stake', [REGISTRY_ID, undefined]],
    [{ fn: 'request_withdraw' }, 'registry::request_withdraw', [REGISTRY_ID, normalizeSuiAddress('0x6')]],
    [{ fn: 'withdraw' }, 'registry::withdraw', [REGISTRY_ID, normalizeSuiAddress('0x6')]],
    [
      { fn: 'create_job', jobId: OTHER_JOB_ID, taskCount: 2, frameCount: 4, maxFrameCost: 100, checkerFee: 10, escrow: 420 },
      'job::create_job',
      [REGISTRY_ID, undefined, undefined, undefined, undefined, undefined, undefined]
    ],
    [
      { fn: 'assign_task', jobId: JOB_ID, taskIndex: 0, worker: '0xb1', frames: 2, frameCost: 90 },
      'job::assign_task',
      [JOB_OBJECT_ID, REGISTRY_ID, undefined, undefined, undefined, undefined, normalizeSuiAddress('0x6')]
    ],
    [
      { fn: 'commit_result', jobId: `0x${JOB_ID}`, taskIndex: 0, merkleRoot: new Uint8Array(32) },
      'verify::commit_result',
      [JOB_OBJECT_ID, REGISTRY_ID, undefined, undefined, normalizeSuiAddress('0x8'), normalizeSuiAddress('0x6')]
    ],
    [{ fn: 'reclaim_task', jobId: JOB_ID, taskIndex: 1 }, 'job::reclaim_task', [JOB_OBJECT_ID, REGISTRY_ID, undefined, normalizeSuiAddress('0x6')]],
    [
      { fn: 'redraw_checker', jobId: JOB_ID, taskIndex: 1 },
      'verify::redraw_checker',
      [JOB_OBJECT_ID, REGISTRY_ID, undefined, normalizeSuiAddress('0x8'), normalizeSuiAddress('0x6')]
    ],
    [{ fn: 'top_up_job', jobId: JOB_ID, amount: 60 }, 'job::top_up_job', [JOB_OBJECT_ID, undefined]],
    [
      { fn: 'submit_verdict', jobId: JOB_ID, taskIndex: 0, accepted: true },
      'verify::submit_verdict',
      [JOB_OBJECT_ID, REGISTRY_ID, undefined, undefined, normalizeSuiAddress('0x6')]
    ],
    [{ fn: 'judge_appeal', jobId: JOB_ID, taskIndex: 0, accepted: false }, 'appeal::judge_appeal', [JOB_OBJECT_ID, REGISTRY_ID, undefined, undefined]],
    [{ fn: 'cancel_appeal', jobId: JOB_ID, taskIndex: 0 }, 'appeal::cancel_appeal', [JOB_OBJECT_ID, REGISTRY_ID, undefined, normalizeSuiAddress('0x6')]],
    [{ fn: 'cancel_job', jobId: JOB_ID }, 'job::cancel_job', [JOB_OBJECT_ID]],
    [{ fn: 'close_job', jobId: JOB_ID }, 'job::close_job', [JOB_OBJECT_ID]]
  ]
  for (const [call, target, objectIds] of calls) {
    it(`prepares ${call.fn} as ${target}, the job id resolved to its object`, async () => {
      const prepared = moveCall(await f.ledger.prepare(call))
      expect(prepared.target).toBe(target)
      expect(normalizeSuiAddress(prepared.package)).toBe(PACKAGE_ID)
      expect(prepared.objectIds).toEqual(objectIds)
      // stake and escrow are paid with a coin of the registry's type
      expect(prepared.intents).toBe(['register', 'add_stake', 'create_job', 'top_up_job'].includes(call.fn) ? 1 : 0)
    })
  }

  it('prepares appeal as appeal::appeal, paying exactly the job\'s checker fee with a coin', async () => {
    f.transport.objects.set(JOB_OBJECT_ID, encodeJob({ checker_fee: 37 }))
    const tx = await f.ledger.prepare({ fn: 'appeal', jobId: JOB_ID, taskIndex: 1 })
    const prepared = moveCall(tx)
    expect(prepared.target).toBe('appeal::appeal')
    expect(prepared.objectIds).toEqual([JOB_OBJECT_ID, REGISTRY_ID, undefined, undefined, normalizeSuiAddress('0x6'), normalizeSuiAddress('0x8')])
    expect(prepared.intents).toBe(1)
    const intent = tx.getData().commands.find((c) => c.$kind === '$Intent')!.$Intent!
    expect(intent.data).toMatchObject({ balance: 37n })
  })

  it('resolves a job id once through the registry and caches it', async () => {
    expect(await f.ledger.resolveJob(JOB_ID)).toBe(JOB_OBJECT_ID)
    expect(await f.ledger.resolveJob(`0x${JOB_ID}`)).toBe(JOB_OBJECT_ID)
    expect(f.transport.fieldReads).toBe(1)
  })

  it('answers an unknown job id with EUnknownJob and a malformed one with EMalformed', async () => {
    await expect(f.ledger.resolveJob(OTHER_JOB_ID)).rejects.toMatchObject({ code: 'EUnknownJob' })
    await expect(f.ledger.prepare({ fn: 'cancel_job', jobId: 'abcd' })).rejects.toMatchObject({ code: 'EMalformed' })
  })

  it('validates inputs at the boundary with the ledger error codes', async () => {
    const rejects = (call: LedgerCall, code: string) => expect(f.ledger.prepare(call)).rejects.toMatchObject({ code })
    await rejects({ fn: 'add_stake', amount: -1 }, 'EMalformed')
    await rejects({ fn: 'add_stake', amount: 1.5 }, 'EMalformed')
    await rejects({ fn: 'add_stake', amount: 2n ** 64n }, 'EOverflow')
    await rejects({ fn: 'register', role: 300 as 1, stake: 0 }, 'EMalformed')
    await rejects({ fn: 'commit_result', jobId: JOB_ID, taskIndex: 0, merkleRoot: 'ab'.repeat(31) }, 'EMalformed')
    await rejects({ fn: 'assign_task', jobId: JOB_ID, taskIndex: 0, worker: 'bob', frames: 1, frameCost: 1 }, 'EMalformed')
    await rejects({ fn: 'submit_verdict', jobId: JOB_ID, taskIndex: 0, accepted: 'yes' as unknown as boolean }, 'EMalformed')
  })

  it('signs with the node key, executes, decodes our events and learns new jobs', async () => {
    const created = encode(EVENT_LAYOUTS.job.JobCreated, {
      job: normalizeSuiAddress('0x0b1ec7'),
      job_id: Buffer.from(OTHER_JOB_ID, 'hex'),
      creator: SENDER,
      task_count: 2,
      frame_count: 4,
      max_frame_cost: 100,
      checker_fee: 10,
      escrow: 420
    })
    f.transport.next = success([
      event(`${normalizeSuiAddress('0x2')}::coin::CoinEvent`, new Uint8Array([1])),
      event(`${PACKAGE_ID}::job::JobCreated`, created)
    ])
    const receipt = await f.ledger.execute(fullyResolved())

    expect(receipt.digest).toBe('D1gest')
    expect(receipt.suiEvents[0]).toMatchObject({ type: 'JobCreated', job: normalizeSuiAddress('0x0b1ec7') })
    expect(receipt.events).toEqual([
      {
        type: 'JobCreated',
        jobId: OTHER_JOB_ID,
        creator: normalizeSuiAddress(SENDER),
        taskCount: 2,
        frameCount: 4,
        maxFrameCost: 100n,
        checkerFee: 10n,
        escrow: 420n,
        seq: -1,
        txDigest: 'D1gest',
        timestampMs: expect.any(Number)
      }
    ])
    const [sent] = f.transport.executed
    expect(await keypair.getPublicKey().verifyTransaction(sent!.transaction, sent!.signatures[0]!)).toBe(true)
    expect(f.transport.waited).toEqual(['D1gest'])
    expect(await f.ledger.resolveJob(OTHER_JOB_ID)).toBe(normalizeSuiAddress('0x0b1ec7'))
    expect(f.transport.fieldReads).toBe(0)
  })

  it('maps a Move abort of the package to the LedgerError of that name', async () => {
    f.transport.next = failure({
      $kind: 'MoveAbort',
      message: 'MoveAbort in 1st command, abort code: 10',
      MoveAbort: { abortCode: '10', location: { package: PACKAGE_ID.slice(2), module: 'job', functionName: 'cancel_job' } }
    })
    const error = await f.ledger.execute(fullyResolved()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LedgerError)
    expect(error).toMatchObject({ code: 'ENotCreator' })
  })

  it('keeps transport failures retryable', async () => {
    f.transport.next = new Error('connect ECONNREFUSED 127.0.0.1:9000')
    const error = await f.ledger.execute(fullyResolved()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LedgerUnavailableError)
    expect(error).toMatchObject({ retryable: true })
  })

  it('returns the checker and beacon of a commitment', async () => {
    const beacon = new Uint8Array(32).fill(9)
    f.transport.next = success([
      event(
        `${PACKAGE_ID}::verify::CheckerAssigned`,
        encode(EVENT_LAYOUTS.verify.CheckerAssigned, { job_id: Buffer.from(JOB_ID, 'hex'), task_index: 0, checker: '0xcc', beacon })
      )
    ])
    // The fake has no client to resolve Random: execute an offline transaction instead.
    const prepared = await f.ledger.prepare({ fn: 'commit_result', jobId: JOB_ID, taskIndex: 0, merkleRoot: beacon })
    expect(moveCall(prepared).target).toBe('verify::commit_result')
    const receipt = await f.ledger.execute(fullyResolved())
    expect(receipt.events[0]).toMatchObject({ type: 'CheckerAssigned', checker: normalizeSuiAddress('0xcc'), beacon: toHex(beacon), seq: -1 })
  })
})

function fullyResolved(): Transaction {
  const tx = offline(new Transaction())
  tx.moveCall({ target: `${PACKAGE_ID}::job::close_job`, typeArguments: [COIN_TYPE], arguments: [tx.object(sharedRef(JOB_OBJECT_ID, true))] })
  return tx
}
