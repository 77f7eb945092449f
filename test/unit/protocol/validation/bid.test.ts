import { describe, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { filled } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

describe('Bid rules (R43)', () => {
  it('accepts a sane bid', () => expectVerdict('Bid', {}, 'ACCEPT'))
  it('rejects out-of-range fields', () => {
    expectVerdict('Bid', { jobId: filled(33, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Bid', { price: LIMITS.maxPrice + 1 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Bid', { slots: 0 }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('Bid', { hardware: { cpuModel: 'x'.repeat(300), cpuCount: 1, gpuModel: '', gpuCount: 0, ramMib: 1, gpuVendor: '', gpuVramMib: 0 } }, 'REJECT', 'FIELD_RANGE')
  })
})
