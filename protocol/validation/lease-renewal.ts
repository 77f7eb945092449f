// SPEC R48: LeaseRenewal, the lessee's heartbeat.
import { JOB_ID_BYTES, LEASE_ID_BYTES, LIMITS } from '../constants.ts'
import { bytesOfLength, intInRange } from './checks.ts'
import type { MessageRules } from './types.ts'

export const leaseRenewalRules: MessageRules<'LeaseRenewal'> = {
  fields(r) {
    bytesOfLength('jobId', r.jobId, JOB_ID_BYTES)
    bytesOfLength('leaseId', r.leaseId, LEASE_ID_BYTES)
    intInRange('taskIndex', r.taskIndex, 0, LIMITS.maxFramesPerJob - 1)
    intInRange('framesDone', r.framesDone, 0, LIMITS.maxFramesPerTask)
  },
  timestampMs: (r) => r.timestampMs
}
