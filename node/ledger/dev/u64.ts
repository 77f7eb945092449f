// Checked u64 arithmetic. Move aborts on overflow; the dev ledger must
// refuse the same transactions, so every sum and product goes through here.
import { LedgerError } from '../errors.ts'
import { U64_MAX } from '../types.ts'

export function add(a: bigint, b: bigint, what: string): bigint {
  const sum = a + b
  if (sum > U64_MAX) throw new LedgerError('EOverflow', `${what} would exceed u64`)
  return sum
}

export function mul(a: bigint, b: bigint, what: string): bigint {
  const product = a * b
  if (product > U64_MAX) throw new LedgerError('EOverflow', `${what} would exceed u64`)
  return product
}

/**
 * Subtraction that the state machine's own checks guarantee cannot go
 * below zero; reaching zero-minus is a bug, not a user error, so it is not a
 * LedgerError and the transaction is still rejected whole.
 */
export function sub(a: bigint, b: bigint, what: string): bigint {
  if (b > a) throw new Error(`ledger invariant broken: ${what} would go negative`)
  return a - b
}

/** Counts (tasks, frames, nonces) are numbers; keep them where Move's u64 and JS agree. */
export function addCount(a: number, b: number, what: string): number {
  const sum = a + b
  if (!Number.isSafeInteger(sum)) throw new LedgerError('EOverflow', `${what} would exceed 2^53`)
  return sum
}

/** Math.min for bigints. */
export function minU64(a: bigint, b: bigint): bigint {
  if (a < b) return a
  return b
}
