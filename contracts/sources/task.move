// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// One task of a job: a chunk of frames, the worker rendering it, the Merkle
/// root it committed and the checker the beacon picked. Only `job` and
/// `verify` move a task between states; everyone may read it.
module pictor::task;

// A task with no record in its job's table is Open too: records are created
// on first assignment so that a job with many tasks costs nothing up front.
const OPEN: u8 = 0;
const ASSIGNED: u8 = 1;
const COMMITTED: u8 = 2;
const VERIFIED: u8 = 3;

public struct Task has drop, store {
    state: u8,
    worker: address,
    frames: u64,
    frame_cost: u64,
    root: vector<u8>,
    checker: address,
    beacon: vector<u8>,
    /// How many times the task was assigned (a rejected result reopens it).
    attempts: u64,
    /// Assigned: the commitment is due by then, or the creator may reclaim
    /// the task; Committed: the verdict is due by then, or anyone may redraw
    /// the checker. 0 otherwise.
    deadline: u64,
    /// Checkers redrawn for the current commitment after missing a deadline.
    redraws: u64,
}

public(package) fun new(): Task {
    Task {
        state: OPEN,
        worker: @0x0,
        frames: 0,
        frame_cost: 0,
        root: vector[],
        checker: @0x0,
        beacon: vector[],
        attempts: 0,
        deadline: 0,
        redraws: 0,
    }
}

// === Reads ===

public fun state(self: &Task): u8 { self.state }

public fun worker(self: &Task): address { self.worker }

public fun frames(self: &Task): u64 { self.frames }

public fun frame_cost(self: &Task): u64 { self.frame_cost }

public fun root(self: &Task): vector<u8> { self.root }

public fun checker(self: &Task): address { self.checker }

public fun beacon(self: &Task): vector<u8> { self.beacon }

public fun attempts(self: &Task): u64 { self.attempts }

public fun deadline(self: &Task): u64 { self.deadline }

public fun redraws(self: &Task): u64 { self.redraws }

/// What the worker earns if the result is accepted. `assign_task` checked
/// that it fits in the escrow, so the product cannot overflow here.
public fun payout(self: &Task): u64 { self.frames * self.frame_cost }

public fun is_open(self: &Task): bool { self.state == OPEN }

public fun is_assigned(self: &Task): bool { self.state == ASSIGNED }

public fun is_committed(self: &Task): bool { self.state == COMMITTED }

public fun is_verified(self: &Task): bool { self.state == VERIFIED }

public fun state_open(): u8 { OPEN }

public fun state_assigned(): u8 { ASSIGNED }

public fun state_committed(): u8 { COMMITTED }

public fun state_verified(): u8 { VERIFIED }

// === Transitions (callers check who may make them) ===

public(package) fun assign(self: &mut Task, worker: address, frames: u64, frame_cost: u64) {
    self.state = ASSIGNED;
    self.worker = worker;
    self.frames = frames;
    self.frame_cost = frame_cost;
    self.root = vector[];
    self.checker = @0x0;
    self.beacon = vector[];
    self.attempts = self.attempts + 1;
}

public(package) fun commit(
    self: &mut Task,
    root: vector<u8>,
    checker: address,
    beacon: vector<u8>,
) {
    self.state = COMMITTED;
    self.root = root;
    self.checker = checker;
    self.beacon = beacon;
}

public(package) fun verify(self: &mut Task) {
    self.state = VERIFIED;
    self.deadline = 0;
}

/// The next step (commitment, verdict) is due by `deadline`.
public(package) fun set_deadline(self: &mut Task, deadline: u64) {
    self.deadline = deadline;
}

/// A new checker for the same commitment after the last one missed its deadline.
public(package) fun redraw(self: &mut Task, checker: address, beacon: vector<u8>, deadline: u64) {
    self.checker = checker;
    self.beacon = beacon;
    self.deadline = deadline;
    self.redraws = self.redraws + 1;
}

/// Back to Open after a rejected result. The worker and checker are cleared
/// so that neither can act on the task again until it is reassigned.
public(package) fun reopen(self: &mut Task) {
    self.state = OPEN;
    self.worker = @0x0;
    self.frames = 0;
    self.frame_cost = 0;
    self.root = vector[];
    self.checker = @0x0;
    self.beacon = vector[];
    self.deadline = 0;
    self.redraws = 0;
}
