// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// Jobs: a shared object per job holding its escrow and its tasks. The
/// creator locks the escrow, assigns tasks to workers, and cancels or closes
/// the job; results and verdicts are in `pictor::verify`.
///
/// Escrow accounting: `reserved` is what Assigned and Committed tasks may
/// still pay (frames * frame_cost + checker_fee each). Assignments only take
/// from the unreserved part, so a payout never exceeds the escrow.
module pictor::job;

use pictor::funds;
use pictor::registry::Registry;
use pictor::task::{Self, Task};
use pictor::verdict::{Appeal, Verdict};
use sui::balance::{Self, Balance};
use sui::clock::Clock;
use sui::coin::Coin;
use sui::event;
use sui::table::{Self, Table};

const EStakeTooLow: u64 = 3;
const ETooEarly: u64 = 5;
const EEscrowTooLow: u64 = 8;
const EBadArgs: u64 = 9;
const ENotCreator: u64 = 10;
const ETaskState: u64 = 11;
const EPriceAboveCap: u64 = 12;
const ENotWorker: u64 = 13;
const EJobClosed: u64 = 17;
const ETasksPending: u64 = 18;
const EOverflow: u64 = 19;
const ERegistryMismatch: u64 = 20;

const JOB_ID_LENGTH: u64 = 32;
const U64_MAX: u256 = 18446744073709551615;

public struct Job<phantom T> has key {
    id: UID,
    /// The registry the job was created in: every call on its tasks must
    /// pass that one (ERegistryMismatch), so no other registry's workers,
    /// checkers or constants can act on it.
    registry: ID,
    job_id: vector<u8>,
    creator: address,
    escrow: Balance<T>,
    reserved: u64,
    task_count: u64,
    frame_count: u64,
    max_frame_cost: u64,
    checker_fee: u64,
    tasks: Table<u64, Task>,
    /// Tasks Assigned or Committed.
    pending: u64,
    /// Tasks Verified.
    verified: u64,
    /// Accepting assignments: false once cancelled or closed.
    open: bool,
    closed: bool,
    /// Per task: its last verdict, and the last appeal against one.
    verdicts: Table<u64, Verdict>,
    appeals: Table<u64, Appeal>,
    /// Appeal fees paid in and not yet paid to the appeal's checker: apart
    /// from the escrow, which they never count toward.
    appeal_fees: Balance<T>,
}

// === Events ===

public struct JobCreated has copy, drop {
    job: ID,
    job_id: vector<u8>,
    creator: address,
    task_count: u64,
    frame_count: u64,
    max_frame_cost: u64,
    checker_fee: u64,
    escrow: u64,
}

public struct TaskAssigned has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    worker: address,
    frames: u64,
    frame_cost: u64,
}

/// The creator took back an Assigned task whose commitment was not made by
/// its deadline: Open again, its reservation released, no slash.
public struct TaskReclaimed has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    worker: address,
}

public struct JobToppedUp has copy, drop {
    job_id: vector<u8>,
    creator: address,
    amount: u64,
    escrow: u64,
}

public struct JobCancelled has copy, drop {
    job_id: vector<u8>,
    refunded: u64,
}

public struct JobClosed has copy, drop {
    job_id: vector<u8>,
    refunded: u64,
}

public struct Refunded has copy, drop {
    job_id: vector<u8>,
    creator: address,
    amount: u64,
}

// === Creator calls ===

/// Shares a job whose escrow covers every frame at the price cap plus one
/// checker fee per task, and returns the job object's id.
public fun create_job<T>(
    registry: &mut Registry<T>,
    job_id: vector<u8>,
    task_count: u64,
    frame_count: u64,
    max_frame_cost: u64,
    checker_fee: u64,
    escrow: Coin<T>,
    ctx: &mut TxContext,
): ID {
    assert!(job_id.length() == JOB_ID_LENGTH, EBadArgs);
    assert!(task_count > 0 && frame_count >= task_count, EBadArgs);
    // Two checker fees per task: one re-check after a rejected result.
    let required =
        (frame_count as u256) * (max_frame_cost as u256)
            + 2 * (task_count as u256) * (checker_fee as u256);
    assert!(required <= U64_MAX, EOverflow);
    let id = object::new(ctx);
    let job_object = id.to_inner();
    registry.add_job(job_id, job_object);
    let amount = escrow.value();
    assert!((amount as u256) >= required, EEscrowTooLow);
    let creator = ctx.sender();
    event::emit(JobCreated {
        job: job_object,
        job_id,
        creator,
        task_count,
        frame_count,
        max_frame_cost,
        checker_fee,
        escrow: amount,
    });
    transfer::share_object(Job {
        id,
        registry: object::id(registry),
        job_id,
        creator,
        escrow: escrow.into_balance(),
        reserved: 0,
        task_count,
        frame_count,
        max_frame_cost,
        checker_fee,
        tasks: table::new(ctx),
        pending: 0,
        verified: 0,
        open: true,
        closed: false,
        verdicts: table::new(ctx),
        appeals: table::new(ctx),
        appeal_fees: balance::zero(),
    });
    job_object
}

