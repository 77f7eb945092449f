// SPEC R42: JobAnnouncement. The job ranges are those of validateJobSpec,
// so what a creator may submit and what peers forward cannot drift apart.
import { bytesEqual } from '../bytes.ts'
import { JOB_ID_BYTES, JOB_NONCE_BYTES } from '../constants.ts'
import { JobSpecError } from '../errors.ts'
import { jobIdOf, specOfAnnouncement } from '../job/job-id.ts'
import { validateJobSpec } from '../job/spec.ts'
import { bytesOfLength, fail, intInRange, shortString } from './checks.ts'
import { LIMITS } from '../constants.ts'
import type { MessageRules } from './types.ts'

export const jobAnnouncementRules: MessageRules<'JobAnnouncement'> = {
  fields(a, signer) {
    bytesOfLength('jobId', a.jobId, JOB_ID_BYTES)
    bytesOfLength('nonce', a.nonce, JOB_NONCE_BYTES)
    intInRange('addrs', a.addrs.length, 0, LIMITS.maxAddrs)
    a.addrs.forEach((addr, i) => {
      shortString(`addrs[${i}]`, addr)
    })
    // R42a: renderer, scene, frames, resolution, samples, price, timeout as in R50.
    let spec: ReturnType<typeof validateJobSpec>
    try {
      spec = validateJobSpec(specOfAnnouncement(a))
    } catch (err) {
      if (err instanceof JobSpecError) fail('FIELD_RANGE', err.message)
      throw err
    }
    // R42b: the id commits to the signer, so only the creator can announce this job.
    if (!bytesEqual(jobIdOf(spec, signer, a.nonce), a.jobId)) {
      fail('JOB_ID_MISMATCH', 'jobId is not derived from the signer, nonce and job fields')
    }
  },
  timestampMs: (a) => a.timestampMs
}
