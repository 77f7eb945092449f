// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

#[test_only]
module pictor::verify_tests;

use pictor::job::Job;
use pictor::registry::{Self, Registry};
use pictor::setup::{Self, creator, worker, worker2, checker, checker2, other};
use pictor::verify;
use std::unit_test::assert_eq;
use sui::event;
use sui::sui::SUI;
use sui::test_scenario as ts;

// === commit_result ===

#[test]
fun commit_result_records_the_root_and_assigns_a_checker() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    assert_eq!(event::events_by_type<verify::ResultCommitted>().length(), 1);
    assert_eq!(event::events_by_type<verify::CheckerAssigned>().length(), 1);
    assert_eq!(setup::events_of_last_tx(&mut scenario), 2);
    let job = scenario.take_shared<Job<SUI>>();
    let task = job.borrow_task(0);
    assert!(task.is_committed());
    assert_eq!(task.root(), setup::root());
    // The only eligible checker.
    assert_eq!(task.checker(), checker());
    assert_eq!(task.beacon().length(), 32);
    assert_eq!(job.pending(), 1);
    ts::return_shared(job);
    scenario.end();
}

#[test]
fun commit_result_picks_the_checker_the_beacon_names() {
    let mut scenario = setup::begin_with_job();
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    let task = job.borrow_task(0);
    let eligible = registry.eligible_checkers(worker(), creator());
    assert_eq!(eligible, vector[checker(), checker2()]);
    let beacon = task.beacon();
    assert_eq!(task.checker(), eligible[verify::pick(&beacon, eligible.length())]);
    ts::return_shared(job);
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun commit_result_skips_withdrawing_checkers_and_the_creator() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, worker(), registry::role_worker(), setup::min_stake());
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, other(), registry::role_checker(), setup::min_stake());
    let clock = setup::clock_at(&mut scenario, 1);
    setup::request_withdraw(&mut scenario, checker2(), &clock);
    // A checker may create jobs too; it never checks its own.
    setup::create_job(&mut scenario, other(), setup::job_id(), setup::escrow());
    setup::assign(&mut scenario, other(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    assert_eq!(job.borrow_task(0).checker(), checker());
    ts::return_shared(job);
    clock.destroy_for_testing();
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::verify::ENotAssignedWorker)]
fun commit_result_by_another_worker_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker2(), 0);
    abort
}

#[test, expected_failure(abort_code = pictor::verify::ENotAssignedWorker)]
fun commit_result_on_an_unassigned_task_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::commit(&mut scenario, worker(), 1);
    abort
}

#[test, expected_failure(abort_code = pictor::verify::ETaskState)]
fun commit_result_twice_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::commit(&mut scenario, worker(), 0);
    abort
}

#[test, expected_failure(abort_code = pictor::verify::ENoChecker)]
fun commit_result_without_an_eligible_checker_aborts() {
    let mut scenario = setup::begin_with_job();
    let clock = setup::clock_at(&mut scenario, 1);
    setup::request_withdraw(&mut scenario, checker(), &clock);
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    abort
}

#[test, expected_failure(abort_code = pictor::verify::EBadArgs)]
fun commit_result_with_a_short_root_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit_root(&mut scenario, worker(), 0, x"abab");
    abort
}

// === submit_verdict ===

#[test]
fun accepted_verdict_pays_the_worker_and_the_checker() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, true);
    // VerdictSubmitted, WorkerPaid, CheckerPaid
    assert_eq!(setup::events_of_last_tx(&mut scenario), 3);
    assert_eq!(setup::received(&mut scenario, worker()), 180);
    assert_eq!(setup::received(&mut scenario, checker()), setup::checker_fee());
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert!(job.borrow_task(0).is_verified());
    assert_eq!(job.escrow(), setup::escrow() - 190);
    assert_eq!(job.reserved(), 0);
    assert_eq!(job.pending(), 0);
    assert_eq!(job.verified(), 1);
    assert_eq!(registry.verified(worker()), 1);
    assert_eq!(registry.stake(worker()), setup::min_stake() * 2);
    ts::return_shared(job);
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun rejected_verdict_slashes_the_worker_and_reopens_the_task() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, false);
    // VerdictSubmitted, WorkerSlashed, CheckerPaid
    assert_eq!(setup::events_of_last_tx(&mut scenario), 3);
    // The whole slash to the creator; the checker gets its fee, as for an acceptance.
    assert_eq!(setup::received(&mut scenario, worker()), 0);
    assert_eq!(setup::received(&mut scenario, checker()), setup::checker_fee());
    assert_eq!(setup::received(&mut scenario, creator()), setup::slash_amount());
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    let task = job.borrow_task(0);
    assert!(task.is_open());
    assert_eq!(task.worker(), @0x0);
    assert_eq!(task.checker(), @0x0);
    assert_eq!(job.escrow(), setup::escrow() - setup::checker_fee());
    assert_eq!(job.reserved(), 0);
    assert_eq!(job.pending(), 0);
    assert_eq!(job.verified(), 0);
    assert_eq!(registry.rejected(worker()), 1);
    assert_eq!(registry.stake(worker()), setup::min_stake() * 2 - setup::slash_amount());
    ts::return_shared(job);
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun slash_takes_at_most_the_stake() {
    let mut scenario = setup::begin();
    let stake = setup::min_stake() + 1;
    setup::register(&mut scenario, worker(), registry::role_worker(), stake);
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::create_job(&mut scenario, creator(), setup::job_id(), setup::escrow());
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, false);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, checker()), setup::checker_fee());
    assert_eq!(setup::received(&mut scenario, creator()), stake);
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.stake(worker()), 0);
    ts::return_shared(registry);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::verify::ENotAssignedChecker)]
