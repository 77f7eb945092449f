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
  module: 'registry' | 'job' | 'verify' | 'appeal',
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

/**
 * `create_registry<T>(&AdminCap, min_stake, slash_amount, withdraw_delay_ms,
 * commit_timeout_ms, verdict_timeout_ms, tasks_per_min_stake, max_checkers, appeal_window_ms)`
 */
export function createRegistry(
  options: PackageTarget & {
    adminCap: TransactionObjectInput
    minStake: U64
    slashAmount: U64
    withdrawDelayMs: U64
    commitTimeoutMs: U64
    verdictTimeoutMs: U64
    tasksPerMinStake: U64
    maxCheckers: U64
    appealWindowMs: U64
  }
) {
  return call(options, 'registry', 'create_registry', (tx) => [
    tx.object(options.adminCap),
    tx.pure.u64(options.minStake),
    tx.pure.u64(options.slashAmount),
    tx.pure.u64(options.withdrawDelayMs),
    tx.pure.u64(options.commitTimeoutMs),
    tx.pure.u64(options.verdictTimeoutMs),
    tx.pure.u64(options.tasksPerMinStake),
    tx.pure.u64(options.maxCheckers),
    tx.pure.u64(options.appealWindowMs)
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

/** `assign_task<T>(&mut Job<T>, &mut Registry<T>, task_index, worker: address, frames, frame_cost, &Clock)`; the clock defaults to 0x6. */
export function assignTask(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    worker: string
    frames: U64
    frameCost: U64
    clock?: TransactionObjectInput
  }
) {
  return call(options, 'job', 'assign_task', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    tx.pure.address(options.worker),
    tx.pure.u64(options.frames),
    tx.pure.u64(options.frameCost),
    options.clock === undefined ? tx.object.clock() : tx.object(options.clock)
  ])
}

/** `reclaim_task<T>(&mut Job<T>, &mut Registry<T>, task_index, &Clock)`; the clock defaults to 0x6. */
export function reclaimTask(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    clock?: TransactionObjectInput
  }
) {
  return call(options, 'job', 'reclaim_task', (tx) => onTaskAtClock(tx, options))
}

/** The arguments of a call on a task that reads the clock: job, registry, task_index, &Clock (0x6 by default). */
function onTaskAtClock(tx: Transaction, options: Parameters<typeof reclaimTask>[0]) {
  return [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    options.clock === undefined ? tx.object.clock() : tx.object(options.clock)
  ]
}

/** `top_up_job<T>(&mut Job<T>, escrow: Coin<T>)` */
export function topUpJob(options: PackageTarget & { job: TransactionObjectInput; escrowCoin: TransactionObjectInput }) {
  return call(options, 'job', 'top_up_job', (tx) => [tx.object(options.job), tx.object(options.escrowCoin)])
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
 * `entry commit_result<T>(&mut Job<T>, &mut Registry<T>, task_index, root: vector<u8>, &Random, &Clock)`;
 * Random and the clock default to 0x8 and 0x6. Sui allows only
 * TransferObjects and MergeCoins after a command that uses Random, so this
 * goes last.
 */
export function commitResult(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    root: Uint8Array
    random?: TransactionObjectInput
    clock?: TransactionObjectInput
  }
) {
  return call(options, 'verify', 'commit_result', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    tx.pure.vector('u8', options.root),
    options.random === undefined ? tx.object.random() : tx.object(options.random),
    options.clock === undefined ? tx.object.clock() : tx.object(options.clock)
  ])
}

/** `submit_verdict<T>(&mut Job<T>, &mut Registry<T>, task_index, accepted: bool, &Clock)`; the clock defaults to 0x6. */
export function submitVerdict(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    accepted: boolean
    clock?: TransactionObjectInput
  }
) {
  return call(options, 'verify', 'submit_verdict', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    tx.pure.bool(options.accepted),
    options.clock === undefined ? tx.object.clock() : tx.object(options.clock)
  ])
}

/**
 * `entry redraw_checker<T>(&mut Job<T>, &mut Registry<T>, task_index, &Random, &Clock)`;
 * Random and the clock default to 0x8 and 0x6; as with commit_result, this goes last.
 */
export function redrawChecker(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    random?: TransactionObjectInput
    clock?: TransactionObjectInput
  }
) {
  return call(options, 'verify', 'redraw_checker', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    options.random === undefined ? tx.object.random() : tx.object(options.random),
    options.clock === undefined ? tx.object.clock() : tx.object(options.clock)
  ])
}

// === appeal ===

/**
 * `entry appeal<T>(&mut Job<T>, &mut Registry<T>, task_index, fee: Coin<T>, &Clock, &Random)`;
 * the fee coin must hold exactly the job's checker fee. Clock and Random
 * default to 0x6 and 0x8; as with commit_result, this goes last.
 */
export function appeal(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    feeCoin: TransactionObjectInput
    clock?: TransactionObjectInput
    random?: TransactionObjectInput
  }
) {
  return call(options, 'appeal', 'appeal', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    tx.object(options.feeCoin),
    options.clock === undefined ? tx.object.clock() : tx.object(options.clock),
    options.random === undefined ? tx.object.random() : tx.object(options.random)
  ])
}

/** `judge_appeal<T>(&mut Job<T>, &mut Registry<T>, task_index, accepted: bool)` */
export function judgeAppeal(
  options: PackageTarget & {
    job: TransactionObjectInput
    registry: TransactionObjectInput
    taskIndex: U64
    accepted: boolean
  }
) {
  return call(options, 'appeal', 'judge_appeal', (tx) => [
    tx.object(options.job),
    tx.object(options.registry),
    tx.pure.u64(options.taskIndex),
    tx.pure.bool(options.accepted)
  ])
}

/** `cancel_appeal<T>(&mut Job<T>, &mut Registry<T>, task_index, &Clock)`; the clock defaults to 0x6. */
export function cancelAppeal(options: Parameters<typeof reclaimTask>[0]) {
  return call(options, 'appeal', 'cancel_appeal', (tx) => onTaskAtClock(tx, options))
}
