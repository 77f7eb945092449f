import type { SuiClientTypes } from '@mysten/sui/client'
import { normalizeSuiAddress } from '@mysten/sui/utils'
import { describe, expect, it } from 'vitest'
import { LedgerError, LedgerUnavailableError } from '../../../../../node/ledger/errors.ts'
import {
  abortName,
  errorFromExecution,
  errorFromTransport,
  MOVE_ABORT_CODES
} from '../../../../../node/ledger/sui/errors.ts'
import { PACKAGE_ID } from './offline.ts'

const OLD_PACKAGE = normalizeSuiAddress('0x01d')

function abort(
  abortCode: string,
  pkg: string,
  module: string,
  cleverError?: SuiClientTypes.CleverError
): SuiClientTypes.ExecutionError {
  return {
    $kind: 'MoveAbort',
    message: `MoveAbort, abort code: ${abortCode}`,
    MoveAbort: { abortCode, location: { package: pkg, module }, ...(cleverError ? { cleverError } : {}) }
  }
}

const unknown = (message: string): SuiClientTypes.ExecutionError => ({ $kind: 'Unknown', message, Unknown: null })

describe('Sui errors as ledger errors', () => {
  it('maps every abort code of the package to its name', () => {
    for (const [name, code] of Object.entries(MOVE_ABORT_CODES)) {
      const error = errorFromExecution(abort(String(code), PACKAGE_ID, 'job'), [PACKAGE_ID])
      expect(error).toBeInstanceOf(LedgerError)
      expect(error.code).toBe(name)
      expect(abortName(code)).toBe(name)
    }
  })

  it('accepts aborts from an earlier version of the package, and clever error names', () => {
    expect(errorFromExecution(abort('16', OLD_PACKAGE, 'verify'), [PACKAGE_ID, OLD_PACKAGE]).code).toBe(
      'ENotAssignedChecker'
    )
    const clever = abort('9223372105574252543', PACKAGE_ID, 'job', { constantName: 'ETasksPending' })
    expect(errorFromExecution(clever, [PACKAGE_ID]).code).toBe('ETasksPending')
  })

  it('does not take another package abort for ours', () => {
    expect(errorFromExecution(abort('10', normalizeSuiAddress('0xbad'), 'job'), [PACKAGE_ID]).code).toBe('EMalformed')
  })

  it('maps framework coin and balance failures', () => {
    expect(errorFromExecution(abort('2', '0x2', 'balance'), [PACKAGE_ID]).code).toBe('EInsufficientBalance')
    expect(errorFromExecution(abort('2', '0x2', 'coin'), [PACKAGE_ID]).code).toBe('EInsufficientBalance')
    expect(errorFromExecution(abort('1', '0x2', 'balance'), [PACKAGE_ID]).code).toBe('EOverflow')
    expect(errorFromExecution(unknown('ArithmeticError at instruction 12'), [PACKAGE_ID]).code).toBe('EOverflow')
    expect(errorFromExecution(unknown('InsufficientCoinBalance in command 0'), [PACKAGE_ID]).code).toBe(
      'EInsufficientBalance'
    )
    expect(errorFromExecution(unknown('something new'), [PACKAGE_ID]).code).toBe('EMalformed')
  })

  it('keeps the original error as cause', () => {
    const original = abort('8', PACKAGE_ID, 'job')
    expect(errorFromExecution(original, [PACKAGE_ID]).cause).toBe(original)
  })

  it('treats an unreachable node as retryable, a rejected signature as EBadSignature', () => {
    const down = errorFromTransport(new Error('fetch failed'))
    expect(down).toBeInstanceOf(LedgerUnavailableError)
    expect(errorFromTransport(new Error('Invalid user signature: bad'))).toMatchObject({ code: 'EBadSignature' })
    const typed = new LedgerError('EBadArgs', 'x')
    expect(errorFromTransport(typed)).toBe(typed)
  })
})
