import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeWalrusParts, parseWalrusParts, WALRUS_PARTS_MAX_BYTES, type WalrusParts } from '../../../../protocol/blobs/walrus-parts.ts'
import { LIMITS } from '../../../../protocol/constants.ts'
import { ProtocolError } from '../../../../protocol/errors.ts'

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const blobIdArb = fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 })
const sha256Arb = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
const partArb = fc.record({ blobId: blobIdArb, size: fc.integer({ min: 1, max: LIMITS.maxWalrusBlobBytes }), sha256: sha256Arb })
const manifestArb: fc.Arbitrary<WalrusParts> = fc
  .array(partArb, { minLength: 1, maxLength: 40 })
  .map((parts) => ({ size: parts.reduce((sum, p) => sum + p.size, 0), parts }))

const text = (m: WalrusParts) => new TextDecoder().decode(encodeWalrusParts(m))
const bytes = (s: string) => new TextEncoder().encode(s)
const part = { blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', size: 10, sha256: 'ab'.repeat(32) }

function refusal(input: Uint8Array): string {
  try {
    parseWalrusParts(input)
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    expect((err as ProtocolError).code).toBe('WALRUS_PARTS')
    expect((err as Error).message).not.toContain('\n')
    return (err as Error).message
  }
  throw new Error('parsed')
}

describe('walrus parts manifest', () => {
  it('encodes in the documented canonical form', () => {
    expect(text({ size: 10, parts: [part] })).toBe(
      `{"pictor":"walrus-parts/1","size":10,"parts":[{"blobId":"${part.blobId}","size":10,"sha256":"${part.sha256}"}]}`
    )
  })

  it('round-trips any legal manifest', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        const encoded = encodeWalrusParts(m)
        expect(parseWalrusParts(encoded)).toEqual(m)
        expect(encodeWalrusParts(parseWalrusParts(encoded))).toEqual(encoded)
      }),
      { numRuns: 2_000 }
    )
  })

  it('never throws anything but a one-line ProtocolError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        try {
          parseWalrusParts(input)
        } catch (err) {
          return err instanceof ProtocolError && err.code === 'WALRUS_PARTS' && !err.message.includes('\n')
        }
        return true
      }),
      { numRuns: 20_000 }
    )
  })

  it('never throws anything but a ProtocolError on arbitrary JSON or mangled manifests', () => {
    const mangled = fc.tuple(manifestArb, fc.nat(), fc.string({ maxLength: 3 })).map(([m, at, insert]) => {
      const s = text(m)
      const i = at % (s.length + 1)
      return bytes(s.slice(0, i) + insert + s.slice(i + insert.length))
    })
    const json = fc.oneof(
      fc.json().map(bytes),
      fc.record({ pictor: fc.constant('walrus-parts/1'), size: fc.anything(), parts: fc.anything() }).map((v) => bytes(JSON.stringify(v))),
      mangled
    )
    fc.assert(
      fc.property(json, (input) => {
        try {
          parseWalrusParts(input)
        } catch (err) {
          return err instanceof ProtocolError && err.code === 'WALRUS_PARTS'
        }
        return true
      }),
      { numRuns: 10_000 }
    )
  })

  it('refuses manifests that break a rule, with a line saying which', () => {
    const canonical = text({ size: 10, parts: [part] })
    expect(refusal(bytes(canonical.replace('"size":10,"parts"', '"size":11,"parts"')))).toMatch(/add up to 10 bytes/)
    expect(refusal(bytes(canonical.replace('walrus-parts/1', 'walrus-parts/2')))).toMatch(/walrus-parts\/1/)
    expect(refusal(bytes(canonical.replace(part.blobId, 'short')))).toMatch(/blob id/)
    expect(refusal(bytes(canonical.replace(part.sha256, 'AB'.repeat(32))))).toMatch(/sha256/)
    expect(refusal(bytes(canonical.replaceAll('"size":10', '"size":0')))).toMatch(/size must be/)
    expect(refusal(bytes(canonical.slice(0, -2)))).toMatch(/UTF-8 JSON/)
    expect(refusal(bytes(`{"pictor":"walrus-parts/1","size":10,"parts":[]}`))).toMatch(/1 to 4096 parts/)
    expect(refusal(bytes(canonical.replace('{"pictor"', '{ "pictor"')))).toMatch(/canonical/)
    expect(refusal(bytes(canonical.replace('}]}', ',"extra":1}]}')))).toMatch(/canonical/)
    expect(refusal(bytes(canonical.replace('"size":10,"parts"', '"size":1e1,"parts"')))).toMatch(/canonical/)
    expect(refusal(bytes(canonical.replace('{"pictor"', '{"size":3,"pictor"')))).toMatch(/canonical/)
    expect(refusal(bytes(`\uFEFF${canonical}`))).toMatch(/JSON/)
    expect(refusal(new Uint8Array([0xff, 0xfe]))).toMatch(/UTF-8 JSON/)
    expect(refusal(new Uint8Array(WALRUS_PARTS_MAX_BYTES + 1))).toMatch(/over/)
  })

  it('refuses a part over the Walrus blob limit and an object over the object limit', () => {
    expect(() => encodeWalrusParts({ size: LIMITS.maxWalrusBlobBytes + 1, parts: [{ ...part, size: LIMITS.maxWalrusBlobBytes + 1 }] })).toThrow(/part 0: size/)
    const big = Array.from({ length: 129 }, () => ({ ...part, size: LIMITS.maxWalrusBlobBytes }))
    expect(() => encodeWalrusParts({ size: 129 * LIMITS.maxWalrusBlobBytes, parts: big })).toThrow(/manifest size must be/)
    expect(() => encodeWalrusParts({ size: 4097, parts: Array.from({ length: 4097 }, () => ({ ...part, size: 1 })) })).toThrow(/1 to 4096 parts/)
  })

  it('the largest legal manifest fits under the byte cap', () => {
    const each = Math.floor(LIMITS.maxWalrusObjectBytes / LIMITS.maxWalrusParts)
    const m = { size: each * LIMITS.maxWalrusParts, parts: Array.from({ length: LIMITS.maxWalrusParts }, () => ({ ...part, size: each })) }
    const encoded = encodeWalrusParts(m)
    expect(encoded.byteLength).toBeLessThan(WALRUS_PARTS_MAX_BYTES)
    expect(parseWalrusParts(encoded).parts).toHaveLength(LIMITS.maxWalrusParts)
  })
})
