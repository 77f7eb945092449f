// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// Node registry: every node's role, stake and reputation, the checkers the
/// beacon chooses from, and the index from a job's 32-byte id to its object.
/// One shared `Registry<T>` per coin type `T`, created by the publisher.
module pictor::registry;

use pictor::funds;
use sui::balance::Balance;
use sui::clock::Clock;
use sui::coin::Coin;
use sui::event;
use sui::table::{Self, Table};

// Abort codes: the same numbers in every module and in the dev ledger
// (node/ledger/sui/errors.ts). Plain u64 on purpose: clever `#[error]`
// codes encode the source line, so they would change on every edit.
const EAlreadyRegistered: u64 = 1;
const EBadRole: u64 = 2;
const EStakeTooLow: u64 = 3;
const ENotRegistered: u64 = 4;
const ETooEarly: u64 = 5;
const ENotRequested: u64 = 6;
const EJobExists: u64 = 7;

const ROLE_CREATOR: u8 = 1;
const ROLE_WORKER: u8 = 2;
const ROLE_CHECKER: u8 = 3;

/// Held by the publisher; creates registries.
public struct AdminCap has key, store {
    id: UID,
}

public struct Registry<phantom T> has key {
    id: UID,
    nodes: Table<address, Node<T>>,
    /// Checkers in registration order: the beacon indexes into this list
    /// (after filtering), so the order is part of the semantics.
    checkers: vector<address>,
    jobs: Table<vector<u8>, ID>,
    min_stake: u64,
    slash_amount: u64,
    withdraw_delay_ms: u64,
}

public struct Node<phantom T> has store {
    role: u8,
    stake: Balance<T>,
    verified: u64,
    rejected: u64,
    /// 0 until the node asks to withdraw; from then on it takes no tasks and
    /// is never picked as a checker.
    withdraw_at: u64,
}

// === Events ===

public struct RegistryCreated has copy, drop {
    registry: ID,
    min_stake: u64,
    slash_amount: u64,
    withdraw_delay_ms: u64,
}

public struct NodeRegistered has copy, drop {
    node: address,
    role: u8,
    stake: u64,
}

public struct StakeAdded has copy, drop {
    node: address,
    amount: u64,
    stake: u64,
}

public struct WithdrawRequested has copy, drop {
    node: address,
    withdraw_at: u64,
}

public struct Withdrawn has copy, drop {
    node: address,
    amount: u64,
}

fun init(ctx: &mut TxContext) {
    transfer::public_transfer(AdminCap { id: object::new(ctx) }, ctx.sender());
}

/// Shares a registry for coin type `T` with the given constants and returns
/// its id (the `registryId` of pictor's Sui config).
public fun create_registry<T>(
    _: &AdminCap,
    min_stake: u64,
    slash_amount: u64,
    withdraw_delay_ms: u64,
    ctx: &mut TxContext,
): ID {
    let registry = Registry<T> {
        id: object::new(ctx),
        nodes: table::new(ctx),
        checkers: vector[],
        jobs: table::new(ctx),
        min_stake,
        slash_amount,
        withdraw_delay_ms,
    };
    let registry_id = object::id(&registry);
    event::emit(RegistryCreated {
        registry: registry_id,
        min_stake,
        slash_amount,
        withdraw_delay_ms,
    });
    transfer::share_object(registry);
    registry_id
}

// === Node calls ===

/// Registers the sender with `role` (1 creator, 2 worker, 3 checker), locking
/// `stake`. Workers and checkers need at least `min_stake`; a creator may
/// register with any stake, zero included.
public fun register<T>(registry: &mut Registry<T>, role: u8, stake: Coin<T>, ctx: &TxContext) {
    let node = ctx.sender();
    assert!(!registry.nodes.contains(node), EAlreadyRegistered);
    assert!(role >= ROLE_CREATOR && role <= ROLE_CHECKER, EBadRole);
    let amount = stake.value();
    assert!(role == ROLE_CREATOR || amount >= registry.min_stake, EStakeTooLow);
    let record = Node {
        role,
        stake: stake.into_balance(),
        verified: 0,
        rejected: 0,
        withdraw_at: 0,
    };
    registry.nodes.add(node, record);
    if (role == ROLE_CHECKER) registry.checkers.push_back(node);
    event::emit(NodeRegistered { node, role, stake: amount });
}

public fun add_stake<T>(registry: &mut Registry<T>, stake: Coin<T>, ctx: &TxContext) {
    let sender = ctx.sender();
    assert!(registry.nodes.contains(sender), ENotRegistered);
    let amount = stake.value();
    let node = registry.nodes.borrow_mut(sender);
    node.stake.join(stake.into_balance());
    event::emit(StakeAdded { node: sender, amount, stake: node.stake.value() });
}

