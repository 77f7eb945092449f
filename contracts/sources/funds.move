// Copyright (c) Pictor contributors
// SPDX-License-Identifier: Apache-2.0

/// Moving balances out of the package: payouts, refunds, slashed stake and
/// withdrawals all leave as a `Coin<T>` sent to an address.
module pictor::funds;

use sui::balance::Balance;
use sui::coin;

/// Sends `amount` to `to` as a coin. A zero balance is destroyed rather than
/// sent, so that a zero fee or an empty refund leaves no dust object behind.
public(package) fun send<T>(amount: Balance<T>, to: address, ctx: &mut TxContext) {
    if (amount.value() == 0) {
        amount.destroy_zero();
    } else {
        transfer::public_transfer(coin::from_balance(amount, ctx), to);
    }
}
