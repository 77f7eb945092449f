// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

#[test_only]
module pictor::job_tests;

use pictor::job::Job;
use pictor::registry::{Self, Registry};
use pictor::setup::{Self, creator, worker, worker2, checker, other};
use std::unit_test::assert_eq;
use sui::sui::SUI;
use sui::test_scenario as ts;

// === create_job ===

#[test]
fun create_job_locks_the_escrow() {
    let mut scenario = setup::begin_with_job();
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(job.job_id(), setup::job_id());
    assert_eq!(job.creator(), creator());
    assert_eq!(job.escrow(), setup::escrow());
    assert_eq!(job.reserved(), 0);
    assert_eq!(job.task_count(), setup::tasks());
    assert_eq!(job.frame_count(), setup::frames());
    assert_eq!(job.max_frame_cost(), setup::max_frame_cost());
    assert_eq!(job.checker_fee(), setup::checker_fee());
    assert!(job.is_open());
    assert!(!job.is_closed());
    assert!(!job.has_task(0));
    assert_eq!(registry.job_object(setup::job_id()), object::id(&job));
    ts::return_shared(job);
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun create_job_accepts_the_exact_minimum_escrow() {
    let mut scenario = setup::begin();
    // 4 frames * 100 + 2 tasks * 2 checker fees of 10 (a re-check per task)
    setup::create_job(&mut scenario, creator(), setup::job_id(), 440);
    scenario.next_tx(creator());
    let job = scenario.take_shared<Job<SUI>>();
    assert_eq!(job.escrow(), 440);
    ts::return_shared(job);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::registry::EJobExists)]
fun create_job_twice_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::create_job(&mut scenario, other(), setup::job_id(), setup::escrow());
    abort
}

#[test, expected_failure(abort_code = pictor::job::EEscrowTooLow)]
fun create_job_below_the_minimum_escrow_aborts() {
    let mut scenario = setup::begin();
    setup::create_job(&mut scenario, creator(), setup::job_id(), 439);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EBadArgs)]
fun create_job_with_a_short_id_aborts() {
    let mut scenario = setup::begin();
    setup::create_job(&mut scenario, creator(), x"0102", setup::escrow());
    abort
}

#[test, expected_failure(abort_code = pictor::job::EBadArgs)]
fun create_job_without_tasks_aborts() {
    let mut scenario = setup::begin();
    setup::create_job_with(&mut scenario, creator(), setup::job_id(), 0, 4, 100, 10, 1_000);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EBadArgs)]
fun create_job_with_fewer_frames_than_tasks_aborts() {
    let mut scenario = setup::begin();
    setup::create_job_with(&mut scenario, creator(), setup::job_id(), 3, 2, 100, 10, 1_000);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EOverflow)]
fun create_job_whose_escrow_overflows_u64_aborts() {
    let mut scenario = setup::begin();
    let max = 18446744073709551615;
    setup::create_job_with(&mut scenario, creator(), setup::job_id(), 1, 2, max / 2 + 1, 0, max);
    abort
}

// === assign_task ===

#[test]
fun assign_task_reserves_the_payout_and_the_fee() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 1, worker(), 2, 90);
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    let job = scenario.take_shared<Job<SUI>>();
    assert_eq!(job.reserved(), 2 * 90 + setup::checker_fee());
    assert_eq!(job.pending(), 1);
    let task = job.borrow_task(1);
    assert!(task.is_assigned());
    assert_eq!(task.worker(), worker());
    assert_eq!(task.frames(), 2);
    assert_eq!(task.frame_cost(), 90);
    assert_eq!(task.payout(), 180);
    assert_eq!(task.attempts(), 1);
    assert!(!job.has_task(0));
    ts::return_shared(job);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::job::ENotCreator)]
