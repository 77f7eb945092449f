// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// What stops a checker from rejecting honest work for profit: the slash
/// goes to the creator, a job is bound to its registry, and appeals.
#[test_only]
module pictor::appeal_tests;

use pictor::appeal;
use pictor::job::Job;
use pictor::registry::{Self, AdminCap, Registry};
use pictor::setup::{Self, creator, worker, worker2, checker, checker2, other};
use pictor::verify;
use std::unit_test::assert_eq;
use sui::event;
use sui::sui::SUI;
use sui::test_scenario::{Self as ts, Scenario};

// === Helpers ===

/// The standard job with task 0 given a verdict (`accepted`) by CHECKER at
/// time 0, then CHECKER2 registered: the only checker an appeal can draw.
fun judged_task(accepted: bool): Scenario {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, accepted);
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake() * 2);
    scenario.next_tx(other());
    setup::received(&mut scenario, worker());
    setup::received(&mut scenario, checker());
    setup::received(&mut scenario, creator());
    scenario
}

fun appeal_now(scenario: &mut Scenario, who: address) {
    setup::appeal_at(scenario, who, 0, setup::checker_fee(), 1);
}

/// A second registry, shared after the first; returns its id.
fun second_registry(scenario: &mut Scenario): ID {
    scenario.next_tx(setup::admin());
    let cap = scenario.take_from_sender<AdminCap>();
    let id = registry::create_registry<SUI>(
        &cap,
        setup::min_stake(),
        setup::slash_amount(),
        setup::withdraw_delay_ms(),
        setup::commit_timeout_ms(),
        setup::verdict_timeout_ms(),
        setup::tasks_per_min_stake(),
        setup::max_checkers(),
        setup::appeal_window_ms(),
        scenario.ctx(),
    );
    scenario.return_to_sender(cap);
    id
}

// === Slashed stake goes to the creator ===

#[test]
fun a_rejecting_checker_earns_its_fee_and_no_share_of_the_slash() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, false);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, checker()), setup::checker_fee());
    assert_eq!(setup::received(&mut scenario, creator()), setup::slash_amount());
    // The same fee for an accepting verdict.
    setup::assign(&mut scenario, creator(), 0, worker2(), 2, 90);
    setup::commit(&mut scenario, worker2(), 0);
    setup::verdict(&mut scenario, checker(), 0, true);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, checker()), setup::checker_fee());
    scenario.end();
}

// === Registry binding ===

#[test]
fun a_job_records_its_registry() {
    let mut scenario = setup::begin_with_job();
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(job.registry(), object::id(&registry));
    ts::return_shared(job);
    ts::return_shared(registry);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::job::ERegistryMismatch)]
fun assign_task_with_another_registry_aborts() {
    let mut scenario = setup::begin_with_job();
    let id = second_registry(&mut scenario);
    scenario.next_tx(creator());
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut other_registry = scenario.take_shared_by_id<Registry<SUI>>(id);
    let clock = setup::clock_at(&mut scenario, 0);
    job.assign_task(&mut other_registry, 0, worker(), 2, 90, &clock, scenario.ctx());
    abort
}

#[test, expected_failure(abort_code = pictor::job::ERegistryMismatch)]
fun commit_result_with_another_registry_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    let id = second_registry(&mut scenario);
    scenario.next_tx(worker());
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut other_registry = scenario.take_shared_by_id<Registry<SUI>>(id);
    let rand = scenario.take_shared<sui::random::Random>();
    let clock = setup::clock_at(&mut scenario, 0);
    verify::commit_result(
        &mut job,
        &mut other_registry,
        0,
        setup::root(),
        &rand,
        &clock,
        scenario.ctx(),
    );
    abort
}

#[test, expected_failure(abort_code = pictor::job::ERegistryMismatch)]
fun submit_verdict_with_another_registry_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    let id = second_registry(&mut scenario);
    scenario.next_tx(checker());
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut other_registry = scenario.take_shared_by_id<Registry<SUI>>(id);
    let clock = setup::clock_at(&mut scenario, 0);
    verify::submit_verdict(&mut job, &mut other_registry, 0, false, &clock, scenario.ctx());
    abort
}

#[test, expected_failure(abort_code = pictor::job::ERegistryMismatch)]
fun judge_appeal_with_another_registry_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    let id = second_registry(&mut scenario);
    scenario.next_tx(checker2());
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut other_registry = scenario.take_shared_by_id<Registry<SUI>>(id);
    appeal::judge_appeal(&mut job, &mut other_registry, 0, true, scenario.ctx());
    abort
}

// === Appeals ===