/// Starts the withdrawal delay. The node stops taking work at once, while a
/// verdict on work it already committed can still slash it until it withdraws.
public fun request_withdraw<T>(registry: &mut Registry<T>, clock: &Clock, ctx: &TxContext) {
    let sender = ctx.sender();
    assert!(registry.nodes.contains(sender), ENotRegistered);
    let withdraw_at = clock.timestamp_ms() + registry.withdraw_delay_ms;
    let node = registry.nodes.borrow_mut(sender);
    node.withdraw_at = withdraw_at;
    event::emit(WithdrawRequested { node: sender, withdraw_at });
}

/// Sends the whole stake back to the sender once the delay has passed.
public fun withdraw<T>(registry: &mut Registry<T>, clock: &Clock, ctx: &mut TxContext) {
    let sender = ctx.sender();
    assert!(registry.nodes.contains(sender), ENotRegistered);
    let node = registry.nodes.borrow_mut(sender);
    assert!(node.withdraw_at != 0, ENotRequested);
    assert!(clock.timestamp_ms() >= node.withdraw_at, ETooEarly);
    let stake = node.stake.withdraw_all();
    event::emit(Withdrawn { node: sender, amount: stake.value() });
    funds::send(stake, sender, ctx);
}

// === Package calls (job and verify) ===

/// Records a new job id; job ids are unique per registry.
public(package) fun add_job<T>(registry: &mut Registry<T>, job_id: vector<u8>, job: ID) {
    assert!(!registry.jobs.contains(job_id), EJobExists);
    registry.jobs.add(job_id, job);
}

/// Takes min(stake, slash_amount) from `worker` and counts the rejection.
public(package) fun slash<T>(registry: &mut Registry<T>, worker: address): Balance<T> {
    let slash_amount = registry.slash_amount;
    let node = registry.nodes.borrow_mut(worker);
    let stake = node.stake.value();
    let amount = if (stake < slash_amount) stake else slash_amount;
    node.rejected = node.rejected + 1;
    node.stake.split(amount)
}

public(package) fun record_verified<T>(registry: &mut Registry<T>, worker: address) {
    let node = registry.nodes.borrow_mut(worker);
    node.verified = node.verified + 1;
}

// === Reads ===

/// A node that may be assigned a task: a registered worker, not withdrawing,
/// with at least `min_stake` (a slashed worker tops up before working again).
public fun is_active_worker<T>(registry: &Registry<T>, node: address): bool {
    if (!registry.nodes.contains(node)) return false;
    let n = registry.nodes.borrow(node);
    n.role == ROLE_WORKER && n.withdraw_at == 0 && n.stake.value() >= registry.min_stake
}

/// The checkers the beacon may pick for a result of `worker` on a job of
/// `creator`: registered, not withdrawing, neither of the two; in
/// registration order.
public fun eligible_checkers<T>(
    registry: &Registry<T>,
    worker: address,
    creator: address,
): vector<address> {
    let mut eligible = vector[];
    let mut i = 0;
    let count = registry.checkers.length();
    while (i < count) {
        let checker = registry.checkers[i];
        if (
            checker != worker && checker != creator
                && registry.nodes.borrow(checker).withdraw_at == 0
        ) {
            eligible.push_back(checker);
        };
        i = i + 1;
    };
    eligible
}

public fun is_registered<T>(registry: &Registry<T>, node: address): bool {
    registry.nodes.contains(node)
}

public fun role<T>(registry: &Registry<T>, node: address): u8 {
    registry.nodes.borrow(node).role
}

public fun stake<T>(registry: &Registry<T>, node: address): u64 {
    registry.nodes.borrow(node).stake.value()
}

public fun verified<T>(registry: &Registry<T>, node: address): u64 {
    registry.nodes.borrow(node).verified
}

public fun rejected<T>(registry: &Registry<T>, node: address): u64 {
    registry.nodes.borrow(node).rejected
}

public fun withdraw_at<T>(registry: &Registry<T>, node: address): u64 {
    registry.nodes.borrow(node).withdraw_at
}

public fun checkers<T>(registry: &Registry<T>): vector<address> { registry.checkers }

public fun has_job<T>(registry: &Registry<T>, job_id: vector<u8>): bool {
    registry.jobs.contains(job_id)
}

/// The object id of the job with this 32-byte id (aborts if there is none).
public fun job_object<T>(registry: &Registry<T>, job_id: vector<u8>): ID {
    *registry.jobs.borrow(job_id)
}

public fun min_stake<T>(registry: &Registry<T>): u64 { registry.min_stake }

public fun slash_amount<T>(registry: &Registry<T>): u64 { registry.slash_amount }

public fun withdraw_delay_ms<T>(registry: &Registry<T>): u64 { registry.withdraw_delay_ms }

public fun role_creator(): u8 { ROLE_CREATOR }

public fun role_worker(): u8 { ROLE_WORKER }

public fun role_checker(): u8 { ROLE_CHECKER }

#[test_only]
public fun init_for_testing(ctx: &mut TxContext) {
    init(ctx)
}
