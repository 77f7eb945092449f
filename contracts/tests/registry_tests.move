// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

#[test_only]
module pictor::registry_tests;

use pictor::registry::{Self, Registry};
use pictor::setup;
use std::unit_test::assert_eq;
use sui::sui::SUI;
use sui::test_scenario as ts;

// === register ===

#[test]
fun register_records_role_stake_and_reputation() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), registry::role_worker(), setup::min_stake());
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    let registry = scenario.take_shared<Registry<SUI>>();
    assert!(registry.is_registered(setup::worker()));
    assert_eq!(registry.role(setup::worker()), registry::role_worker());
    assert_eq!(registry.stake(setup::worker()), setup::min_stake());
    assert_eq!(registry.verified(setup::worker()), 0);
    assert_eq!(registry.rejected(setup::worker()), 0);
    assert_eq!(registry.withdraw_at(setup::worker()), 0);
    assert!(registry.is_active_worker(setup::worker()));
    assert_eq!(registry.checkers(), vector[]);
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun register_lists_checkers_in_registration_order() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::checker2(), registry::role_checker(), setup::min_stake());
    setup::register(&mut scenario, setup::checker(), registry::role_checker(), setup::min_stake());
    scenario.next_tx(setup::admin());
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.checkers(), vector[setup::checker2(), setup::checker()]);
    assert!(!registry.is_active_worker(setup::checker()));
    ts::return_shared(registry);
    scenario.end();
}

#[test]
fun register_creator_needs_no_stake() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::creator(), registry::role_creator(), 0);
    scenario.next_tx(setup::admin());
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.role(setup::creator()), registry::role_creator());
    assert_eq!(registry.stake(setup::creator()), 0);
    ts::return_shared(registry);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::registry::EAlreadyRegistered)]
fun register_twice_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), registry::role_worker(), setup::min_stake());
    setup::register(&mut scenario, setup::worker(), registry::role_checker(), setup::min_stake());
    abort
}

#[test, expected_failure(abort_code = pictor::registry::EBadRole)]
fun register_role_zero_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), 0, setup::min_stake());
    abort
}

#[test, expected_failure(abort_code = pictor::registry::EBadRole)]
fun register_role_four_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), 4, setup::min_stake());
    abort
}

#[test, expected_failure(abort_code = pictor::registry::EStakeTooLow)]
fun register_worker_below_min_stake_aborts() {
    let mut scenario = setup::begin();
    setup::register(
        &mut scenario,
        setup::worker(),
        registry::role_worker(),
        setup::min_stake() - 1,
    );
    abort
}

#[test, expected_failure(abort_code = pictor::registry::EStakeTooLow)]
fun register_checker_below_min_stake_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::checker(), registry::role_checker(), 0);
    abort
}

// === add_stake ===

#[test]
fun add_stake_adds_to_the_stake() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), registry::role_worker(), setup::min_stake());
    setup::add_stake(&mut scenario, setup::worker(), 5);
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.stake(setup::worker()), setup::min_stake() + 5);
    ts::return_shared(registry);
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::registry::ENotRegistered)]
fun add_stake_unregistered_aborts() {
    let mut scenario = setup::begin();
    setup::add_stake(&mut scenario, setup::worker(), 5);
    abort
}

// === request_withdraw and withdraw ===

#[test]
fun request_withdraw_sets_the_time_and_deactivates() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), registry::role_worker(), setup::min_stake());
    let clock = setup::clock_at(&mut scenario, 5_000);
    setup::request_withdraw(&mut scenario, setup::worker(), &clock);
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.withdraw_at(setup::worker()), 5_000 + setup::withdraw_delay_ms());
    assert!(!registry.is_active_worker(setup::worker()));
    ts::return_shared(registry);
    clock.destroy_for_testing();
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::registry::ENotRegistered)]
fun request_withdraw_unregistered_aborts() {
    let mut scenario = setup::begin();
    let clock = setup::clock_at(&mut scenario, 5_000);
    setup::request_withdraw(&mut scenario, setup::worker(), &clock);
    abort
}

#[test]
fun withdraw_after_the_delay_returns_the_stake() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), registry::role_worker(), setup::min_stake());
    setup::add_stake(&mut scenario, setup::worker(), 7);
    let mut clock = setup::clock_at(&mut scenario, 5_000);
    setup::request_withdraw(&mut scenario, setup::worker(), &clock);
    clock.set_for_testing(5_000 + setup::withdraw_delay_ms());
    setup::withdraw(&mut scenario, setup::worker(), &clock);
    assert_eq!(setup::events_of_last_tx(&mut scenario), 1);
    assert_eq!(setup::received(&mut scenario, setup::worker()), setup::min_stake() + 7);
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.stake(setup::worker()), 0);
    assert!(registry.is_registered(setup::worker()));
    ts::return_shared(registry);
    clock.destroy_for_testing();
    scenario.end();
}

#[test, expected_failure(abort_code = pictor::registry::ETooEarly)]
fun withdraw_before_the_delay_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), registry::role_worker(), setup::min_stake());
    let mut clock = setup::clock_at(&mut scenario, 5_000);
    setup::request_withdraw(&mut scenario, setup::worker(), &clock);
    clock.set_for_testing(5_000 + setup::withdraw_delay_ms() - 1);
    setup::withdraw(&mut scenario, setup::worker(), &clock);
    abort
}

#[test, expected_failure(abort_code = pictor::registry::ENotRequested)]
fun withdraw_without_request_aborts() {
    let mut scenario = setup::begin();
    setup::register(&mut scenario, setup::worker(), registry::role_worker(), setup::min_stake());
    let clock = setup::clock_at(&mut scenario, 5_000);
    setup::withdraw(&mut scenario, setup::worker(), &clock);
    abort
}

#[test, expected_failure(abort_code = pictor::registry::ENotRegistered)]
fun withdraw_unregistered_aborts() {
    let mut scenario = setup::begin();
    let clock = setup::clock_at(&mut scenario, 5_000);
    setup::withdraw(&mut scenario, setup::worker(), &clock);
    abort
}

// === create_registry ===

#[test]
fun create_registry_stores_the_constants() {
    let mut scenario = setup::begin();
    let registry = scenario.take_shared<Registry<SUI>>();
    assert_eq!(registry.min_stake(), setup::min_stake());
    assert_eq!(registry.slash_amount(), setup::slash_amount());
    assert_eq!(registry.withdraw_delay_ms(), setup::withdraw_delay_ms());
    assert_eq!(registry.appeal_window_ms(), setup::appeal_window_ms());
    ts::return_shared(registry);
    scenario.end();
}
