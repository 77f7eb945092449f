// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// Appeals: a check on the checker. Within appeal_window_ms of a verdict,
/// the job's creator or the task's worker may pay one checker fee to have a
/// second checker, drawn after the appeal, judge the same result. If it
/// disagrees, the first checker's stake is slashed and paid to the party its
/// verdict wronged. The task itself is not touched: payments already made
/// stand, and the slash is the compensation.
module pictor::appeal;

use pictor::funds;
use pictor::job::Job;
use pictor::registry::Registry;
use pictor::verdict;
use sui::clock::Clock;
use sui::coin::Coin;
use sui::event;
use sui::random::Random;

const EBadArgs: u64 = 9;
const ETooEarly: u64 = 5;
const ENoChecker: u64 = 15;
const ENotAppellant: u64 = 21;
const EAppealWindow: u64 = 22;
const EAppealExists: u64 = 23;
const ENoVerdict: u64 = 24;
const ENotAppealChecker: u64 = 25;

const BEACON_LENGTH: u16 = 32;

// === Events ===

/// `checker` is the draw among the active checkers without the verdict's
/// checker, the worker and the creator; it checks `root` with `beacon` as a
/// commit's checker does.
public struct AppealOpened has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    appellant: address,
    worker: address,
    verdict_checker: address,
    root: vector<u8>,
    checker: address,
    beacon: vector<u8>,
    fee: u64,
}

/// `overturned`: the appeal's verdict differs from the first; then
/// `verdict_checker` lost `slashed` of its stake to `slashed_to` (the worker
/// if the first verdict rejected, the creator if it accepted; @0x0 and 0
/// otherwise). The appeal's checker is paid `fee` either way.
public struct AppealJudged has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    checker: address,
    accepted: bool,
    overturned: bool,
    verdict_checker: address,
    slashed: u64,
    slashed_to: address,
    fee: u64,
}

/// The appeal's checker did not judge by the deadline and the appellant
/// took its fee back; the checker owes the appeal no more.
public struct AppealCancelled has copy, drop {
    job_id: vector<u8>,
    task_index: u64,
    appellant: address,
    checker: address,
    fee: u64,
}

/// Appeals the task's last verdict, paying `fee` (exactly the job's checker
/// fee), and draws the checker that judges it. Private `entry`, as Sui
/// requires of functions taking `Random`.
entry fun appeal<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    fee: Coin<T>,
    clock: &Clock,
    random: &Random,
    ctx: &mut TxContext,
) {
    job.check_registry(registry);
    assert!(job.has_verdict(task_index), ENoVerdict);
    let appellant = ctx.sender();
    let last = job.borrow_verdict(task_index);
    assert!(appellant == job.creator() || appellant == last.worker(), ENotAppellant);
    assert!(clock.timestamp_ms() - last.at_ms() <= registry.appeal_window_ms(), EAppealWindow);
    assert!(
        !last.appealed() && !(job.has_appeal(task_index) && !job.borrow_appeal(task_index).is_judged()),
        EAppealExists,
    );
    let mut generator = random.new_generator(ctx);
    let beacon = generator.generate_bytes(BEACON_LENGTH);
    let excluded = vector[last.checker(), last.worker(), job.creator()];
    let drawn = registry.draw_checker(&beacon, &excluded);
    assert!(drawn.is_some(), ENoChecker);
    assert!(fee.value() == job.checker_fee(), EBadArgs);
    let checker = drawn.destroy_some();
    let deadline = clock.timestamp_ms() + registry.verdict_timeout_ms();
    let record = verdict::new_appeal(last, appellant, checker, copy beacon, deadline);
    event::emit(AppealOpened {
        job_id: job.job_id(),
        task_index,
        appellant,
        worker: record.appeal_worker(),
        verdict_checker: record.verdict_checker(),
        root: record.appeal_root(),
        checker,
        beacon,
        fee: fee.value(),
    });
    job.verdict_mut(task_index).mark_appealed();
    job.open_appeal(task_index, record, fee.into_balance());
    registry.add_open_task(checker);
}

/// The appeal's checker judges the appealed result: `accepted` as a
/// verdict would be. It is paid the appeal fee either way; a verdict that
/// differs from the first slashes the first checker for the wronged party.
public fun judge_appeal<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    accepted: bool,
    ctx: &mut TxContext,
) {
    job.check_registry(registry);
    let checker = ctx.sender();
    assert!(
        job.has_appeal(task_index) && !job.borrow_appeal(task_index).is_judged()
            && job.borrow_appeal(task_index).appeal_checker() == checker,
        ENotAppealChecker,
    );
    let open = job.borrow_appeal(task_index);
    let verdict_checker = open.verdict_checker();
    let overturned = accepted != open.verdict_accepted();
    let wronged = if (open.verdict_accepted()) job.creator() else open.appeal_worker();
    let (slashed, slashed_to) = if (overturned) {
        let stake = registry.slash_checker(verdict_checker);
        let amount = stake.value();
        funds::send(stake, wronged, ctx);
        (amount, wronged)
    } else {
        (0, @0x0)
    };
    let fee = job.close_appeal(task_index);
    let amount = fee.value();
    funds::send(fee, checker, ctx);
    registry.remove_open_task(checker);
    event::emit(AppealJudged {
        job_id: job.job_id(),
        task_index,
        checker,
        accepted,
        overturned,
        verdict_checker,
        slashed,
        slashed_to,
        fee: amount,
    });
}

/// The appellant of an appeal not judged by its deadline takes the fee back:
/// a silent checker cannot lock it, nor block the task's appeals. The
/// verdict may be appealed again (within its window); the silent checker
/// is not slashed (silence is not a wrong verdict).
public fun cancel_appeal<T>(
    job: &mut Job<T>,
    registry: &mut Registry<T>,
    task_index: u64,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    job.check_registry(registry);
    let appellant = ctx.sender();
    assert!(
        job.has_appeal(task_index) && !job.borrow_appeal(task_index).is_judged()
            && job.borrow_appeal(task_index).appellant() == appellant,
        ENotAppellant,
    );
    let checker = job.borrow_appeal(task_index).appeal_checker();
    assert!(clock.timestamp_ms() >= job.borrow_appeal(task_index).appeal_deadline_ms(), ETooEarly);
    let fee = job.cancel_appeal(task_index);
    let amount = fee.value();
    funds::send(fee, appellant, ctx);
    job.verdict_mut(task_index).clear_appealed();
    registry.remove_open_task(checker);
    event::emit(AppealCancelled {
        job_id: job.job_id(),
        task_index,
        appellant,
        checker,
        fee: amount,
    });
}
