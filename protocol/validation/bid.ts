// SPEC R43: Bid, a worker's offer to serve one job.
import { JOB_ID_BYTES } from '../constants.ts'
import { bytesOfLength, hardware, price, shortString, slots } from './checks.ts'
import type { MessageRules } from './types.ts'

export const bidRules: MessageRules<'Bid'> = {
  fields(bid) {
    bytesOfLength('jobId', bid.jobId, JOB_ID_BYTES)
    price('price', bid.price)
    slots('slots', bid.slots)
    hardware(bid.hardware)
    shortString('region', bid.region)
  },
  timestampMs: (bid) => bid.timestampMs,
  // R37: only the job's creator uses a bid; nodes that never heard of the job do not pass it on.
  jobId: (bid) => bid.jobId
}