/// Gives task `task_index` (0-based) to `worker` for `frames` frames at
/// `frame_cost` each, reserving that plus the checker fee from the escrow.
/// The commitment is due within the registry's commit_timeout_ms.
public fun assign_task<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    worker: address,
    frames: u64,
    frame_cost: u64,
    clock: &Clock,
    ctx: &TxContext,
) {
    job.check_registry(registry);
    assert!(ctx.sender() == job.creator, ENotCreator);
    assert!(job.open, EJobClosed);
    assert!(task_index < job.task_count && frames > 0, EBadArgs);
    if (!job.tasks.contains(task_index)) job.tasks.add(task_index, task::new());
    assert!(job.tasks.borrow(task_index).is_open(), ETaskState);
    assert!(frame_cost <= job.max_frame_cost, EPriceAboveCap);
    assert!(registry.is_active_worker(worker), ENotWorker);
    assert!(registry.has_capacity(worker), EStakeTooLow);
    let hold = (frames as u256) * (frame_cost as u256) + (job.checker_fee as u256);
    let free = job.escrow.value() - job.reserved;
    assert!(hold <= (free as u256), EEscrowTooLow);
    job.reserved = job.reserved + (hold as u64);
    job.pending = job.pending + 1;
    job.tasks.borrow_mut(task_index).assign(worker, frames, frame_cost);
    job
        .tasks
        .borrow_mut(task_index)
        .set_deadline(clock.timestamp_ms() + registry.commit_timeout_ms());
    registry.add_open_task(worker);
    event::emit(TaskAssigned { job_id: job.job_id, task_index, worker, frames, frame_cost });
}

/// Takes back an Assigned task whose worker did not commit by the deadline:
/// the task is Open again (assignable to another worker), its reservation
/// returns to the unreserved escrow and the worker's open work ends. No
/// slash: silence is not cheating.
public fun reclaim_task<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    clock: &Clock,
    ctx: &TxContext,
) {
    job.check_registry(registry);
    assert!(ctx.sender() == job.creator, ENotCreator);
    assert!(
        job.tasks.contains(task_index) && job.tasks.borrow(task_index).is_assigned(),
        ETaskState,
    );
    let task = job.tasks.borrow(task_index);
    assert!(clock.timestamp_ms() >= task.deadline(), ETooEarly);
    let worker = task.worker();
    let hold = task.payout() + job.checker_fee;
    job.release(hold);
    job.pending = job.pending - 1;
    job.tasks.borrow_mut(task_index).reopen();
    registry.remove_open_task(worker);
    event::emit(TaskReclaimed { job_id: job.job_id, task_index, worker });
}

/// Adds `escrow` to the job (for another re-check, or a price the cap did
/// not foresee); allowed until the job is closed.
public fun top_up_job<T>(job: &mut Job<T>, escrow: Coin<T>, ctx: &TxContext) {
    assert!(ctx.sender() == job.creator, ENotCreator);
    assert!(!job.closed, EJobClosed);
    let amount = escrow.value();
    job.escrow.join(escrow.into_balance());
    event::emit(JobToppedUp {
        job_id: job.job_id,
        creator: job.creator,
        amount,
        escrow: job.escrow.value(),
    });
}

/// Stops new assignments and refunds everything not reserved by Assigned or
/// Committed tasks; those may still commit and settle.
public fun cancel_job<T>(job: &mut Job<T>, ctx: &mut TxContext) {
    assert!(ctx.sender() == job.creator, ENotCreator);
    assert!(job.open, EJobClosed);
    job.open = false;
    let amount = job.escrow.value() - job.reserved;
    job.refund(amount, ctx);
    event::emit(JobCancelled { job_id: job.job_id, refunded: amount });
}

/// Refunds the rest of the escrow and closes the job: when every task is
/// Verified, or after a cancel once no task is Assigned or Committed.
public fun close_job<T>(job: &mut Job<T>, ctx: &mut TxContext) {
    assert!(ctx.sender() == job.creator, ENotCreator);
    assert!(!job.closed, EJobClosed);
    let settled = if (job.open) job.verified == job.task_count else job.pending == 0;
    assert!(settled, ETasksPending);
    job.open = false;
    job.closed = true;
    let amount = job.escrow.value();
    job.refund(amount, ctx);
    event::emit(JobClosed { job_id: job.job_id, refunded: amount });
}

