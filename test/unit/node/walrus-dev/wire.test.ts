// walrus-dev's validators and sizes: blob ids in their one canonical
// spelling, the Range header Walrus accepts, fault settings, and the RS2
// encoded length and cost checked against Walrus's documented example.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseFaultSettings, WalrusFaults } from '../../../../node/walrus-dev/faults.ts'
import { parseRange } from '../../../../node/walrus-dev/range.ts'
import { encodedLength, isBlobId, isObjectId, otherBlobId, storageCost } from '../../../../node/walrus-dev/wire.ts'

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 })

describe('walrus-dev wire', () => {
  it('accepts exactly the canonical base64url spelling of 32 bytes as a blob id', () => {
    fc.assert(
      fc.property(bytes32, (b) => {
        const id = Buffer.from(b).toString('base64url')
        expect(isBlobId(id)).toBe(true)
        expect(isBlobId(otherBlobId(id))).toBe(true)
        expect(otherBlobId(id)).not.toBe(id)
      })
    )
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        expect(isBlobId(s)).toBe(Buffer.from(s, 'base64url').length === 32 && Buffer.from(s, 'base64url').toString('base64url') === s)
      })
    )
    expect(isBlobId('M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk')).toBe(true)
    expect(isBlobId('M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUl')).toBe(false)
  })

  it('accepts 0x + 64 hex digits as an object id', () => {
    fc.assert(
      fc.property(bytes32, (b) => {
        expect(isObjectId(`0x${Buffer.from(b).toString('hex')}`)).toBe(true)
      })
    )
    for (const bad of ['0x', `0x${'0'.repeat(63)}`, `${'0'.repeat(64)}`, `0x${'g'.repeat(64)}`]) expect(isObjectId(bad)).toBe(false)
  })

  it('serves one closed range inside the blob and refuses every other Range', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(5000), fc.nat(5000), (size, a, b) => {
        const answer = parseRange(`bytes=${a}-${b}`, size)
        expect(answer).toEqual(a <= b && b < size ? { kind: 'part', start: a, end: b } : { kind: 'unsatisfiable' })
        expect(parseRange(`bytes=${a}-`, size)).toEqual({ kind: 'unsatisfiable' })
        expect(parseRange(`bytes=-${b}`, size)).toEqual({ kind: 'unsatisfiable' })
        expect(parseRange(`bytes=0-${a},${a}-${b}`, size)).toEqual({ kind: 'unsatisfiable' })
      })
    )
    expect(parseRange(undefined, 10)).toEqual({ kind: 'whole' })
  })

  it('gives the encoded length and cost of the docs example (17 bytes, 1000 shards, 1 epoch)', () => {
    expect(encodedLength(17, 1000)).toBe(66_034_000)
    expect(storageCost(66_034_000, 1)).toBe(132_300)
    // The encoded length grows with the size once a symbol no longer holds it.
    fc.assert(
      fc.property(fc.nat(2_000_000), fc.nat(2_000_000), (a, b) => {
        expect(encodedLength(Math.min(a, b), 10)).toBeLessThanOrEqual(encodedLength(Math.max(a, b), 10))
      })
    )
  })

  it('validates fault settings whatever JSON comes in, throwing one line or keeping what is valid', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          const parsed = parseFaultSettings(value)
          new WalrusFaults().set(parsed)
        } catch (err) {
          expect((err as Error).message).not.toContain('\n')
          expect((err as Error).constructor.name).toBe('FaultSettingsError')
        }
      })
    )
  })

  it('counts a fault down per request on its side only', () => {
    const faults = new WalrusFaults()
    faults.set({ publisher: { status: 503, count: 2, delayMs: 5 } })
    expect(faults.take('aggregator')).toEqual({})
    expect(faults.take('publisher')).toEqual({ status: 503, delayMs: 5 })
    expect(faults.get()).toEqual({ publisher: { status: 503, count: 1, delayMs: 5 } })
    expect(faults.take('publisher')).toEqual({ status: 503, delayMs: 5 })
    expect(faults.take('publisher')).toEqual({})
  })
})
