import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../../../protocol/constants.ts'
import { toHex } from '../../../../protocol/bytes.ts'
import { validateGossip } from '../../../../protocol/validation/index.ts'
import { ctx, filled, samplePayloads, signed } from '../fixtures.ts'
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

describe('a bid for a job the node does not know (R37)', () => {
  const bid = samplePayloads().Bid

  it('is IGNOREd when the node says which jobs it knows, and ACCEPTed for a known one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 4, selector: toHex }), fc.boolean(), (jobId, others, known) => {
        const knownIds = new Set([...others, ...(known ? [jobId] : [])].map(toHex))
        const result = validateGossip('bids', signed('Bid', { ...bid, jobId }), { ...ctx(), knownJob: (id) => knownIds.has(toHex(id)) })
        expect(result.action === 'ACCEPT' ? 'ACCEPT' : `${result.action} ${result.code}`).toBe(knownIds.has(toHex(jobId)) ? 'ACCEPT' : 'IGNORE UNKNOWN_JOB')
      }),
      { numRuns: 200 }
    )
  })

  it('is decided before the signature is checked: a forged bid for an unknown job costs no verification', () => {
    const forged = signed('Bid', bid)
    forged[forged.length - 1]! ^= 1
    let asked = 0
    const knownJob = () => {
      asked += 1
      return false
    }
    const unknown = validateGossip('bids', forged, { ...ctx(), knownJob })
    expect(unknown).toMatchObject({ action: 'IGNORE', code: 'UNKNOWN_JOB' })
    expect(asked).toBe(1)
    expect(validateGossip('bids', forged, { ...ctx(), knownJob: () => true })).toMatchObject({ action: 'REJECT', code: 'BAD_SIGNATURE' })
  })

  it('does not record an ignored bid as seen, so it is accepted once the job is known', () => {
    const c = ctx()
    const bytes = signed('Bid', bid)
    expect(validateGossip('bids', bytes, { ...c, knownJob: () => false }).action).toBe('IGNORE')
    expect(validateGossip('bids', bytes, { ...c, knownJob: () => true }).action).toBe('ACCEPT')
  })

  it('is not applied where the context names no known jobs (the task protocol, a bare validator)', () => {
    expect(validateGossip('bids', signed('Bid', bid), ctx()).action).toBe('ACCEPT')
  })
})
