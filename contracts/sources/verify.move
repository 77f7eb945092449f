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
use sui::event;
use sui::random::Random;

const EBadArgs: u64 = 9;
const ETaskState: u64 = 11;
const ENotAssignedWorker: u64 = 14;
const ENoChecker: u64 = 15;
const ENotAssignedChecker: u64 = 16;

const ROOT_LENGTH: u64 = 32;
const BEACON_LENGTH: u16 = 32;

// === Events ===

public struct ResultCommitted has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    worker: address,
    root: vector<u8>,
}

/// `checker` is `eligible[pick(beacon)]`, where eligible is
/// `registry::eligible_checkers` at commit time; checkers also derive the
/// frames and tiles to sample from `beacon`.
public struct CheckerAssigned has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    checker: address,
    beacon: vector<u8>,
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

public struct WorkerSlashed has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    worker: address,
    amount: u64,
    to_checker: u64,
    to_creator: u64,
}

/// The assigned worker commits `root` (32 bytes) for its task, and the
/// beacon assigns a checker. Private `entry`, as Sui requires of functions
/// taking `Random`: no other Move code can call it and abort on a checker
/// it dislikes.
entry fun commit_result<T>(
    job: &mut Job<T>,
    registry: &Registry<T>,
    task_index: u64,
    root: vector<u8>,
    random: &Random,
    ctx: &mut TxContext,
) {
    assert!(root.length() == ROOT_LENGTH, EBadArgs);
    let worker = ctx.sender();
    assert!(
        job.has_task(task_index) && job.borrow_task(task_index).worker() == worker,
        ENotAssignedWorker,
    );
    assert!(job.borrow_task(task_index).is_assigned(), ETaskState);
    let eligible = registry.eligible_checkers(worker, job.creator());
    assert!(!eligible.is_empty(), ENoChecker);
    let mut generator = random.new_generator(ctx);
    let beacon = generator.generate_bytes(BEACON_LENGTH);
    let checker = eligible[pick(&beacon, eligible.length())];
    let job_id = job.job_id();
    event::emit(ResultCommitted { job_id, task_index, worker, root: copy root });
    event::emit(CheckerAssigned { job_id, task_index, checker, beacon: copy beacon });
    job.task_mut(task_index).commit(root, checker, beacon);
}

/// The assigned checker's verdict. Accepted: the worker is paid
/// frames * frame_cost and the task is Verified. Rejected: the worker's stake
/// is slashed by min(stake, slash_amount), half (rounded down) to the checker
/// and the rest to the creator, and the task is Open again. The checker is
/// paid its fee either way.
public fun submit_verdict<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    accepted: bool,
    ctx: &mut TxContext,
) {
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
    event::emit(VerdictSubmitted { job_id, task_index, checker, accepted });
    if (accepted) {
        job.pay(payout, worker, ctx);
        registry.record_verified(worker);
        job.task_mut(task_index).verify();
        event::emit(WorkerPaid { job_id, task_index, worker, amount: payout });
    } else {
        job.release(payout);
        let mut slashed = registry.slash(worker);
        let amount = slashed.value();
        let to_checker = amount / 2;
        funds::send(slashed.split(to_checker), checker, ctx);
        funds::send(slashed, job.creator(), ctx);
        job.task_mut(task_index).reopen();
        event::emit(WorkerSlashed {
            job_id,
            task_index,
            worker,
            amount,
            to_checker,
            to_creator: amount - to_checker,
        });
    };
    job.pay(fee, checker, ctx);
    job.settle(accepted);
    event::emit(CheckerPaid { job_id, task_index, checker, amount: fee });
}

/// The beacon's first 8 bytes as a big-endian u64, modulo `count`: anyone
/// can recompute the pick from the CheckerAssigned event.
public fun pick(beacon: &vector<u8>, count: u64): u64 {
    let mut value = 0u64;
    let mut i = 0;
    while (i < 8) {
        value = (value << 8) | (beacon[i] as u64);
        i = i + 1;
    };
    value % count
}
