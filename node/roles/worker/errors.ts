// Worker-side errors. A task that cannot finish ends in a TaskOutcome, not an
// exception; these are for the seams where something we were handed is wrong
// (a lease we cannot trust, a renderer that broke its contract).
import { PictorError } from '../../errors.ts'

export type WorkerErrorCode = 'BAD_LEASE' | 'BAD_REPLY' | 'BAD_RENDER' | 'BAD_INPUT' | 'NO_BLOB_STORE' | 'NO_RENDERER' | 'CREATOR_UNREACHABLE'

export class WorkerError extends PictorError {
  declare readonly code: WorkerErrorCode
  constructor(code: WorkerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