fun verdict_by_another_node_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, creator(), 0, true);
    abort
}

#[test, expected_failure(abort_code = pictor::verify::ENotAssignedChecker)]
fun verdict_before_the_commitment_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::verdict(&mut scenario, checker(), 0, true);
    abort
}

#[test, expected_failure(abort_code = pictor::verify::ETaskState)]
fun verdict_twice_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, true);
    setup::verdict(&mut scenario, checker(), 0, true);
    abort
}

#[test, expected_failure(abort_code = pictor::verify::ENotAssignedChecker)]
fun verdict_on_a_reopened_task_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, false);
    setup::verdict(&mut scenario, checker(), 0, false);
    abort
}

// === Whole jobs: every unit of escrow is accounted for ===

#[test]
fun a_job_with_a_rejected_and_reassigned_task_conserves_funds() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::assign(&mut scenario, creator(), 1, worker2(), 2, 100);
    setup::commit(&mut scenario, worker(), 0);
    setup::commit(&mut scenario, worker2(), 1);
    setup::verdict(&mut scenario, checker(), 0, false);
    setup::verdict(&mut scenario, checker(), 1, true);
    // Task 0 again, to the honest worker, on what is left of the escrow.
    setup::assign(&mut scenario, creator(), 0, worker2(), 2, 80);
    setup::commit(&mut scenario, worker2(), 0);
    setup::verdict(&mut scenario, checker(), 0, true);
    setup::close(&mut scenario, creator());
    assert_eq!(setup::events_of_last_tx(&mut scenario), 2);
    let to_worker2 = setup::received(&mut scenario, worker2());
    let to_checker = setup::received(&mut scenario, checker());
    let to_creator = setup::received(&mut scenario, creator());
    assert_eq!(to_worker2, 200 + 160);
    assert_eq!(to_checker, 3 * setup::checker_fee());
    // escrow in = worker2 + checker fees + refund; the slash goes to the creator on top
    let refund = to_creator - setup::slash_amount();
    assert_eq!(to_worker2 + 3 * setup::checker_fee() + refund, setup::escrow());
    let job = scenario.take_shared<Job<SUI>>();
    assert!(job.is_closed());
    assert_eq!(job.escrow(), 0);
    assert_eq!(job.verified(), setup::tasks());
    ts::return_shared(job);
    scenario.end();
}

#[test]
fun a_cancelled_job_settles_its_committed_task_then_closes() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::cancel(&mut scenario, creator());
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, creator()), setup::escrow() - 190);
    setup::verdict(&mut scenario, checker(), 0, true);
    setup::close(&mut scenario, creator());
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, worker()), 180);
    assert_eq!(setup::received(&mut scenario, checker()), setup::checker_fee());
    assert_eq!(setup::received(&mut scenario, creator()), 0);
    let job = scenario.take_shared<Job<SUI>>();
    assert!(job.is_closed());
    assert_eq!(job.escrow(), 0);
    ts::return_shared(job);
    scenario.end();
}

#[test]
fun a_cancelled_job_with_a_rejected_task_refunds_the_released_payout() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::cancel(&mut scenario, creator());
    setup::verdict(&mut scenario, checker(), 0, false);
    setup::close(&mut scenario, creator());
    scenario.next_tx(other());
    // cancel refund 310, the slash, then the released 180 on close
    assert_eq!(
        setup::received(&mut scenario, creator()),
        setup::escrow() - 190 + setup::slash_amount() + 180,
    );
    assert_eq!(setup::received(&mut scenario, checker()), setup::checker_fee());
    scenario.end();
}
