// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// Shared fixtures: a scenario with `Random`, a registry over SUI, and one
/// helper per ledger call that takes the shared objects, calls as `who` and
/// returns them, so each test reads as the sequence of ledger calls it makes.
#[test_only]
module pictor::setup;

use pictor::appeal;
use pictor::job::{Self, Job};
use pictor::registry::{Self, AdminCap, Registry};
use pictor::verify;
use sui::clock::{Self, Clock};
use sui::coin::{Self, Coin};
use sui::random::{Self, Random};
use sui::sui::SUI;
use sui::test_scenario::{Self as ts, Scenario};

const ADMIN: address = @0xAD;
const CREATOR: address = @0xC1;
const WORKER: address = @0xB1;
const WORKER2: address = @0xB2;
const CHECKER: address = @0xCC;
const CHECKER2: address = @0xCD;
const OTHER: address = @0xEE;

const MIN_STAKE: u64 = 1_000_000;
// Above MIN_STAKE so that a slash can take less than the configured amount.
const SLASH_AMOUNT: u64 = 1_500_000;
const WITHDRAW_DELAY_MS: u64 = 1_000;
const COMMIT_TIMEOUT_MS: u64 = 10_000;
const VERDICT_TIMEOUT_MS: u64 = 20_000;
const TASKS_PER_MIN_STAKE: u64 = 4;
// Small, so that a test can fill the checker vector.
const MAX_CHECKERS: u64 = 3;
const APPEAL_WINDOW_MS: u64 = 30_000;

// Job used by most tests: 2 tasks of 2 frames, 100 per frame at most, a
// checker fee of 10: 4 * 100 + 2 * 2 * 10 = 440 of escrow at least.
const TASKS: u64 = 2;
const FRAMES: u64 = 4;
const MAX_FRAME_COST: u64 = 100;
const CHECKER_FEE: u64 = 10;
const ESCROW: u64 = 500;

public fun admin(): address { ADMIN }

public fun creator(): address { CREATOR }

public fun worker(): address { WORKER }

public fun worker2(): address { WORKER2 }

public fun checker(): address { CHECKER }

public fun checker2(): address { CHECKER2 }

public fun other(): address { OTHER }

public fun min_stake(): u64 { MIN_STAKE }

public fun slash_amount(): u64 { SLASH_AMOUNT }

public fun withdraw_delay_ms(): u64 { WITHDRAW_DELAY_MS }

public fun commit_timeout_ms(): u64 { COMMIT_TIMEOUT_MS }

public fun verdict_timeout_ms(): u64 { VERDICT_TIMEOUT_MS }

public fun tasks_per_min_stake(): u64 { TASKS_PER_MIN_STAKE }

public fun max_checkers(): u64 { MAX_CHECKERS }

public fun appeal_window_ms(): u64 { APPEAL_WINDOW_MS }

public fun tasks(): u64 { TASKS }

public fun frames(): u64 { FRAMES }

public fun max_frame_cost(): u64 { MAX_FRAME_COST }

public fun checker_fee(): u64 { CHECKER_FEE }

public fun escrow(): u64 { ESCROW }

public fun job_id(): vector<u8> {
    x"0101010101010101010101010101010101010101010101010101010101010101"
}

public fun root(): vector<u8> {
    x"abababababababababababababababababababababababababababababababab"
}

/// Random (created by @0x0, as on chain) and a registry over SUI. The
/// scenario is left in a transaction of ADMIN.
public fun begin(): Scenario {
    let mut scenario = ts::begin(@0x0);
    random::create_for_testing(scenario.ctx());
    scenario.next_tx(@0x0);
    let mut rand = scenario.take_shared<Random>();
    rand.update_randomness_state_for_testing(
        0,
        x"1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f",
        scenario.ctx(),
    );
    ts::return_shared(rand);
    scenario.next_tx(ADMIN);
    registry::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    let cap = scenario.take_from_sender<AdminCap>();
    registry::create_registry<SUI>(
        &cap,
        MIN_STAKE,
        SLASH_AMOUNT,
        WITHDRAW_DELAY_MS,
        COMMIT_TIMEOUT_MS,
        VERDICT_TIMEOUT_MS,
        TASKS_PER_MIN_STAKE,
        MAX_CHECKERS,
        APPEAL_WINDOW_MS,
        scenario.ctx(),
    );
    scenario.return_to_sender(cap);
    scenario.next_tx(ADMIN);
    scenario
}

