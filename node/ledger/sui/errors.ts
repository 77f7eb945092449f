// Sui failures mapped onto the shared ledger errors (../errors.ts): a Move
// abort of our package becomes the LedgerError of the same name, framework
// failures the transaction-level code closest to them, and transport
// failures LedgerUnavailableError (retryable; the caller re-reads first).

import type { SuiClientTypes } from '@mysten/sui/client'
import { normalizeSuiAddress } from '@mysten/sui/utils'
import { PictorError } from '../../errors.ts'
import { LedgerError, type LedgerErrorCode, LedgerUnavailableError } from '../errors.ts'

/**
 * The numeric abort code of every `const EXxx: u64` in contracts/sources.
 * One number per name across all modules; a test parses the sources and
 * checks they agree with this table.
 */
export const MOVE_ABORT_CODES = {
  EAlreadyRegistered: 1,
  EBadRole: 2,
  EStakeTooLow: 3,
  ENotRegistered: 4,
  ETooEarly: 5,
  ENotRequested: 6,
  EJobExists: 7,
  EEscrowTooLow: 8,
  EBadArgs: 9,
  ENotCreator: 10,
  ETaskState: 11,
  EPriceAboveCap: 12,
  ENotWorker: 13,
  ENotAssignedWorker: 14,
  ENoChecker: 15,
  ENotAssignedChecker: 16,
  EJobClosed: 17,
  ETasksPending: 18,
  EOverflow: 19,
  ERegistryMismatch: 20,
  ENotAppellant: 21,
  EAppealWindow: 22,
  EAppealExists: 23,
  ENoVerdict: 24,
  ENotAppealChecker: 25,
  ERegistryFull: 26,
  EOpenWork: 27
} as const satisfies Partial<Record<LedgerErrorCode, number>>

export type MoveAbortName = keyof typeof MOVE_ABORT_CODES

const NAME_BY_CODE = new Map<number, MoveAbortName>(
  Object.entries(MOVE_ABORT_CODES).map(([name, code]) => [code, name as MoveAbortName])
)

export function abortName(code: number | bigint | string): MoveAbortName | undefined {
  const n = Number(code)
  return Number.isSafeInteger(n) ? NAME_BY_CODE.get(n) : undefined
}

const FRAMEWORK = normalizeSuiAddress('0x2')

/**
 * The LedgerError for a failed execution. `packageIds` are the ids whose
 * aborts are ours (the published package and, after upgrades, its others).
 */
export function errorFromExecution(error: SuiClientTypes.ExecutionError, packageIds: readonly string[]): LedgerError {
  if (error.$kind === 'MoveAbort') {
    const { abortCode, location, cleverError } = error.MoveAbort
    const from = location?.package === undefined ? undefined : normalizeSuiAddress(location.package)
    if (from !== undefined && packageIds.some((id) => normalizeSuiAddress(id) === from)) {
      // Plain u64 codes today; a clever `#[error]` constant would carry its name.
      const name = abortName(abortCode) ?? knownName(cleverError?.constantName)
      if (name !== undefined) return new LedgerError(name, error.message, { cause: error })
    }
    if (from === FRAMEWORK && (location?.module === 'balance' || location?.module === 'coin')) {
      // sui::balance: EOverflow = 1, ENotEnough = 2; sui::coin: ENotEnough = 2
      if (abortCode === '1' && location.module === 'balance') {
        return new LedgerError('EOverflow', error.message, { cause: error })
      }
      if (abortCode === '2') return new LedgerError('EInsufficientBalance', error.message, { cause: error })
    }
    return new LedgerError('EMalformed', error.message, { cause: error })
  }
  return errorFromMessage(error.message, error) ?? new LedgerError('EMalformed', error.message, { cause: error })
}

function knownName(name: string | undefined): MoveAbortName | undefined {
  return name !== undefined && Object.hasOwn(MOVE_ABORT_CODES, name) ? (name as MoveAbortName) : undefined
}

/** Failures the node reports by name only (arithmetic, gas, coin balance, signatures). */
function errorFromMessage(message: string, cause: unknown): LedgerError | undefined {
  if (/arithmetic/i.test(message)) return new LedgerError('EOverflow', message, { cause })
  if (/insufficient[ _]?(coin|gas|balance|funds)/i.test(message)) {
    return new LedgerError('EInsufficientBalance', message, { cause })
  }
  if (/signature/i.test(message)) return new LedgerError('EBadSignature', message, { cause })
  return undefined
}

/**
 * An error thrown while building or sending: the node rejected the
 * transaction before execution (signature, balance) or could not be
 * reached, in which case it may or may not have been applied.
 */
export function errorFromTransport(error: unknown): LedgerError | LedgerUnavailableError {
  if (error instanceof LedgerError || error instanceof LedgerUnavailableError) return error
  const message = error instanceof Error ? error.message : String(error)
  return errorFromMessage(message, error) ?? new LedgerUnavailableError(`Sui: ${message}`, { cause: error })
}

/**
 * Following the event stream met something no retry fixes (an event that
 * does not decode, a frame without its position): it stops, said in one line.
 */
export class SuiFollowError extends PictorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SUI_FOLLOW', message, options)
  }
}
