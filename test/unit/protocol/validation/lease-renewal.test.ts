import { describe, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { filled, NOW } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

describe('LeaseRenewal rules (R48)', () => {
  it('accepts a heartbeat', () => expectVerdict('LeaseRenewal', {}, 'ACCEPT'))
  it('rejects out-of-range fields and ignores future ones', () => {
    expectVerdict('LeaseRenewal', { leaseId: filled(15, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('LeaseRenewal', { framesDone: LIMITS.maxFramesPerTask + 1 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('LeaseRenewal', { timestampMs: NOW + LIMITS.clockSkewMs + 1 }, 'IGNORE', 'CLOCK_SKEW')
  })
})
