// Checker failures that are nobody's verdict: the checker could not do the
// check (scene or frames not obtainable, no renderer for the job, the
// renderer failed on the creator's scene). They become CheckReply
// `unavailable`, never a rejection of the worker.
import { PictorError } from '../../errors.ts'

export type CheckerErrorCode = 'FETCH_FAILED' | 'NO_RENDERER' | 'RENDER_FAILED' | 'TIMEOUT'

export class CheckerError extends PictorError {
  declare readonly code: CheckerErrorCode

  constructor(code: CheckerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
