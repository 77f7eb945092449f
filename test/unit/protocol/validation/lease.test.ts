import { describe, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { filled, NOW } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

describe('Lease rules (R47)', () => {
  it('accepts a lease of allowed length', () => {
    expectVerdict('Lease', {}, 'ACCEPT')
    expectVerdict('Lease', { expiresMs: NOW + LIMITS.minLeaseMs }, 'ACCEPT')
    expectVerdict('Lease', { expiresMs: NOW + LIMITS.maxLeaseMs }, 'ACCEPT')
  })
  it('rejects leases too short, too long or with a bad range', () => {
    expectVerdict('Lease', { expiresMs: NOW + LIMITS.minLeaseMs - 1 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Lease', { expiresMs: NOW + LIMITS.maxLeaseMs + 1 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Lease', { expiresMs: NOW - 1 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Lease', { frameStart: 12, frameEnd: 10 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Lease', { frameStart: 0, frameEnd: LIMITS.maxFramesPerTask }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Lease', { leaseId: filled(32, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Lease', { worker: filled(16, 1) }, 'REJECT', 'FIELD_RANGE')
  })
  it('ignores a lease that has already expired', () => {
    expectVerdict('Lease', {}, 'IGNORE', 'EXPIRED', { nowMs: NOW + 60_000 })
    expectVerdict('Lease', {}, 'ACCEPT', undefined, { nowMs: NOW + 59_999 })
  })
})