#[test]
fun a_worker_appeal_overturns_a_wrong_rejection_and_the_first_checker_pays_the_worker() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    assert_eq!(event::events_by_type<appeal::AppealOpened>().length(), 1);
    scenario.next_tx(other());
    {
        let job = scenario.take_shared<Job<SUI>>();
        let registry = scenario.take_shared<Registry<SUI>>();
        let open = job.borrow_appeal(0);
        // Drawn without the first checker, the worker and the creator.
        assert_eq!(open.appeal_checker(), checker2());
        assert_eq!(open.verdict_checker(), checker());
        assert_eq!(open.appeal_worker(), worker());
        assert_eq!(open.appeal_root(), setup::root());
        assert!(job.borrow_verdict(0).appealed());
        assert_eq!(job.appeal_fees(), setup::checker_fee());
        assert_eq!(registry.open_tasks(checker2()), 1);
        ts::return_shared(job);
        ts::return_shared(registry);
    };
    setup::judge(&mut scenario, checker2(), 0, true);
    assert_eq!(event::events_by_type<appeal::AppealJudged>().length(), 1);
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    assert_eq!(setup::received(&mut scenario, checker2()), setup::checker_fee());
    assert_eq!(setup::received(&mut scenario, worker()), setup::slash_amount());
    let job = scenario.take_shared<Job<SUI>>();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.stake(checker()), setup::min_stake() * 2 - setup::slash_amount());
    assert_eq!(registry.open_tasks(checker2()), 0);
    assert_eq!(job.appeal_fees(), 0);
    assert!(job.borrow_appeal(0).is_judged());
    // The task itself is untouched: still Open after the rejection.
    assert!(job.borrow_task(0).is_open());
    ts::return_shared(job);
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun a_creator_appeal_overturns_a_wrong_acceptance_and_the_first_checker_pays_the_creator() {
    let mut scenario = judged_task(true);
    appeal_now(&mut scenario, creator());
    setup::judge(&mut scenario, checker2(), 0, false);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, creator()), setup::slash_amount());
    assert_eq!(setup::received(&mut scenario, worker()), 0);
    let job = scenario.take_shared<Job<SUI>>();
    assert!(job.borrow_task(0).is_verified());
    ts::return_shared(job);
    scenario.end();
}

#[test]
fun an_upheld_verdict_slashes_nobody_and_pays_the_appeal_checker() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    setup::judge(&mut scenario, checker2(), 0, false);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, checker2()), setup::checker_fee());
    assert_eq!(setup::received(&mut scenario, worker()), 0);
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.stake(checker()), setup::min_stake() * 2);
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun an_appeal_on_the_last_ms_of_the_window_is_taken() {
    let mut scenario = judged_task(false);
    setup::appeal_at(&mut scenario, worker(), 0, setup::checker_fee(), setup::appeal_window_ms());
    assert_eq!(event::events_by_type<appeal::AppealOpened>().length(), 1);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::appeal::EAppealWindow)]
fun an_appeal_after_the_window_aborts() {
    let mut scenario = judged_task(false);
    setup::appeal_at(
        &mut scenario,
        worker(),
        0,
        setup::checker_fee(),
        setup::appeal_window_ms() + 1,
    );
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::ENoVerdict)]
fun an_appeal_without_a_verdict_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    appeal_now(&mut scenario, worker());
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::ENotAppellant)]
fun an_appeal_by_the_checker_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, checker());
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::ENotAppellant)]
fun an_appeal_by_another_worker_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker2());
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::EAppealExists)]
fun a_second_appeal_of_the_same_verdict_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    setup::judge(&mut scenario, checker2(), 0, true);
    appeal_now(&mut scenario, creator());
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::EAppealExists)]
fun an_appeal_while_another_on_the_task_is_open_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    // The task is reassigned and gets a newer verdict while the appeal is open.
    setup::assign(&mut scenario, creator(), 0, worker2(), 2, 90);
    setup::commit(&mut scenario, worker2(), 0);
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    let second = job.borrow_task(0).checker();
    ts::return_shared(job);
    setup::verdict(&mut scenario, second, 0, true);
    appeal_now(&mut scenario, creator());
    abort
}

