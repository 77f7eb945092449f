// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// Results and verdicts: the worker commits the Merkle root of its frames,
/// Sui's `Random` picks the checker in the same transaction (so the beacon
/// cannot be known before the commitment exists), and the assigned checker's
/// verdict pays or slashes.
module pictor::verify;

use pictor::funds;
use pictor::job::Job;
use pictor::registry::Registry;
use pictor::verdict;
use sui::clock::Clock;
use sui::event;
use sui::random::Random;

const EBadArgs: u64 = 9;
const ETaskState: u64 = 11;
const ENotAssignedWorker: u64 = 14;
const ENoChecker: u64 = 15;
const ENotAssignedChecker: u64 = 16;
const ETooEarly: u64 = 5;

const ROOT_LENGTH: u64 = 32;
const BEACON_LENGTH: u16 = 32;
/// After this many redraws for one commitment, a missed verdict pays the
/// worker unchecked: offline or colluding checkers cannot hold a task forever.
const MAX_REDRAWS: u64 = 3;

// === Events ===

public struct ResultCommitted has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    worker: address,
    root: vector<u8>,
}

/// `checker` is `eligible[pick(beacon)]`, where eligible is
/// `registry::eligible_checkers` at commit time (at a redraw, also without
/// the checker that timed out); checkers also derive the frames and tiles
/// to sample from `beacon`.
public struct CheckerAssigned has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    checker: address,
    beacon: vector<u8>,
}

/// `checker` did not submit its verdict by the task's deadline; a
/// CheckerAssigned (a new draw) or a WorkerPaid (no other checker) follows.
public struct CheckerTimedOut has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    checker: address,
}

public struct VerdictSubmitted has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    checker: address,
    accepted: bool,
}

public struct WorkerPaid has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    worker: address,
    amount: u64,
}

public struct CheckerPaid has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    checker: address,
    amount: u64,
}

/// All of `amount` goes to the job's creator (for the delay and the
/// re-check); none to the checker, so rejecting never pays it more than
/// accepting.
public struct WorkerSlashed has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    worker: address,
    amount: u64,
}

/// The assigned worker commits `root` (32 bytes) for its task, and the
/// beacon assigns a checker, whose verdict is due within the registry's
/// verdict_timeout_ms. Private `entry`, as Sui requires of functions taking
/// `Random`: no other Move code can call it and abort on a checker it
/// dislikes.
entry fun commit_result<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    root: vector<u8>,
    random: &Random,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    assert!(root.length() == ROOT_LENGTH, EBadArgs);
    job.check_registry(registry);
    let worker = ctx.sender();
    assert!(
        job.has_task(task_index) && job.borrow_task(task_index).worker() == worker,
        ENotAssignedWorker,
    );
    assert!(job.borrow_task(task_index).is_assigned(), ETaskState);
    let mut generator = random.new_generator(ctx);
    let beacon = generator.generate_bytes(BEACON_LENGTH);
    let drawn = registry.draw_checker(&beacon, &vector[worker, job.creator()]);
    assert!(drawn.is_some(), ENoChecker);
    let checker = drawn.destroy_some();
    let job_id = job.job_id();
    event::emit(ResultCommitted { job_id, task_index, worker, root: copy root });
    event::emit(CheckerAssigned { job_id, task_index, checker, beacon: copy beacon });
    job.task_mut(task_index).commit(root, checker, beacon);
    job.task_mut(task_index).set_deadline(clock.timestamp_ms() + registry.verdict_timeout_ms());
    registry.add_open_task(checker);
}

