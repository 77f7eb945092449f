// Transaction builders for the Move package in contracts/: one function per
// entry point, each returning `(tx) => tx.moveCall(...)` (the shape of
// MystenLabs/ts-sdks packages/walrus/src/contracts/). Arguments follow the
// Move signatures one to one, in order; TxContext is implicit. Objects are
// anything `tx.object()` takes: an id (resolved online when the transaction
// is built) or a full ref (`Inputs.SharedObjectRef`, `Inputs.ObjectRef`) to
// build offline. test/unit/node/ledger/sui/ checks both against the sources.

import type { Transaction, TransactionArgument, TransactionObjectInput } from '@mysten/sui/transactions'
import type { LedgerRole } from '../types.ts'

export type U64 = number | bigint

/** Every call names the package and the coin type `T` of `Registry<T>` / `Job<T>`. */
export interface PackageTarget {
  package: string
  coinType: string
}

/** 1 creator, 2 worker, 3 checker (`ROLE` in ../types.ts). */
export type { LedgerRole } from '../types.ts'

function call(
  target: PackageTarget,
  module: 'registry' | 'job' | 'verify',
  fn: string,
  args: (tx: Transaction) => TransactionArgument[]
) {
  return (tx: Transaction) =>
    tx.moveCall({
      package: target.package,
      module,
      function: fn,
      typeArguments: [target.coinType],
      arguments: args(tx)
    })
}

// === registry ===

/** `create_registry<T>(&AdminCap, min_stake, slash_amount, withdraw_delay_ms)` */
export function createRegistry(
  options: PackageTarget & {
    adminCap: TransactionObjectInput
    minStake: U64
    slashAmount: U64
    withdrawDelayMs: U64
  }
) {
  return call(options, 'registry', 'create_registry', (tx) => [
    tx.object(options.adminCap),
    tx.pure.u64(options.minStake),
    tx.pure.u64(options.slashAmount),
    tx.pure.u64(options.withdrawDelayMs)
  ])
}

/** `register<T>(&mut Registry<T>, role: u8, stake: Coin<T>)` */
export function registerNode(
  options: PackageTarget & { registry: TransactionObjectInput; role: LedgerRole; stakeCoin: TransactionObjectInput }
) {
  return call(options, 'registry', 'register', (tx) => [
    tx.object(options.registry),
    tx.pure.u8(options.role),
    tx.object(options.stakeCoin)
  ])
}

/** `add_stake<T>(&mut Registry<T>, stake: Coin<T>)` */
export function addStake(
  options: PackageTarget & { registry: TransactionObjectInput; stakeCoin: TransactionObjectInput }
) {
  return call(options, 'registry', 'add_stake', (tx) => [tx.object(options.registry), tx.object(options.stakeCoin)])
}

/** `request_withdraw<T>(&mut Registry<T>, &Clock)`; the clock defaults to 0x6. */
export function requestWithdraw(
  options: PackageTarget & { registry: TransactionObjectInput; clock?: TransactionObjectInput }
) {
  return call(options, 'registry', 'request_withdraw', (tx) => [
    tx.object(options.registry),
    options.clock === undefined ? tx.object.clock() : tx.object(options.clock)
  ])
}

/** `withdraw<T>(&mut Registry<T>, &Clock)`; the stake comes back as a coin to the sender. */
export function withdraw(options: PackageTarget & { registry: TransactionObjectInput; clock?: TransactionObjectInput }) {
  return call(options, 'registry', 'withdraw', (tx) => [
    tx.object(options.registry),
    options.clock === undefined ? tx.object.clock() : tx.object(options.clock)
  ])
}

// === job ===

/** `create_job<T>(&mut Registry<T>, job_id: vector<u8>, task_count, frame_count, max_frame_cost, checker_fee, escrow: Coin<T>): ID` */
export function createJob(
  options: PackageTarget & {
    registry: TransactionObjectInput
    jobId: Uint8Array
    taskCount: U64
    frameCount: U64
    maxFrameCost: U64
    checkerFee: U64
    escrowCoin: TransactionObjectInput
  }
) {
  return call(options, 'job', 'create_job', (tx) => [
    tx.object(options.registry),
    tx.pure.vector('u8', options.jobId),
    tx.pure.u64(options.taskCount),
    tx.pure.u64(options.frameCount),
    tx.pure.u64(options.maxFrameCost),
    tx.pure.u64(options.checkerFee),
    tx.object(options.escrowCoin)
  ])
}

/** `assign_task<T>(&mut Job<T>, &Registry<T>, task_index, worker: address, frames, frame_cost)` */
export function assignTask(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    worker: string
    frames: U64
    frameCost: U64
  }
) {
  return call(options, 'job', 'assign_task', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    tx.pure.address(options.worker),
    tx.pure.u64(options.frames),
    tx.pure.u64(options.frameCost)
  ])
}

/** `cancel_job<T>(&mut Job<T>)` */
export function cancelJob(options: PackageTarget & { job: TransactionObjectInput }) {
  return call(options, 'job', 'cancel_job', (tx) => [tx.object(options.job)])
}

/** `close_job<T>(&mut Job<T>)` */
export function closeJob(options: PackageTarget & { job: TransactionObjectInput }) {
  return call(options, 'job', 'close_job', (tx) => [tx.object(options.job)])
}

// === verify ===

/**
 * `entry commit_result<T>(&mut Job<T>, &Registry<T>, task_index, root: vector<u8>, &Random)`;
 * the Random object defaults to 0x8. Sui allows only TransferObjects and
 * MergeCoins after a command that uses Random, so this goes last.
 */
export function commitResult(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    root: Uint8Array
    random?: TransactionObjectInput
  }
) {
  return call(options, 'verify', 'commit_result', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    tx.pure.vector('u8', options.root),
    options.random === undefined ? tx.object.random() : tx.object(options.random)
  ])
}

/** `submit_verdict<T>(&mut Job<T>, &mut Registry<T>, task_index, accepted: bool)` */
export function submitVerdict(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    accepted: boolean
  }
) {
  return call(options, 'verify', 'submit_verdict', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    tx.pure.bool(options.accepted)
  ])
}