/// `begin` plus a worker, a second worker and a checker, each staking
/// MIN_STAKE * 2, and the standard job created by CREATOR.
public fun begin_with_job(): Scenario {
    let mut scenario = begin();
    register(&mut scenario, WORKER, registry::role_worker(), MIN_STAKE * 2);
    register(&mut scenario, WORKER2, registry::role_worker(), MIN_STAKE * 2);
    register(&mut scenario, CHECKER, registry::role_checker(), MIN_STAKE * 2);
    create_job(&mut scenario, CREATOR, job_id(), ESCROW);
    scenario
}

public fun clock_at(scenario: &mut Scenario, ms: u64): Clock {
    let mut clock = clock::create_for_testing(scenario.ctx());
    clock.set_for_testing(ms);
    clock
}

// === One helper per ledger call ===

public fun register(scenario: &mut Scenario, who: address, role: u8, stake: u64) {
    scenario.next_tx(who);
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let coin = coin::mint_for_testing<SUI>(stake, scenario.ctx());
    registry.register(role, coin, scenario.ctx());
    ts::return_shared(registry);
}

public fun add_stake(scenario: &mut Scenario, who: address, amount: u64) {
    scenario.next_tx(who);
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let coin = coin::mint_for_testing<SUI>(amount, scenario.ctx());
    registry.add_stake(coin, scenario.ctx());
    ts::return_shared(registry);
}

public fun request_withdraw(scenario: &mut Scenario, who: address, clock: &Clock) {
    scenario.next_tx(who);
    let mut registry = scenario.take_shared<Registry<SUI>>();
    registry.request_withdraw(clock, scenario.ctx());
    ts::return_shared(registry);
}

public fun withdraw(scenario: &mut Scenario, who: address, clock: &Clock) {
    scenario.next_tx(who);
    let mut registry = scenario.take_shared<Registry<SUI>>();
    registry.withdraw(clock, scenario.ctx());
    ts::return_shared(registry);
}

public fun create_job(scenario: &mut Scenario, who: address, id: vector<u8>, escrow: u64) {
    create_job_with(scenario, who, id, TASKS, FRAMES, MAX_FRAME_COST, CHECKER_FEE, escrow);
}

public fun create_job_with(
    scenario: &mut Scenario,
    who: address,
    id: vector<u8>,
    task_count: u64,
    frame_count: u64,
    max_frame_cost: u64,
    checker_fee: u64,
    escrow: u64,
) {
    scenario.next_tx(who);
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let coin = coin::mint_for_testing<SUI>(escrow, scenario.ctx());
    job::create_job(
        &mut registry,
        id,
        task_count,
        frame_count,
        max_frame_cost,
        checker_fee,
        coin,
        scenario.ctx(),
    );
    ts::return_shared(registry);
}

/// At time 0; `assign_at` for a later time.
public fun assign(
    scenario: &mut Scenario,
    who: address,
    task_index: u64,
    worker: address,
    frames: u64,
    frame_cost: u64,
) {
    assign_at(scenario, who, task_index, worker, frames, frame_cost, 0);
}

public fun assign_at(
    scenario: &mut Scenario,
    who: address,
    task_index: u64,
    worker: address,
    frames: u64,
    frame_cost: u64,
    ms: u64,
) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let clock = clock_at(scenario, ms);
    job.assign_task(&mut registry, task_index, worker, frames, frame_cost, &clock, scenario.ctx());
    clock.destroy_for_testing();
    ts::return_shared(job);
    ts::return_shared(registry);
}

/// At time 0; `commit_at` for a later time.
public fun commit(scenario: &mut Scenario, who: address, task_index: u64) {
    commit_root_at(scenario, who, task_index, root(), 0);
}

public fun commit_at(scenario: &mut Scenario, who: address, task_index: u64, ms: u64) {
    commit_root_at(scenario, who, task_index, root(), ms);
}

public fun commit_root(scenario: &mut Scenario, who: address, task_index: u64, root: vector<u8>) {
    commit_root_at(scenario, who, task_index, root, 0);
}

