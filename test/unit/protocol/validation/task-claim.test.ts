import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decode, encode } from '../../../../protocol/codec.ts'
import { LIMITS, MESSAGE_TYPES } from '../../../../protocol/constants.ts'
import { validateTaskRequest } from '../../../../protocol/validation/index.ts'
import { ctx, filled, NOW, samplePayloads, seedA, seedB, signed } from '../fixtures.ts'
import { expectVerdict } from './helpers.ts'

/** A Bid envelope as a TaskClaim carries it (decoded, re-encoded by the claim). */
const bidBy = (seed: Uint8Array) => decode('Envelope', signed('Bid', samplePayloads().Bid, seed))

describe('TaskClaim rules (R46)', () => {
  it('accepts a fresh claim', () => expectVerdict('TaskClaim', {}, 'ACCEPT'))
  it('rejects a bad job id and ignores stale claims', () => {
    expectVerdict('TaskClaim', { jobId: filled(16, 1) }, 'REJECT', 'FIELD_RANGE')
    expectVerdict('TaskClaim', { timestampMs: NOW - LIMITS.maxMessageAgeMs - 1 }, 'IGNORE', 'STALE')
  })

  it("accepts a claim carrying the claimant's own bid, which survives the round trip byte for byte", () => {
    const bid = bidBy(seedA)
    expectVerdict('TaskClaim', { bid }, 'ACCEPT')
    const result = validateTaskRequest(signed('TaskClaim', { ...samplePayloads().TaskClaim, bid }), ctx())
    expect(result.action).toBe('ACCEPT')
    if (result.action === 'ACCEPT' && result.message.typeName === 'TaskClaim') {
      expect(encode('Envelope', result.message.payload.bid!)).toEqual(encode('Envelope', bid))
    }
  })

  it('rejects a carried bid signed by someone else, or an envelope that is not a Bid', () => {
    expectVerdict('TaskClaim', { bid: bidBy(seedB) }, 'REJECT', 'FIELD_RANGE')
    const claimAsBid = decode('Envelope', signed('TaskClaim', samplePayloads().TaskClaim, seedA))
    expectVerdict('TaskClaim', { bid: claimAsBid }, 'REJECT', 'FIELD_RANGE')
  })

  it('rejects any carried envelope of another type than Bid, whatever its bytes', () => {
    const types = Object.values(MESSAGE_TYPES).filter((t) => t !== MESSAGE_TYPES.Bid)
    fc.assert(
      fc.property(fc.constantFrom(...types, 0, 99), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), (type, payload, signature) => {
        const bid = { type, payload: Uint8Array.from(payload), publicKey: Uint8Array.from(bidBy(seedA).publicKey), signature: Uint8Array.from(signature) }
        const result = validateTaskRequest(signed('TaskClaim', { ...samplePayloads().TaskClaim, bid }), ctx())
        expect(result.action === 'REJECT' && result.code === 'FIELD_RANGE').toBe(true)
      }),
      { numRuns: 50 }
    )
  })
})
