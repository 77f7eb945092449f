// Checker failures that are nobody's verdict: the checker could not do the
// check (scene or frames not obtainable, no renderer for the job, the
// renderer failed on the creator's scene, the requester went away). They
// become CheckReply `unavailable`, never a rejection of the worker.
// Refusals (CheckRefusedError) are requests the checker must not work for:
// CheckReply `invalid`, before anything is fetched or rendered.
import { PictorError } from '../../errors.ts'

export type CheckerErrorCode = 'FETCH_FAILED' | 'NO_RENDERER' | 'RENDER_FAILED' | 'TIMEOUT' | 'ABANDONED' | 'LEDGER_UNAVAILABLE'

export class CheckerError extends PictorError {
  declare readonly code: CheckerErrorCode

  constructor(code: CheckerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/**
 * SPEC R103f-g. NOT_ON_LEDGER: the job, task or commitment is not the
 * ledger's. NOT_DRAWN: the beacon is not the ledger's, or this checker was
 * not selected for the redundancy index. ALREADY_RECHECKED: a settled task
 * this checker re-checked already, with another beacon. WORK_CAP: the
 * request asks for more work than the check pays for. NOT_TRUSTED (R103i):
 * no ledger, and the creator is not one this checker was told to trust.
 */
export type CheckRefusalCode = 'NOT_ON_LEDGER' | 'NOT_DRAWN' | 'ALREADY_RECHECKED' | 'WORK_CAP' | 'NOT_TRUSTED'

export class CheckRefusedError extends PictorError {
  declare readonly code: CheckRefusalCode

  constructor(code: CheckRefusalCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
