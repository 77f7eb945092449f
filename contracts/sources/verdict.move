// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// What an appeal needs to know about a verdict, kept per task in the job:
/// the last verdict (a rejected task reopens and forgets its worker, checker
/// and root, so they are copied here) and the last appeal. An appeal copies
/// the verdict it is about, so a newer verdict on the reassigned task does
/// not change what the open appeal judges. Only `verify` and `appeal` write
/// them; everyone may read them.
module pictor::verdict;

public struct Verdict has drop, store {
    worker: address,
    checker: address,
    root: vector<u8>,
    accepted: bool,
    /// Clock time of the verdict: the appeal window starts here.
    at_ms: u64,
    /// Whether this verdict was appealed (one appeal per verdict).
    appealed: bool,
}

public struct Appeal has drop, store {
    appellant: address,
    /// The appealed verdict: its task's worker, checker, root and outcome.
    worker: address,
    verdict_checker: address,
    root: vector<u8>,
    verdict_accepted: bool,
    /// Drawn by the beacon after the appeal, excluding the verdict's checker,
    /// the worker and the creator; only it may judge the appeal.
    checker: address,
    beacon: vector<u8>,
    judged: bool,
    /// After this clock time the appellant may cancel_appeal an unjudged
    /// appeal: its fee comes back and the checker owes it no more.
    deadline_ms: u64,
    /// Closed by cancel_appeal rather than judged (`judged` is then true too:
    /// the appeal is closed either way).
    cancelled: bool,
}

public(package) fun new_verdict(
    worker: address,
    checker: address,
    root: vector<u8>,
    accepted: bool,
    at_ms: u64,
): Verdict {
    Verdict { worker, checker, root, accepted, at_ms, appealed: false }
}

public(package) fun new_appeal(
    verdict: &Verdict,
    appellant: address,
    checker: address,
    beacon: vector<u8>,
    deadline_ms: u64,
): Appeal {
    Appeal {
        appellant,
        worker: verdict.worker,
        verdict_checker: verdict.checker,
        root: verdict.root,
        verdict_accepted: verdict.accepted,
        checker,
        beacon,
        judged: false,
        deadline_ms,
        cancelled: false,
    }
}

public(package) fun mark_appealed(self: &mut Verdict) {
    self.appealed = true;
}

public(package) fun mark_judged(self: &mut Appeal) {
    self.judged = true;
}

/// Lets the verdict be appealed again once its appeal was cancelled.
public(package) fun clear_appealed(self: &mut Verdict) {
    self.appealed = false;
}

public(package) fun mark_cancelled(self: &mut Appeal) {
    self.judged = true;
    self.cancelled = true;
}

// === Reads ===

public fun worker(self: &Verdict): address { self.worker }

public fun checker(self: &Verdict): address { self.checker }

public fun root(self: &Verdict): vector<u8> { self.root }

public fun accepted(self: &Verdict): bool { self.accepted }

public fun at_ms(self: &Verdict): u64 { self.at_ms }

public fun appealed(self: &Verdict): bool { self.appealed }

public fun appellant(self: &Appeal): address { self.appellant }

public fun appeal_worker(self: &Appeal): address { self.worker }

public fun verdict_checker(self: &Appeal): address { self.verdict_checker }

public fun appeal_root(self: &Appeal): vector<u8> { self.root }

public fun verdict_accepted(self: &Appeal): bool { self.verdict_accepted }

public fun appeal_checker(self: &Appeal): address { self.checker }

public fun appeal_beacon(self: &Appeal): vector<u8> { self.beacon }

public fun is_judged(self: &Appeal): bool { self.judged }

public fun appeal_deadline_ms(self: &Appeal): u64 { self.deadline_ms }

public fun is_cancelled(self: &Appeal): bool { self.cancelled }