fun refund<T>(job: &mut Job<T>, amount: u64, ctx: &mut TxContext) {
    event::emit(Refunded { job_id: job.job_id, creator: job.creator, amount });
    funds::send(job.escrow.split(amount), job.creator, ctx);
}

// === Package calls (verify, appeal) ===

/// Aborts unless `registry` is the one the job was created in.
public(package) fun check_registry<T>(job: &Job<T>, registry: &Registry<T>) {
    assert!(object::id(registry) == job.registry, ERegistryMismatch);
}

/// Keeps `verdict` as the task's last verdict, replacing the one before.
public(package) fun record_verdict<T>(job: &mut Job<T>, task_index: u64, verdict: Verdict) {
    if (job.verdicts.contains(task_index)) {
        *job.verdicts.borrow_mut(task_index) = verdict;
    } else {
        job.verdicts.add(task_index, verdict);
    }
}

public(package) fun verdict_mut<T>(job: &mut Job<T>, task_index: u64): &mut Verdict {
    job.verdicts.borrow_mut(task_index)
}

/// Opens `appeal` on the task, replacing a judged one, and holds its fee.
public(package) fun open_appeal<T>(
    job: &mut Job<T>,
    task_index: u64,
    appeal: Appeal,
    fee: Balance<T>,
) {
    if (job.appeals.contains(task_index)) {
        *job.appeals.borrow_mut(task_index) = appeal;
    } else {
        job.appeals.add(task_index, appeal);
    };
    job.appeal_fees.join(fee);
}

/// Marks the task's appeal judged and hands over the fee held for it.
public(package) fun close_appeal<T>(job: &mut Job<T>, task_index: u64): Balance<T> {
    job.appeals.borrow_mut(task_index).mark_judged();
    let fee = job.checker_fee;
    job.appeal_fees.split(fee)
}

/// Marks the task's appeal cancelled and hands back the fee held for it.
public(package) fun cancel_appeal<T>(job: &mut Job<T>, task_index: u64): Balance<T> {
    job.appeals.borrow_mut(task_index).mark_cancelled();
    let fee = job.checker_fee;
    job.appeal_fees.split(fee)
}

public(package) fun task_mut<T>(job: &mut Job<T>, task_index: u64): &mut Task {
    job.tasks.borrow_mut(task_index)
}

/// Pays `amount` of the reserved escrow to `to`.
public(package) fun pay<T>(job: &mut Job<T>, amount: u64, to: address, ctx: &mut TxContext) {
    job.reserved = job.reserved - amount;
    funds::send(job.escrow.split(amount), to, ctx);
}

/// Returns `amount` of the reserved escrow to the unreserved part.
public(package) fun release<T>(job: &mut Job<T>, amount: u64) {
    job.reserved = job.reserved - amount;
}

/// A verdict ended the task's pending state: Verified, or Open again.
public(package) fun settle<T>(job: &mut Job<T>, accepted: bool) {
    job.pending = job.pending - 1;
    if (accepted) {
        job.verified = job.verified + 1;
    };
}

// === Reads ===

public fun job_id<T>(job: &Job<T>): vector<u8> { job.job_id }

public fun registry<T>(job: &Job<T>): ID { job.registry }

public fun appeal_fees<T>(job: &Job<T>): u64 { job.appeal_fees.value() }

public fun has_verdict<T>(job: &Job<T>, task_index: u64): bool {
    job.verdicts.contains(task_index)
}

public fun borrow_verdict<T>(job: &Job<T>, task_index: u64): &Verdict {
    job.verdicts.borrow(task_index)
}

public fun has_appeal<T>(job: &Job<T>, task_index: u64): bool {
    job.appeals.contains(task_index)
}

public fun borrow_appeal<T>(job: &Job<T>, task_index: u64): &Appeal {
    job.appeals.borrow(task_index)
}

public fun creator<T>(job: &Job<T>): address { job.creator }

public fun escrow<T>(job: &Job<T>): u64 { job.escrow.value() }

public fun reserved<T>(job: &Job<T>): u64 { job.reserved }

public fun task_count<T>(job: &Job<T>): u64 { job.task_count }

public fun frame_count<T>(job: &Job<T>): u64 { job.frame_count }

public fun max_frame_cost<T>(job: &Job<T>): u64 { job.max_frame_cost }

public fun checker_fee<T>(job: &Job<T>): u64 { job.checker_fee }

public fun pending<T>(job: &Job<T>): u64 { job.pending }

public fun verified<T>(job: &Job<T>): u64 { job.verified }

public fun is_open<T>(job: &Job<T>): bool { job.open }

public fun is_closed<T>(job: &Job<T>): bool { job.closed }

public fun has_task<T>(job: &Job<T>, task_index: u64): bool {
    job.tasks.contains(task_index)
}

public fun borrow_task<T>(job: &Job<T>, task_index: u64): &Task {
    job.tasks.borrow(task_index)
}
