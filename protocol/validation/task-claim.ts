// SPEC R46: TaskClaim, a worker asking the job's creator for a task.
import { JOB_ID_BYTES } from '../constants.ts'
import { bytesOfLength } from './checks.ts'
import type { MessageRules } from './types.ts'

export const taskClaimRules: MessageRules<'TaskClaim'> = {
  fields(claim) {
    bytesOfLength('jobId', claim.jobId, JOB_ID_BYTES)
  },
  timestampMs: (claim) => claim.timestampMs
}
