// Ledger errors. Every implementation (dev ledger, Sui adapter) throws a
// LedgerError whose `code` is one of LEDGER_ERROR_CODES: the Move abort names
// of contracts/LEDGER-API.md plus the transaction-level codes below, so
// callers branch on the code and never on the backend.
import { PictorError } from '../errors.ts'

/** Aborts of the Move package, one name per `const EXxx` there. */
export const ABORT_CODES = [
  'EAlreadyRegistered',
  'EBadRole',
  'EStakeTooLow',
  'ENotRegistered',
  'ETooEarly',
  'ENotRequested',
  'EJobExists',
  'EEscrowTooLow',
  'EBadArgs',
  'ENotCreator',
  'ETaskState',
  'EPriceAboveCap',
  'ENotWorker',
  'ENotAssignedWorker',
  'ENoChecker',
  'ENotAssignedChecker',
  'EJobClosed',
  'ETasksPending',
  'ERegistryMismatch',
  'ENotAppellant',
  'EAppealWindow',
  'EAppealExists',
  'ENoVerdict',
  'ENotAppealChecker',
  'ERegistryFull',
  'EOpenWork'
] as const

/**
 * Rejections before or around the Move call. On Sui some are raised by the
 * framework rather than the package (arithmetic overflow, coin split
 * failure, signature check), and the adapter maps them here.
 */
export const TX_ERROR_CODES = [
  'EBadSignature', // missing or invalid signature, or an address that is not the key's
  'EBadNonce', // not the sender's next nonce: a gap or a replay
  'EOverflow', // a u64 sum or product would exceed 2^64 - 1
  'EUnknownJob', // no job with this id
  'EMalformed', // the transaction or its arguments do not decode
  'EInsufficientBalance', // the sender cannot pay the stake/escrow it offers
  'EInsufficientGas' // Sui only: the sender holds too little SUI to pay the transaction's gas
] as const

export const LEDGER_ERROR_CODES = [...ABORT_CODES, ...TX_ERROR_CODES] as const
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number]

const KNOWN = new Set<string>(LEDGER_ERROR_CODES)

export function isLedgerErrorCode(code: unknown): code is LedgerErrorCode {
  return typeof code === 'string' && KNOWN.has(code)
}

/** The ledger refused a transaction; nothing about its state changed. */
export class LedgerError extends PictorError {
  declare readonly code: LedgerErrorCode
  constructor(code: LedgerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/**
 * The ledger could not be reached or answered nonsense. The transaction may
 * or may not have been applied: a caller re-reads (nonce, events) before
 * retrying rather than re-sending blindly.
 */
export class LedgerUnavailableError extends PictorError {
  readonly retryable = true
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEDGER_UNAVAILABLE', message, options)
  }
}
