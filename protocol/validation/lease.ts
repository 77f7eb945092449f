// SPEC R47: Lease, the creator granting one task to one worker for a while.
import { ED25519_PUBLIC_KEY_BYTES, JOB_ID_BYTES, LEASE_ID_BYTES, LIMITS } from '../constants.ts'
import { bytesOfLength, fail, frameRange, intInRange, price } from './checks.ts'
import type { MessageRules } from './types.ts'

export const leaseRules: MessageRules<'Lease'> = {
  fields(lease) {
    bytesOfLength('jobId', lease.jobId, JOB_ID_BYTES)
    bytesOfLength('leaseId', lease.leaseId, LEASE_ID_BYTES)
    bytesOfLength('worker', lease.worker, ED25519_PUBLIC_KEY_BYTES)
    intInRange('taskIndex', lease.taskIndex, 0, LIMITS.maxFramesPerJob - 1)
    frameRange('frames', lease.frameStart, lease.frameEnd, LIMITS.maxFramesPerTask)
    intInRange('issuedMs', lease.issuedMs, 0, Number.MAX_SAFE_INTEGER)
    intInRange('expiresMs', lease.expiresMs, 0, Number.MAX_SAFE_INTEGER)
    // R47a: a lease long enough to render in, short enough that a dead worker is noticed.
    const duration = lease.expiresMs - lease.issuedMs
    if (duration < LIMITS.minLeaseMs || duration > LIMITS.maxLeaseMs) {
      fail('FIELD_RANGE', `lease lasts ${duration} ms, outside ${LIMITS.minLeaseMs}..${LIMITS.maxLeaseMs} ms`)
    }
    price('price', lease.price)
  },
  timestampMs: (lease) => lease.issuedMs,
  timely(lease, nowMs) {
    // R47b: an expired lease grants nothing; the task is already back in the queue.
    if (lease.expiresMs <= nowMs) fail('EXPIRED', `lease expired ${nowMs - lease.expiresMs} ms ago`)
  }
}
