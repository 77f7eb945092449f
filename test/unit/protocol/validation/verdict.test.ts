import { describe, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { filled, pubA } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

describe('Verdict rules (R45)', () => {
  it('accepts verdicts with or without scores', () => {
    expectVerdict('Verdict', {}, 'ACCEPT')
    expectVerdict('Verdict', { scores: [], accepted: false }, 'ACCEPT')
  })
  it('rejects a checker judging itself', () => expectVerdict('Verdict', { worker: Uint8Array.from(pubA) }, 'REJECT', 'SELF_VERDICT'))
  it('rejects out-of-range fields', () => {
    expectVerdict('Verdict', { worker: filled(31, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Verdict', { merkleRoot: filled(16, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Verdict', { scores: [1] }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Verdict', { sampledFrames: [LIMITS.maxFrameNumber + 1], scores: [] }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Verdict', { scores: [1, Number.POSITIVE_INFINITY] }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Verdict', { reason: 'x'.repeat(LIMITS.maxStringBytes + 1) }, 'REJECT', 'FIELD_RANGE')
  })
})