#[test]
fun an_open_appeal_judges_the_verdict_it_was_opened_on() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    setup::assign(&mut scenario, creator(), 0, worker2(), 2, 90);
    setup::commit(&mut scenario, worker2(), 0);
    scenario.next_tx(other());
    let job = scenario.take_shared<Job<SUI>>();
    let second = job.borrow_task(0).checker();
    ts::return_shared(job);
    setup::verdict(&mut scenario, second, 0, true);
    setup::judge(&mut scenario, checker2(), 0, true);
    scenario.next_tx(other());
    // Overturned in favour of the first verdict's worker, not the newer one's.
    assert_eq!(setup::received(&mut scenario, worker()), setup::slash_amount());
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::appeal::ENoChecker)]
fun an_appeal_without_another_checker_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, false);
    appeal_now(&mut scenario, worker());
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::EBadArgs)]
fun an_appeal_paying_less_than_the_checker_fee_aborts() {
    let mut scenario = judged_task(false);
    setup::appeal_at(&mut scenario, worker(), 0, setup::checker_fee() - 1, 1);
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::ENotAppealChecker)]
fun judge_appeal_by_the_first_checker_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    setup::judge(&mut scenario, checker(), 0, true);
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::ENotAppealChecker)]
fun judge_appeal_twice_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    setup::judge(&mut scenario, checker2(), 0, true);
    setup::judge(&mut scenario, checker2(), 0, true);
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::ENotAppealChecker)]
fun judge_appeal_without_an_appeal_aborts() {
    let mut scenario = judged_task(false);
    setup::judge(&mut scenario, checker2(), 0, true);
    abort
}

#[test]
fun an_overturn_slashes_at_most_the_first_checkers_stake() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, worker(), registry::role_worker(), setup::min_stake() * 2);
    // Below slash_amount (1.5 x min_stake).
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::create_job(&mut scenario, creator(), setup::job_id(), setup::escrow());
    setup::assign(&mut scenario, creator(), 0, worker(), 2, 90);
    setup::commit(&mut scenario, worker(), 0);
    setup::verdict(&mut scenario, checker(), 0, false);
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    scenario.next_tx(other());
    setup::received(&mut scenario, worker());
    appeal_now(&mut scenario, worker());
    setup::judge(&mut scenario, checker2(), 0, true);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, worker()), setup::min_stake());
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.stake(checker()), 0);
    ts::return_shared(registry);
    scenario.end();
}

// === A silent appeal checker ===

fun cancel_at(scenario: &mut Scenario, who: address, ms: u64) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let clock = setup::clock_at(scenario, ms);
    appeal::cancel_appeal(&mut job, &mut registry, 0, &clock, scenario.ctx());
    clock.destroy_for_testing();
    ts::return_shared(job);
    ts::return_shared(registry);
}

#[test]
fun an_appeal_not_judged_by_its_deadline_is_cancelled_and_its_fee_returns() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    cancel_at(&mut scenario, worker(), 1 + setup::verdict_timeout_ms());
    assert_eq!(event::events_by_type<appeal::AppealCancelled>().length(), 1);
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, worker()), setup::checker_fee());
    {
        let job = scenario.take_shared<Job<SUI>>();
        let registry = scenario.take_shared<Registry<SUI>>();
        assert_eq!(job.appeal_fees(), 0);
        assert!(job.borrow_appeal(0).is_cancelled());
        assert!(!job.borrow_verdict(0).appealed());
        assert_eq!(registry.open_tasks(checker2()), 0);
        assert_eq!(registry.stake(checker2()), setup::min_stake() * 2);
        ts::return_shared(job);
        ts::return_shared(registry);
    };
    // Still within the verdict's window: the task can be appealed again.
    setup::appeal_at(
        &mut scenario,
        worker(),
        0,
        setup::checker_fee(),
        2 + setup::verdict_timeout_ms(),
    );
    assert_eq!(event::events_by_type<appeal::AppealOpened>().length(), 1);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::appeal::ETooEarly)]
fun cancel_appeal_before_its_deadline_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    cancel_at(&mut scenario, worker(), setup::verdict_timeout_ms());
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::ENotAppellant)]
fun cancel_appeal_by_another_than_the_appellant_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    cancel_at(&mut scenario, creator(), 1 + setup::verdict_timeout_ms());
    abort
}

#[test, expected_failure(abort_code = pictor::appeal::ENotAppellant)]
fun cancel_appeal_of_a_judged_appeal_aborts() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    setup::judge(&mut scenario, checker2(), 0, false);
    cancel_at(&mut scenario, worker(), 1 + setup::verdict_timeout_ms());
    abort
}

// === A checker slashed below the minimum ===

#[test]
fun a_checker_slashed_below_min_stake_leaves_the_draw_until_it_tops_up() {
    let mut scenario = judged_task(false);
    appeal_now(&mut scenario, worker());
    setup::judge(&mut scenario, checker2(), 0, true);
    scenario.next_tx(other());
    {
        let registry = scenario.take_shared<Registry<SUI>>();
        // 2 x min_stake - 1.5 x min_stake is below the minimum.
        assert!(registry.stake(checker()) < setup::min_stake());
        assert_eq!(registry.checkers(), vector[checker2()]);
        ts::return_shared(registry);
    };
    setup::add_stake(&mut scenario, checker(), setup::min_stake());
    scenario.next_tx(other());
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.checkers(), vector[checker2(), checker()]);
    ts::return_shared(registry);
    scenario.end();
}
