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
const ERegistryFull: u64 = 26;
const EOpenWork: u64 = 27;

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
    /// The active checkers (registered, not withdrawing), at most
    /// `max_checkers`: appended on register, swap-removed on
    /// request_withdraw. The beacon indexes into this vector (skipping the
    /// excluded keys), so its order is part of the semantics.
    checkers: vector<address>,
    jobs: Table<vector<u8>, ID>,
    min_stake: u64,
    slash_amount: u64,
    withdraw_delay_ms: u64,
    /// Each checker's index in `checkers`, for O(1) removal and draws.
    checker_slots: Table<address, u64>,
    /// An Assigned task's deadline is assignment + commit_timeout_ms; a
    /// Committed task's is commitment (or redraw) + verdict_timeout_ms.
    commit_timeout_ms: u64,
    verdict_timeout_ms: u64,
    /// Open tasks a worker may hold per min_stake of stake.
    tasks_per_min_stake: u64,
    max_checkers: u64,
    /// How long after a verdict its task's creator or worker may appeal it.
    appeal_window_ms: u64,
}

public struct Node<phantom T> has store {
    role: u8,
    stake: Balance<T>,
    verified: u64,
    rejected: u64,
    /// 0 until the node asks to withdraw; from then on it takes no tasks and
    /// is never picked as a checker.
    withdraw_at: u64,
    /// Assigned and Committed tasks it works, and verdicts it owes: while
    /// above 0 it cannot withdraw its stake.
    open_tasks: u64,
}

// === Events ===

