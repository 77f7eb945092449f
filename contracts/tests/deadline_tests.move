// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// Deadlines: no task, and so no escrow, waits forever on a silent worker
/// or checker. reclaim_task, redraw_checker, and the open work that keeps a
/// node from withdrawing meanwhile.
#[test_only]
module pictor::deadline_tests;

use pictor::job::Job;
use pictor::registry::{Self, Registry};
use pictor::setup::{Self, creator, worker, worker2, checker, checker2, other};
use std::unit_test::assert_eq;
use sui::sui::SUI;
use sui::test_scenario as ts;

// === Deadlines and open work ===

#[test]
fun assign_and_commit_set_the_deadlines_and_count_open_work() {
    let mut scenario = setup::begin_with_job();
    setup::assign_at(&mut scenario, creator(), 0, worker(), 2, 90, 100);
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(job.borrow_task(0).deadline(), 100 + setup::commit_timeout_ms());
    assert_eq!(registry.open_tasks(worker()), 1);
    ts::return_shared(job);
    ts::return_shared(registry);
    setup::commit_at(&mut scenario, worker(), 0, 500);
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(job.borrow_task(0).deadline(), 500 + setup::verdict_timeout_ms());
    assert_eq!(registry.open_tasks(worker()), 1);
    assert_eq!(registry.open_tasks(checker()), 1);
    ts::return_shared(job);
    ts::return_shared(registry);
    setup::verdict(&mut scenario, checker(), 0, true);
    scenario.next_tx(other());
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.open_tasks(worker()), 0);
    assert_eq!(registry.open_tasks(checker()), 0);
    ts::return_shared(registry);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::registry::EOpenWork)]
fun withdraw_with_an_assigned_task_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    let clock = setup::clock_at(&mut scenario, 0);
    setup::request_withdraw(&mut scenario, worker(), &clock);
    let later = setup::clock_at(&mut scenario, setup::withdraw_delay_ms());
    setup::withdraw(&mut scenario, worker(), &later);
    abort
}

#[test, expected_failure(abort_code = pictor::registry::EOpenWork)]
fun withdraw_with_a_verdict_owed_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    let clock = setup::clock_at(&mut scenario, 0);
    setup::request_withdraw(&mut scenario, checker(), &clock);
    let later = setup::clock_at(&mut scenario, setup::withdraw_delay_ms());
    setup::withdraw(&mut scenario, checker(), &later);
    abort
}

// === reclaim_task ===

#[test]
fun reclaim_task_after_the_deadline_reopens_it_without_a_slash() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::reclaim(&mut scenario, creator(), 0, setup::commit_timeout_ms());
    // TaskReclaimed
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    let task = job.borrow_task(0);
    assert!(task.is_open());
    assert_eq!(task.worker(), @0x0);
    assert_eq!(task.deadline(), 0);
    assert_eq!(task.attempts(), 1);
    assert_eq!(job.reserved(), 0);
    assert_eq!(job.pending(), 0);
    assert_eq!(job.escrow(), setup::escrow());
    assert_eq!(registry.open_tasks(worker()), 0);
    assert_eq!(registry.stake(worker()), setup::min_stake() * 2);
    assert_eq!(registry.rejected(worker()), 0);
    ts::return_shared(job);
    ts::return_shared(registry);
    // Another worker takes it.
    setup::assign(&mut scenario, creator(), 0, worker2(), 2, 90);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::job::ETooEarly)]
fun reclaim_task_before_the_deadline_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::reclaim(&mut scenario, creator(), 0, setup::commit_timeout_ms() - 1);
    abort
}

#[test, expected_failure(abort_code = pictor::job::ENotCreator)]
fun reclaim_task_by_another_sender_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::reclaim(&mut scenario, other(), 0, setup::commit_timeout_ms());
    abort
}

#[test, expected_failure(abort_code = pictor::job::ETaskState)]
fun reclaim_task_never_assigned_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::reclaim(&mut scenario, creator(), 0, setup::commit_timeout_ms());
    abort
}

#[test, expected_failure(abort_code = pictor::job::ETaskState)]
fun reclaim_task_once_committed_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::reclaim(&mut scenario, creator(), 0, setup::commit_timeout_ms());
    abort
}

#[test]
fun a_reclaimed_worker_can_withdraw() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    let clock = setup::clock_at(&mut scenario, 0);
    setup::request_withdraw(&mut scenario, worker(), &clock);
    setup::reclaim(&mut scenario, creator(), 0, setup::commit_timeout_ms());
    let later = setup::clock_at(&mut scenario, setup::commit_timeout_ms());
    setup::withdraw(&mut scenario, worker(), &later);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, worker()), setup::min_stake() * 2);
    clock.destroy_for_testing();
    later.destroy_for_testing();
    scenario.end();
}

#[test]
fun a_cancelled_job_with_a_silent_worker_closes_and_refunds_everything() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::cancel(&mut scenario, creator());
    setup::reclaim(&mut scenario, creator(), 0, setup::commit_timeout_ms());
    setup::close(&mut scenario, creator());
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, creator()), setup::escrow());
    let job = scenario.take_shared<Job<SUI>>();
    assert!(job.is_closed());
    assert_eq!(job.escrow(), 0);
    ts::return_shared(job);
    scenario.end();
}

// === redraw_checker ===