/// Anyone, once a Committed task's verdict is overdue: the checker that
/// missed it owes it no more, and a new one is drawn with a fresh beacon
/// among the active checkers other than it, the worker and the creator,
/// with a new deadline. With no such checker, or after MAX_REDRAWS redraws,
/// the worker is paid as if accepted and the checker fee stays in the
/// escrow (the worker's verified count is not raised: no checker saw it).
/// Private `entry` for the same reason as commit_result.
entry fun redraw_checker<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    random: &Random,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    job.check_registry(registry);
    assert!(job.has_task(task_index) && job.borrow_task(task_index).is_committed(), ETaskState);
    let now = clock.timestamp_ms();
    assert!(now >= job.borrow_task(task_index).deadline(), ETooEarly);
    let job_id = job.job_id();
    let late = job.borrow_task(task_index).checker();
    let worker = job.borrow_task(task_index).worker();
    registry.remove_open_task(late);
    event::emit(CheckerTimedOut { job_id, task_index, checker: late });
    let mut generator = random.new_generator(ctx);
    let beacon = generator.generate_bytes(BEACON_LENGTH);
    let drawn = if (job.borrow_task(task_index).redraws() < MAX_REDRAWS) {
        registry.draw_checker(&beacon, &vector[late, worker, job.creator()])
    } else {
        option::none()
    };
    if (drawn.is_some()) {
        let checker = drawn.destroy_some();
        event::emit(CheckerAssigned { job_id, task_index, checker, beacon: copy beacon });
        let deadline = now + registry.verdict_timeout_ms();
        job.task_mut(task_index).redraw(checker, beacon, deadline);
        registry.add_open_task(checker);
    } else {
        let payout = job.borrow_task(task_index).payout();
        job.pay(payout, worker, ctx);
        let fee = job.checker_fee();
        job.release(fee);
        job.task_mut(task_index).verify();
        job.settle(true);
        registry.remove_open_task(worker);
        event::emit(WorkerPaid { job_id, task_index, worker, amount: payout });
    };
}

/// The assigned checker's verdict. Accepted: the worker is paid
/// frames * frame_cost and the task is Verified. Rejected: the worker's stake
/// is slashed by min(stake, slash_amount), all of it to the creator, and the
/// task is Open again. The checker is paid its fee either way, and nothing
/// else: rejecting never pays it more than accepting. The verdict is kept
/// for `appeal::appeal` (the creator or the worker may appeal it for
/// appeal_window_ms).
public fun submit_verdict<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    accepted: bool,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    job.check_registry(registry);
    let checker = ctx.sender();
    assert!(
        job.has_task(task_index) && job.borrow_task(task_index).checker() == checker,
        ENotAssignedChecker,
    );
    assert!(job.borrow_task(task_index).is_committed(), ETaskState);
    let job_id = job.job_id();
    let worker = job.borrow_task(task_index).worker();
    let payout = job.borrow_task(task_index).payout();
    let fee = job.checker_fee();
    let root = job.borrow_task(task_index).root();
    job.record_verdict(
        task_index,
        verdict::new_verdict(worker, checker, root, accepted, clock.timestamp_ms()),
    );
    event::emit(VerdictSubmitted { job_id, task_index, checker, accepted });
    registry.remove_open_task(worker);
    registry.remove_open_task(checker);
    if (accepted) {
        job.pay(payout, worker, ctx);
        registry.record_verified(worker);
        job.task_mut(task_index).verify();
        event::emit(WorkerPaid { job_id, task_index, worker, amount: payout });
    } else {
        job.release(payout);
        let slashed = registry.slash(worker);
        let amount = slashed.value();
        funds::send(slashed, job.creator(), ctx);
        job.task_mut(task_index).reopen();
        event::emit(WorkerSlashed { job_id, task_index, worker, amount });
    };
    job.pay(fee, checker, ctx);
    job.settle(accepted);
    event::emit(CheckerPaid { job_id, task_index, checker, amount: fee });
}

/// The beacon's first 8 bytes as a big-endian u64, modulo `count`: anyone
/// can recompute the pick from the CheckerAssigned event
/// (`registry::draw_checker` applies it to the eligible checkers).
public fun pick(beacon: &vector<u8>, count: u64): u64 {
    pictor::registry::pick(beacon, count)
}
