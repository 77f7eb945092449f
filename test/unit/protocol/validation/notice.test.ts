import { describe, it } from 'vitest'
import { filled } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

describe('JobNotice rules (R44)', () => {
  it('accepts completed and cancelled notices', () => {
    expectVerdict('JobNotice', { kind: 1 }, 'ACCEPT')
    expectVerdict('JobNotice', { kind: 2 }, 'ACCEPT')
  })
  it('rejects unknown kinds and bad job ids', () => {
    expectVerdict('JobNotice', { kind: 0 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobNotice', { kind: 3 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('JobNotice', { jobId: filled(0, 0) }, 'REJECT', 'FIELD_RANGE')
  })
})
