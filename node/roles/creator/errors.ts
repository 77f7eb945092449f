// Errors of the creator role. The job API maps each code to an HTTP status;
// the message is one line a user can act on.
import { PictorError, UserError } from '../../errors.ts'

export type CreatorErrorCode = 'UNKNOWN_JOB' | 'NOTHING_TO_DISPUTE' | 'DISPUTE_CLOSED' | 'NOT_ACCEPTABLE'

export class CreatorError extends PictorError {
  declare readonly code: CreatorErrorCode
  constructor(code: CreatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** The node's database holds a job this version cannot read back whole (damaged, or written by something else). */
export class JobStoreError extends UserError {
  declare readonly code: 'JOB_STORE_DAMAGED'
  constructor(message: string, options?: { cause?: unknown }) {
    super('JOB_STORE_DAMAGED', message, options)
  }
}
