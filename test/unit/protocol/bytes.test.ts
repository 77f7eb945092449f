import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { utf8Length } from '../../../protocol/bytes.ts'

/** Any UTF-16 text, lone surrogates included. */
const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units))

describe('protocol bytes', () => {
  it('counts the UTF-8 bytes of any text as TextEncoder writes them, without encoding it', () => {
    const encoder = new TextEncoder()
    fc.assert(fc.property(fc.oneof(anyText, fc.string({ unit: 'grapheme' })), (text) => {
        expect(utf8Length(text)).toBe(encoder.encode(text).byteLength)
      }), { numRuns: 2_000 })
    for (const text of ['', 'a', 'é', '€', '😀', '\ud800', '\udc00', '\ud800a', 'a\udbff\udfff']) expect(utf8Length(text), JSON.stringify(text)).toBe(encoder.encode(text).byteLength)
  })
})