#[test]
fun redraw_checker_after_the_deadline_draws_another_checker() {
    let mut scenario = setup::begin_with_job();
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    let late = job.borrow_task(0).checker();
    ts::return_shared(job);
    let next = if (late == checker()) checker2() else checker();
    // Anyone may ask.
    setup::redraw(&mut scenario, other(), 0, setup::verdict_timeout_ms());
    // CheckerTimedOut, CheckerAssigned
    assert_eq!(setup::events_of_last_tx(&mut scenario), 2);
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    let task = job.borrow_task(0);
    assert!(task.is_committed());
    assert_eq!(task.checker(), next);
    assert_eq!(task.redraws(), 1);
    assert_eq!(task.deadline(), 2 * setup::verdict_timeout_ms());
    assert_eq!(task.root(), setup::root());
    assert_eq!(registry.open_tasks(late), 0);
    assert_eq!(registry.open_tasks(next), 1);
    assert_eq!(registry.open_tasks(worker()), 1);
    ts::return_shared(job);
    ts::return_shared(registry);
    // The new checker settles it.
    setup::verdict(&mut scenario, next, 0, true);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, worker()), 180);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::verify::ENotAssignedChecker)]
fun the_late_checker_cannot_judge_after_a_redraw() {
    let mut scenario = setup::begin_with_job();
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    let late = job.borrow_task(0).checker();
    ts::return_shared(job);
    setup::redraw(&mut scenario, other(), 0, setup::verdict_timeout_ms());
    setup::verdict(&mut scenario, late, 0, true);
    abort
}

#[test]
fun redraw_checker_without_another_checker_pays_the_worker_unchecked() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::redraw(&mut scenario, creator(), 0, setup::verdict_timeout_ms());
    // CheckerTimedOut, WorkerPaid
    assert_eq!(setup::events_of_last_tx(&mut scenario), 2);
    assert_eq!(setup::received(&mut scenario, worker()), 180);
    assert_eq!(setup::received(&mut scenario, checker()), 0);
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert!(job.borrow_task(0).is_verified());
    assert_eq!(job.verified(), 1);
    assert_eq!(job.pending(), 0);
    assert_eq!(job.reserved(), 0);
    // The fee stays in the escrow, for the creator.
    assert_eq!(job.escrow(), setup::escrow() - 180);
    assert_eq!(registry.verified(worker()), 0);
    assert_eq!(registry.open_tasks(worker()), 0);
    assert_eq!(registry.open_tasks(checker()), 0);
    ts::return_shared(job);
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun after_max_redraws_a_missed_verdict_pays_the_worker_unchecked() {
    let mut scenario = setup::begin_with_job();
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    let timeout = setup::verdict_timeout_ms();
    // Two silent checkers take turns three times.
    setup::redraw(&mut scenario, other(), 0, timeout);
    setup::redraw(&mut scenario, other(), 0, 2 * timeout);
    setup::redraw(&mut scenario, other(), 0, 3 * timeout);
    setup::redraw(&mut scenario, other(), 0, 4 * timeout);
    assert_eq!(setup::events_of_last_tx(&mut scenario), 2);
    assert_eq!(setup::received(&mut scenario, worker()), 180);
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert!(job.borrow_task(0).is_verified());
    assert_eq!(job.borrow_task(0).redraws(), 3);
    assert_eq!(registry.open_tasks(checker()), 0);
    assert_eq!(registry.open_tasks(checker2()), 0);
    ts::return_shared(job);
    ts::return_shared(registry);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::verify::ETooEarly)]
fun redraw_checker_before_the_deadline_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::redraw(&mut scenario, other(), 0, setup::verdict_timeout_ms() - 1);
    abort
}

#[test, expected_failure(abort_code = pictor::verify::ETaskState)]
fun redraw_checker_before_a_commitment_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::redraw(&mut scenario, other(), 0, setup::verdict_timeout_ms());
    abort
}

#[test, expected_failure(abort_code = pictor::verify::ETaskState)]
fun redraw_checker_after_the_verdict_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, true);
    setup::redraw(&mut scenario, other(), 0, setup::verdict_timeout_ms());
    abort
}

#[test]
fun a_job_whose_checker_vanished_settles_and_closes() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::assign(&mut scenario, creator(), 1, worker2(), 2, 100);
    setup::commit(&mut scenario, worker(), 0);
    setup::commit(&mut scenario, worker2(), 1);
    let clock = setup::clock_at(&mut scenario, 0);
    setup::request_withdraw(&mut scenario, checker(), &clock);
    setup::redraw(&mut scenario, creator(), 0, setup::verdict_timeout_ms());
    setup::redraw(&mut scenario, creator(), 1, setup::verdict_timeout_ms());
    setup::close(&mut scenario, creator());
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, worker()), 180);
    assert_eq!(setup::received(&mut scenario, worker2()), 200);
    // Both checker fees come back with the rest of the escrow.
    assert_eq!(setup::received(&mut scenario, creator()), setup::escrow() - 380);
    // The vanished checker owes nothing more and may leave.
    let later = setup::clock_at(&mut scenario, setup::verdict_timeout_ms());
    setup::withdraw(&mut scenario, checker(), &later);
    clock.destroy_for_testing();
    later.destroy_for_testing();
    scenario.end();
}