public fun commit_root_at(
    scenario: &mut Scenario,
    who: address,
    task_index: u64,
    root: vector<u8>,
    ms: u64,
) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let rand = scenario.take_shared<Random>();
    let clock = clock_at(scenario, ms);
    verify::commit_result(&mut job, &mut registry, task_index, root, &rand, &clock, scenario.ctx());
    clock.destroy_for_testing();
    ts::return_shared(job);
    ts::return_shared(registry);
    ts::return_shared(rand);
}

public fun reclaim(scenario: &mut Scenario, who: address, task_index: u64, ms: u64) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let clock = clock_at(scenario, ms);
    job.reclaim_task(&mut registry, task_index, &clock, scenario.ctx());
    clock.destroy_for_testing();
    ts::return_shared(job);
    ts::return_shared(registry);
}

public fun redraw(scenario: &mut Scenario, who: address, task_index: u64, ms: u64) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let rand = scenario.take_shared<Random>();
    let clock = clock_at(scenario, ms);
    verify::redraw_checker(&mut job, &mut registry, task_index, &rand, &clock, scenario.ctx());
    clock.destroy_for_testing();
    ts::return_shared(job);
    ts::return_shared(registry);
    ts::return_shared(rand);
}

public fun top_up(scenario: &mut Scenario, who: address, amount: u64) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let coin = coin::mint_for_testing<SUI>(amount, scenario.ctx());
    job.top_up_job(coin, scenario.ctx());
    ts::return_shared(job);
}

/// At time 0; `verdict_at` for a later time.
public fun verdict(scenario: &mut Scenario, who: address, task_index: u64, accepted: bool) {
    verdict_at(scenario, who, task_index, accepted, 0);
}

public fun verdict_at(
    scenario: &mut Scenario,
    who: address,
    task_index: u64,
    accepted: bool,
    ms: u64,
) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let clock = clock_at(scenario, ms);
    verify::submit_verdict(&mut job, &mut registry, task_index, accepted, &clock, scenario.ctx());
    clock.destroy_for_testing();
    ts::return_shared(job);
    ts::return_shared(registry);
}

/// Appeals the task's last verdict at `ms`, paying `fee` (the checker fee, unless a test says otherwise).
public fun appeal_at(scenario: &mut Scenario, who: address, task_index: u64, fee: u64, ms: u64) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut registry = scenario.take_shared<Registry<SUI>>();
    let rand = scenario.take_shared<Random>();
    let clock = clock_at(scenario, ms);
    let coin = coin::mint_for_testing<SUI>(fee, scenario.ctx());
    appeal::appeal(&mut job, &mut registry, task_index, coin, &clock, &rand, scenario.ctx());
    clock.destroy_for_testing();
    ts::return_shared(job);
    ts::return_shared(registry);
    ts::return_shared(rand);
}

public fun judge(scenario: &mut Scenario, who: address, task_index: u64, accepted: bool) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    let mut registry = scenario.take_shared<Registry<SUI>>();
    appeal::judge_appeal(&mut job, &mut registry, task_index, accepted, scenario.ctx());
    ts::return_shared(job);
    ts::return_shared(registry);
}

public fun cancel(scenario: &mut Scenario, who: address) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    job.cancel_job(scenario.ctx());
    ts::return_shared(job);
}

public fun close(scenario: &mut Scenario, who: address) {
    scenario.next_tx(who);
    let mut job = scenario.take_shared<Job<SUI>>();
    job.close_job(scenario.ctx());
    ts::return_shared(job);
}

// === Reading state back ===

/// Ends the current transaction and returns the number of events it emitted.
public fun events_of_last_tx(scenario: &mut Scenario): u64 {
    let effects = scenario.next_tx(ADMIN);
    effects.num_user_events()
}

/// Sum of the coins `owner` received and has not spent, burning them so the
/// next call counts only newer payments. Call after the paying transaction
/// ended (`events_of_last_tx` or `next_tx`).
public fun received(scenario: &mut Scenario, owner: address): u64 {
    let ids = ts::ids_for_address<Coin<SUI>>(owner);
    let mut total = 0;
    let mut i = 0;
    while (i < ids.length()) {
        let coin = ts::take_from_address_by_id<Coin<SUI>>(scenario, owner, ids[i]);
        total = total + coin.burn_for_testing();
        i = i + 1;
    };
    total
}