public struct RegistryCreated has copy, drop {
    registry: ID,
    min_stake: u64,
    slash_amount: u64,
    withdraw_delay_ms: u64,
    commit_timeout_ms: u64,
    verdict_timeout_ms: u64,
    tasks_per_min_stake: u64,
    max_checkers: u64,
    /// How long after a verdict its task's creator or worker may appeal it.
    appeal_window_ms: u64,
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
    commit_timeout_ms: u64,
    verdict_timeout_ms: u64,
    tasks_per_min_stake: u64,
    max_checkers: u64,
    appeal_window_ms: u64,
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
        checker_slots: table::new(ctx),
        commit_timeout_ms,
        verdict_timeout_ms,
        tasks_per_min_stake,
        max_checkers,
        appeal_window_ms,
    };
    let registry_id = object::id(&registry);
    event::emit(RegistryCreated {
        registry: registry_id,
        min_stake,
        slash_amount,
        withdraw_delay_ms,
        commit_timeout_ms,
        verdict_timeout_ms,
        tasks_per_min_stake,
        max_checkers,
        appeal_window_ms,
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
    assert!(
        role != ROLE_CHECKER || registry.checkers.length() < registry.max_checkers,
        ERegistryFull,
    );
    let record = Node {
        role,
        stake: stake.into_balance(),
        verified: 0,
        rejected: 0,
        withdraw_at: 0,
        open_tasks: 0,
    };
    registry.nodes.add(node, record);
    if (role == ROLE_CHECKER) {
        let slot = registry.checkers.length();
        registry.checker_slots.add(node, slot);
        registry.checkers.push_back(node);
    };
    event::emit(NodeRegistered { node, role, stake: amount });
}

public fun add_stake<T>(registry: &mut Registry<T>, stake: Coin<T>, ctx: &TxContext) {
    let sender = ctx.sender();
    assert!(registry.nodes.contains(sender), ENotRegistered);
    let amount = stake.value();
    let min_stake = registry.min_stake;
    let node = registry.nodes.borrow_mut(sender);
    node.stake.join(stake.into_balance());
    let total = node.stake.value();
    let rejoins = node.role == ROLE_CHECKER && node.withdraw_at == 0 && total >= min_stake;
    event::emit(StakeAdded { node: sender, amount, stake: total });
    // A checker slashed below the minimum left the draw; back at it, it
    // re-enters at the end of the vector (if the registry has room).
    if (
        rejoins && !registry.checker_slots.contains(sender)
            && registry.checkers.length() < registry.max_checkers
    ) {
        let slot = registry.checkers.length();
        registry.checker_slots.add(sender, slot);
        registry.checkers.push_back(sender);
    };
}

/// Starts the withdrawal delay. The node stops taking work at once (a checker
/// leaves the active vector), while a verdict on work it already committed
/// can still slash it until it withdraws.
public fun request_withdraw<T>(registry: &mut Registry<T>, clock: &Clock, ctx: &TxContext) {
    let sender = ctx.sender();
    assert!(registry.nodes.contains(sender), ENotRegistered);
    if (registry.checker_slots.contains(sender)) registry.remove_checker(sender);
    let withdraw_at = clock.timestamp_ms() + registry.withdraw_delay_ms;
    let node = registry.nodes.borrow_mut(sender);
    node.withdraw_at = withdraw_at;
    event::emit(WithdrawRequested { node: sender, withdraw_at });
}

/// Sends the whole stake back to the sender once the delay has passed and
/// it has no open work (a task it works, a verdict it owes).
public fun withdraw<T>(registry: &mut Registry<T>, clock: &Clock, ctx: &mut TxContext) {
    let sender = ctx.sender();
    assert!(registry.nodes.contains(sender), ENotRegistered);
    let node = registry.nodes.borrow_mut(sender);
    assert!(node.withdraw_at != 0, ENotRequested);
    assert!(clock.timestamp_ms() >= node.withdraw_at, ETooEarly);
    assert!(node.open_tasks == 0, EOpenWork);
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

/// Takes min(stake, slash_amount) from a checker whose verdict an appeal
/// overturned. Its reputation counters are a worker's and stay as they are.
public(package) fun slash_checker<T>(registry: &mut Registry<T>, checker: address): Balance<T> {
    let slash_amount = registry.slash_amount;
    let node = registry.nodes.borrow_mut(checker);
    let stake = node.stake.value();
    let slashed = node.stake.split(if (stake < slash_amount) stake else slash_amount);
    let remaining = node.stake.value();
    // Below the minimum it is drawn no more; add_stake brings it back.
    if (remaining < registry.min_stake && registry.checker_slots.contains(checker)) {
        registry.remove_checker(checker);
    };
    slashed
}

public(package) fun record_verified<T>(registry: &mut Registry<T>, worker: address) {
    let node = registry.nodes.borrow_mut(worker);
    node.verified = node.verified + 1;
}

/// `node` took a task or owes a verdict.
public(package) fun add_open_task<T>(registry: &mut Registry<T>, node: address) {
    let n = registry.nodes.borrow_mut(node);
    n.open_tasks = n.open_tasks + 1;
}

/// A task of `node` settled, or a verdict it owed is no longer owed.
public(package) fun remove_open_task<T>(registry: &mut Registry<T>, node: address) {
    let n = registry.nodes.borrow_mut(node);
    n.open_tasks = n.open_tasks - 1;
}

/// Swap-remove from the active checkers: the last one takes the slot, O(1).
fun remove_checker<T>(registry: &mut Registry<T>, checker: address) {
    let slot = registry.checker_slots.remove(checker);
    let last = registry.checkers.length() - 1;
    if (slot != last) {
        let moved = registry.checkers[last];
        *registry.checker_slots.borrow_mut(moved) = slot;
    };
    registry.checkers.swap_remove(slot);
}

/// Draws a checker with `beacon`: eligible = the active checkers in vector
/// order without the `excluded` keys, and the pick is
/// eligible[pick(beacon, len(eligible))]; none if eligible is empty. O(1)
/// for a handful of excluded keys: their slots are skipped instead of
/// filtering the vector.
public(package) fun draw_checker<T>(
    registry: &Registry<T>,
    beacon: &vector<u8>,
    excluded: &vector<address>,
): Option<address> {
    // Slots of the excluded keys that are active checkers: distinct, ascending.
    let mut skip = vector<u64>[];
    let mut i = 0;
    while (i < excluded.length()) {
        let key = excluded[i];
        if (registry.checker_slots.contains(key)) {
            let slot = *registry.checker_slots.borrow(key);
            if (!skip.contains(&slot)) {
                let mut at = 0;
                while (at < skip.length() && skip[at] < slot) {
                    at = at + 1;
                };
                skip.insert(slot, at);
            };
        };
        i = i + 1;
    };
    let count = registry.checkers.length() - skip.length();
    if (count == 0) return option::none();
    // The n-th eligible checker is at slot n plus the skipped slots at or before it.
    let mut index = pick(beacon, count);
    let mut k = 0;
    while (k < skip.length()) {
        if (skip[k] <= index) index = index + 1;
        k = k + 1;
    };
    option::some(registry.checkers[index])
}

/// Whether `worker` may take one more task: open_tasks + 1 <=
/// (stake / min_stake) * tasks_per_min_stake, so what a worker can leave
/// unfinished scales with what it can lose.
public fun has_capacity<T>(registry: &Registry<T>, worker: address): bool {
    let n = registry.nodes.borrow(worker);
    if (registry.min_stake == 0) return true;
    let units = ((n.stake.value() / registry.min_stake) as u256);
    ((n.open_tasks as u256) + 1) <= units * (registry.tasks_per_min_stake as u256)
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
/// `creator`: the active checkers other than the two, in vector order.
public fun eligible_checkers<T>(
    registry: &Registry<T>,
    worker: address,
    creator: address,
): vector<address> {
    registry.eligible_except(&vector[worker, creator])
}

/// The active checkers without `excluded`, in vector order: what
/// `draw_checker` picks from (O(n): for reads and tests).
public fun eligible_except<T>(registry: &Registry<T>, excluded: &vector<address>): vector<address> {
    let mut eligible = vector[];
    let mut i = 0;
    let count = registry.checkers.length();
    while (i < count) {
        let checker = registry.checkers[i];
        if (!excluded.contains(&checker)) eligible.push_back(checker);
        i = i + 1;
    };
    eligible
}

/// The beacon's first 8 bytes as a big-endian u64, modulo `count`: anyone
/// can recompute a draw from the beacon in the event that announced it.
public fun pick(beacon: &vector<u8>, count: u64): u64 {
    let mut value = 0u64;
    let mut i = 0;
    while (i < 8) {
        value = (value << 8) | (beacon[i] as u64);
        i = i + 1;
    };
    value % count
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

public fun open_tasks<T>(registry: &Registry<T>, node: address): u64 {
    registry.nodes.borrow(node).open_tasks
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

public fun commit_timeout_ms<T>(registry: &Registry<T>): u64 { registry.commit_timeout_ms }

public fun verdict_timeout_ms<T>(registry: &Registry<T>): u64 { registry.verdict_timeout_ms }

public fun tasks_per_min_stake<T>(registry: &Registry<T>): u64 { registry.tasks_per_min_stake }

public fun max_checkers<T>(registry: &Registry<T>): u64 { registry.max_checkers }

public fun appeal_window_ms<T>(registry: &Registry<T>): u64 { registry.appeal_window_ms }

public fun role_creator(): u8 { ROLE_CREATOR }

public fun role_worker(): u8 { ROLE_WORKER }

public fun role_checker(): u8 { ROLE_CHECKER }

#[test_only]
public fun init_for_testing(ctx: &mut TxContext) {
    init(ctx)
}
