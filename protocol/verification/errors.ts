// Verification failures carry a stable code (metrics, logs, the reason a
// checker sends back); the message is one line for a person.
import { ProtocolError } from '../errors.ts'

export const VERIFICATION_CODES = {
  /** A caller passed malformed input (a bug on our side, not a peer's fault). */
  BAD_INPUT: 'R100',
  /** CheckRequest: the embedded JobAnnouncement is not a valid creator-signed announcement. */
  BAD_ANNOUNCEMENT: 'R103',
  /** CheckRequest: signed by someone other than the job's creator. */
  NOT_CREATOR: 'R103',
  /** CheckRequest: the embedded ResultCommitment is not a valid worker-signed commitment. */
  BAD_COMMITMENT: 'R103',
  /** The commitment is for another job, or its frames are not the task's. */
  WRONG_TASK: 'R103',
  /** The requested frames or tiles are not the beacon's (R101). */
  BAD_SAMPLE: 'R101',
  /** Verdict: not a valid signed Verdict (R45). */
  BAD_VERDICT: 'R105',
  /** Verdict: signer not selected by the beacon for this commitment (R102). */
  NOT_SELECTED: 'R105',
  /** Verdict: made before the commitment it judges. */
  PREDATES_COMMITMENT: 'R105'
} as const

export type VerificationCode = keyof typeof VERIFICATION_CODES

export class VerificationError extends ProtocolError {
  declare readonly code: VerificationCode

  constructor(code: VerificationCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'VerificationError'
  }
}