fun assign_task_by_another_sender_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, worker(), 0, worker(), 2, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EJobClosed)]
fun assign_task_after_cancel_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, creator());
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EBadArgs)]
fun assign_task_out_of_range_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), setup::tasks(), worker(), 2, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EBadArgs)]
fun assign_task_without_frames_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 0, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::ETaskState)]
fun assign_task_twice_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::assign(&mut scenario, creator(), 0, worker2(), 2, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EPriceAboveCap)]
fun assign_task_above_the_price_cap_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, setup::max_frame_cost() + 1);
    abort
}

#[test, expected_failure(abort_code = pictor::job::ENotWorker)]
fun assign_task_to_an_unregistered_node_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, other(), 2, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::ENotWorker)]
fun assign_task_to_a_checker_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, checker(), 2, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::ENotWorker)]
fun assign_task_to_a_withdrawing_worker_aborts() {
    let mut scenario = setup::begin_with_job();
    let clock = setup::clock_at(&mut scenario, 1);
    setup::request_withdraw(&mut scenario, worker(), &clock);
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::ENotWorker)]
fun assign_task_to_a_worker_below_min_stake_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, worker(), registry::role_worker(), setup::min_stake());
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::create_job(&mut scenario, creator(), setup::job_id(), setup::escrow());
    // A rejected result slashes the whole stake (below slash_amount).
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, false);
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EEscrowTooLow)]
fun assign_task_beyond_the_unreserved_escrow_aborts() {
    let mut scenario = setup::begin_with_job();
    // 500 of escrow: 4 frames * 100 + 10 = 410 reserved, 90 left < 1 * 81 + 10.
    setup::assign(&mut scenario, creator(), 0, worker(), 4, 100);
    setup::assign(&mut scenario, creator(), 1, worker2(), 1, 81);
    abort
}

// === cancel_job ===

#[test]
fun cancel_job_refunds_what_is_not_reserved() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::cancel(&mut scenario, creator());
    assert_eq!(setup::events_of_last_tx(&mut scenario), 2);
    assert_eq!(setup::received(&mut scenario, creator()), setup::escrow() - 190);
    let job = scenario.take_shared<Job<SUI>>();
    assert!(!job.is_open());
    assert!(!job.is_closed());
    assert_eq!(job.escrow(), 190);
    assert_eq!(job.reserved(), 190);
    ts::return_shared(job);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::job::ENotCreator)]
fun cancel_job_by_another_sender_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, other());
    abort
}

#[test, expected_failure(abort_code = pictor::job::EJobClosed)]
fun cancel_job_twice_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, creator());
    setup::cancel(&mut scenario, creator());
    abort
}

// === close_job ===

#[test]
fun close_job_after_cancel_without_pending_tasks_refunds_the_rest() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, creator());
    setup::close(&mut scenario, creator());
    assert_eq!(setup::events_of_last_tx(&mut scenario), 2);
    let job = scenario.take_shared<Job<SUI>>();
    assert!(job.is_closed());
    assert_eq!(job.escrow(), 0);
    ts::return_shared(job);
    assert_eq!(setup::received(&mut scenario, creator()), setup::escrow());
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::job::ENotCreator)]
fun close_job_by_another_sender_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, creator());
    setup::close(&mut scenario, other());
    abort
}

#[test, expected_failure(abort_code = pictor::job::ETasksPending)]
fun close_job_before_every_task_is_verified_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::close(&mut scenario, creator());
    abort
}

#[test, expected_failure(abort_code = pictor::job::ETasksPending)]
fun close_job_after_cancel_with_an_assigned_task_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::cancel(&mut scenario, creator());
    setup::close(&mut scenario, creator());
    abort
}

#[test, expected_failure(abort_code = pictor::job::EJobClosed)]
fun close_job_twice_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, creator());
    setup::close(&mut scenario, creator());
    setup::close(&mut scenario, creator());
    abort
}

#[test, expected_failure(abort_code = pictor::job::EJobClosed)]
fun cancel_job_after_close_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, creator());
    setup::close(&mut scenario, creator());
    setup::cancel(&mut scenario, creator());
    abort
}
