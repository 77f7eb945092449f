// The ledger calls of contracts/LEDGER-API.md as data, and the transaction
// each one becomes. Inputs that cannot form a transaction are refused here,
// at the boundary, with the codes the dev ledger uses for the same input
// (EMalformed, EOverflow); everything else is the Move package's to judge.

import { coinWithBalance, Transaction } from '@mysten/sui/transactions'
import { fromHex, normalizeSuiAddress } from '@mysten/sui/utils'
import type { LedgerCall as SharedLedgerCall } from '../call-ledger.ts'
import { LedgerError } from '../errors.ts'
import * as contracts from './contracts.ts'

export type U64 = contracts.U64
/** A 32-byte value: bytes, or 64 hex characters with or without 0x. */
export type Bytes32 = Uint8Array | string

/** The calls of ../call-ledger.ts as this adapter takes them: amounts and counts as number or bigint, 32 bytes as bytes or hex. */
export type LedgerCall = SharedLedgerCall<{ amount: U64; count: U64; bytes32: Bytes32; role: contracts.LedgerRole }>

export type CallOf<F extends LedgerCall['fn']> = Omit<Extract<LedgerCall, { fn: F }>, 'fn'>

/** The calls that act on an existing job (and so need its object id). */
export type JobCall = Extract<
  LedgerCall,
  {
    fn:
      | 'assign_task'
      | 'commit_result'
      | 'submit_verdict'
      | 'cancel_job'
      | 'close_job'
      | 'appeal'
      | 'judge_appeal'
      | 'cancel_appeal'
      | 'reclaim_task'
      | 'redraw_checker'
      | 'top_up_job'
  }
>

export function isJobCall(call: LedgerCall): call is JobCall {
  return call.fn !== 'create_job' && 'jobId' in call
}

const U64_MAX = 2n ** 64n - 1n

export function toU64(value: U64, name: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new LedgerError('EMalformed', `${name} must be an integer, got ${value}`)
  }
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw new LedgerError('EMalformed', `${name} must be a number or bigint`)
  }
  const n = BigInt(value)
  if (n < 0n) throw new LedgerError('EMalformed', `${name} must not be negative, got ${n}`)
  if (n > U64_MAX) throw new LedgerError('EOverflow', `${name} exceeds 2^64 - 1, got ${n}`)
  return n
}

export function toBytes32(value: Bytes32, name: string): Uint8Array {
  if (typeof value === 'string') {
    const hex = value.startsWith('0x') ? value.slice(2) : value
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new LedgerError('EMalformed', `${name} must be 32 bytes of hex`)
    return fromHex(hex)
  }
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    throw new LedgerError('EMalformed', `${name} must be 32 bytes`)
  }
  return value
}

export function toAddress(value: string, name: string): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) {
    throw new LedgerError('EMalformed', `${name} is not a Sui address: ${String(value).slice(0, 80)}`)
  }
  return normalizeSuiAddress(value)
}

export function toBool(value: boolean, name: string): boolean {
  if (typeof value !== 'boolean') throw new LedgerError('EMalformed', `${name} must be a boolean`)
  return value
}

export interface CallContext {
  packageId: string
  coinType: string
  registryId: string
  /** The job's object id, for a JobCall. */
  jobObjectId?: string
  /** The job's checker fee, for an appeal: the fee coin holds exactly this. */
  checkerFee?: bigint
}

/** The unsigned transaction for `call`: one Move call (plus the coin it pays with). */
export function transactionFor(call: LedgerCall, context: CallContext): Transaction {
  const tx = new Transaction()
  tx.add(moveCallFor(call, context))
  return tx
}

function moveCallFor(call: LedgerCall, context: CallContext) {
  const target = { package: context.packageId, coinType: context.coinType }
  const registry = context.registryId
  const coin = (amount: U64, name: string) => coinWithBalance({ type: context.coinType, balance: toU64(amount, name) })
  const job = () => {
    if (context.jobObjectId === undefined) throw new Error(`${call.fn} needs the job's object id`)
    return context.jobObjectId
  }
  /** What the calls on one task of a job name first. */
  const onTask = (taskIndex: U64) => ({ ...target, registry, job: job(), taskIndex: toU64(taskIndex, 'taskIndex') })
  switch (call.fn) {
    case 'register':
      // Outside u8 the call cannot be formed; 0 and 4..255 reach the ledger and abort EBadRole.
      if (!Number.isInteger(call.role) || call.role < 0 || call.role > 255) {
        throw new LedgerError('EMalformed', `role must be an integer 0-255, got ${call.role}`)
      }
      return contracts.registerNode({ ...target, registry, role: call.role, stakeCoin: coin(call.stake, 'stake') })
    case 'add_stake':
      return contracts.addStake({ ...target, registry, stakeCoin: coin(call.amount, 'amount') })
    case 'request_withdraw':
      return contracts.requestWithdraw({ ...target, registry })
    case 'withdraw':
      return contracts.withdraw({ ...target, registry })
    case 'create_job':
      return contracts.createJob({
        ...target,
        registry,
        jobId: toBytes32(call.jobId, 'jobId'),
        taskCount: toU64(call.taskCount, 'taskCount'),
        frameCount: toU64(call.frameCount, 'frameCount'),
        maxFrameCost: toU64(call.maxFrameCost, 'maxFrameCost'),
        checkerFee: toU64(call.checkerFee, 'checkerFee'),
        escrowCoin: coin(call.escrow, 'escrow')
      })
    case 'assign_task':
      return contracts.assignTask({
        ...onTask(call.taskIndex),
        worker: toAddress(call.worker, 'worker'),
        frames: toU64(call.frames, 'frames'),
        frameCost: toU64(call.frameCost, 'frameCost')
      })
    case 'commit_result':
      return contracts.commitResult({ ...onTask(call.taskIndex), root: toBytes32(call.merkleRoot, 'merkleRoot') })
    case 'submit_verdict':
      return contracts.submitVerdict({ ...onTask(call.taskIndex), accepted: toBool(call.accepted, 'accepted') })
    case 'cancel_job':
      return contracts.cancelJob({ ...target, job: job() })
    case 'close_job':
      return contracts.closeJob({ ...target, job: job() })
    case 'appeal': {
      if (context.checkerFee === undefined) throw new Error(`appeal needs the job's checker fee`)
      return contracts.appeal({ ...onTask(call.taskIndex), feeCoin: coin(context.checkerFee, 'checkerFee') })
    }
    case 'judge_appeal':
      return contracts.judgeAppeal({ ...onTask(call.taskIndex), accepted: toBool(call.accepted, 'accepted') })
    case 'cancel_appeal':
      return contracts.cancelAppeal(onTask(call.taskIndex))
    case 'reclaim_task':
      return contracts.reclaimTask(onTask(call.taskIndex))
    case 'redraw_checker':
      return contracts.redrawChecker(onTask(call.taskIndex))
    case 'top_up_job':
      return contracts.topUpJob({ ...target, job: job(), escrowCoin: coin(call.amount, 'amount') })
  }
}
