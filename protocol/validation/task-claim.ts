// SPEC R46: TaskClaim, a worker asking the job's creator for a task.
import { bytesEqual } from '../bytes.ts'
import { JOB_ID_BYTES, MESSAGE_TYPES } from '../constants.ts'
import { bytesOfLength, fail } from './checks.ts'
import type { MessageRules } from './types.ts'

export const taskClaimRules: MessageRules<'TaskClaim'> = {
  fields(claim, signer) {
    bytesOfLength('jobId', claim.jobId, JOB_ID_BYTES)
    // The claimant's own bid for this job, for the creator to admit it at
    // claim time; its signature and fields are the creator's to check (as a
    // gossip Bid, R43) when it uses it.
    if (claim.bid !== undefined) {
      if (claim.bid.type !== MESSAGE_TYPES.Bid) fail('FIELD_RANGE', `bid must be a Bid envelope, got type ${claim.bid.type}`)
      if (!bytesEqual(claim.bid.publicKey, signer)) fail('FIELD_RANGE', 'bid must be signed by the claimant')
    }
  },
  timestampMs: (claim) => claim.timestampMs
}
