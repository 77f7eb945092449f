// SPEC R44: JobNotice, the creator saying a job completed or was cancelled.
// Whether the signer is the job's creator needs the announcement, so the
// node checks that after ACCEPT (R44b).
import { JOB_ID_BYTES, NOTICE_KINDS } from '../constants.ts'
import { bytesOfLength, fail } from './checks.ts'
import type { MessageRules } from './types.ts'

const KINDS: readonly number[] = Object.values(NOTICE_KINDS)

export const noticeRules: MessageRules<'JobNotice'> = {
  fields(notice) {
    bytesOfLength('jobId', notice.jobId, JOB_ID_BYTES)
    if (!KINDS.includes(notice.kind)) fail('FIELD_RANGE', `notice kind ${notice.kind} is unknown`)
  },
  timestampMs: (notice) => notice.timestampMs
}
