// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// What a node puts at stake: the bounded set of active checkers and how a
/// checker is drawn from it, a worker's exposure bounded by its stake, and
/// the escrow a job must hold (with top-ups).
#[test_only]
module pictor::stake_tests;

use pictor::job::Job;
use pictor::registry::{Self, Registry};
use pictor::setup::{Self, creator, worker, worker2, checker, checker2, other};
use std::unit_test::assert_eq;
use sui::sui::SUI;
use sui::test_scenario as ts;

// === The active checkers ===

#[test, expected_failure(abort_code = pictor::registry::ERegistryFull)]
fun register_beyond_max_checkers_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, other(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, worker2(), registry::role_checker(), setup::min_stake());
    abort
}

#[test]
fun a_full_registry_still_takes_workers_and_creators() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, other(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, worker(), registry::role_worker(), setup::min_stake());
    setup::register(&mut scenario, creator(), registry::role_creator(), 0);
    scenario.end();
}

#[test]
fun request_withdraw_swap_removes_the_checker_and_frees_its_place() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, other(), registry::role_checker(), setup::min_stake());
    let clock = setup::clock_at(&mut scenario, 1);
    setup::request_withdraw(&mut scenario, checker2(), &clock);
    // Asking again changes nothing in the vector.
    setup::request_withdraw(&mut scenario, checker2(), &clock);
    scenario.next_tx(other());
    let registry = scenario.take_shared<Registry<SUI>>();
    // The last checker took the leaving one's slot.
    assert_eq!(registry.checkers(), vector[other(), checker()]);
    ts::return_shared(registry);
    setup::register(&mut scenario, worker2(), registry::role_checker(), setup::min_stake());
    scenario.next_tx(other());
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.checkers(), vector[other(), checker(), worker2()]);
    ts::return_shared(registry);
    clock.destroy_for_testing();
    scenario.end();
}

#[test]
fun removing_the_last_checker_leaves_the_others_in_place() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    let clock = setup::clock_at(&mut scenario, 1);
    setup::request_withdraw(&mut scenario, checker2(), &clock);
    setup::request_withdraw(&mut scenario, checker(), &clock);
    scenario.next_tx(other());
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.checkers(), vector[]);
    ts::return_shared(registry);
    clock.destroy_for_testing();
    scenario.end();
}

/// A beacon whose first 8 bytes are `value` big-endian.
fun beacon_of(value: u64): vector<u8> {
    let mut bytes = vector[];
    let mut shift = 64;
    while (shift > 0) {
        shift = shift - 8;
        bytes.push_back((((value >> (shift as u8)) & 0xff) as u8));
    };
    let mut i = 0;
    while (i < 24) {
        bytes.push_back(0);
        i = i + 1;
    };
    bytes
}

#[test]
fun the_draw_is_the_pick_among_the_active_checkers_without_the_excluded() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, checker(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, checker2(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, other(), registry::role_checker(), setup::min_stake());
    scenario.next_tx(other());
    let registry = scenario.take_shared<Registry<SUI>>();
    let excluded_sets = vector[
        vector[],
        vector[checker()],
        vector[checker2()],
        vector[other()],
        vector[checker(), other()],
        vector[other(), checker()],
        vector[checker2(), checker2(), worker()],
        vector[worker(), creator()],
    ];
    let mut s = 0;
    while (s < excluded_sets.length()) {
        let excluded = excluded_sets[s];
        let eligible = registry.eligible_except(&excluded);
        let mut value = 0;
        while (value < 7) {
            let beacon = beacon_of(value);
            let drawn = registry.draw_checker(&beacon, &excluded);
            assert_eq!(drawn.destroy_some(), eligible[registry::pick(&beacon, eligible.length())]);
            value = value + 1;
        };
        s = s + 1;
    };
    assert!(
        registry.draw_checker(&beacon_of(0), &vector[checker(), checker2(), other()]).is_none(),
    );
    ts::return_shared(registry);
    scenario.end();
}

// === Exposure ===

#[test]
fun a_worker_takes_tasks_per_min_stake_of_its_stake() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, worker(), registry::role_worker(), setup::min_stake());
    let tasks = setup::tasks_per_min_stake();
    setup::create_job_with(
        &mut scenario,
        creator(),
        setup::job_id(),
        tasks + 1,
        tasks + 1,
        100,
        10,
        10_000,
    );
    let mut i = 0;
    while (i < tasks) {
        setup::assign(&mut scenario, creator(), i, worker(), 1, 100);
        i = i + 1;
    };
    scenario.next_tx(other());
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.open_tasks(worker()), tasks);
    assert!(!registry.has_capacity(worker()));
    ts::return_shared(registry);
    // More stake, more room.
    setup::add_stake(&mut scenario, worker(), setup::min_stake());
    setup::assign(&mut scenario, creator(), tasks, worker(), 1, 100);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::job::EStakeTooLow)]
fun assign_task_beyond_the_workers_exposure_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, worker(), registry::role_worker(), setup::min_stake());
    let tasks = setup::tasks_per_min_stake();
    setup::create_job_with(
        &mut scenario,
        creator(),
        setup::job_id(),
        tasks + 1,
        tasks + 1,
        100,
        10,
        10_000,
    );
    let mut i = 0;
    while (i <= tasks) {
        setup::assign(&mut scenario, creator(), i, worker(), 1, 100);
        i = i + 1;
    };
    abort
}

// === Escrow ===

#[test]
fun top_up_job_adds_to_the_escrow() {
    let mut scenario = setup::begin_with_job();
    setup::top_up(&mut scenario, creator(), 60);
    // JobToppedUp
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    let job = scenario.take_shared<Job<SUI>>();
    assert_eq!(job.escrow(), setup::escrow() + 60);
    assert_eq!(job.reserved(), 0);
    ts::return_shared(job);
    scenario.end();
}

#[test]
fun a_top_up_after_cancel_comes_back_at_close() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, creator());
    setup::top_up(&mut scenario, creator(), 60);
    setup::close(&mut scenario, creator());
    scenario.next_tx(other());
    assert_eq!(setup::received(&mut scenario, creator()), setup::escrow() + 60);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::job::ENotCreator)]
fun top_up_job_by_another_sender_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::top_up(&mut scenario, other(), 60);
    abort
}

#[test, expected_failure(abort_code = pictor::job::EJobClosed)]
fun top_up_a_closed_job_aborts() {
    let mut scenario = setup::begin_with_job();
    setup::cancel(&mut scenario, creator());
    setup::close(&mut scenario, creator());
    setup::top_up(&mut scenario, creator(), 60);
    abort
}
