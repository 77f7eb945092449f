import { describe, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { filled, NOW } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

describe('TaskClaim rules (R46)', () => {
  it('accepts a fresh claim', () => expectVerdict('TaskClaim', {}, 'ACCEPT'))
  it('rejects a bad job id and ignores stale claims', () => {
    expectVerdict('TaskClaim', { jobId: filled(16, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('TaskClaim', { timestampMs: NOW - LIMITS.maxMessageAgeMs - 1 }, 'IGNORE', 'STALE')
  })
})
