import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeJson } from '../../../../protocol/blobs/canonical-json.ts'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('decodeJson', () => {
  it('gives back the text and the value of any JSON document', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value)
        const decoded = decodeJson(bytes(text))
        expect(decoded?.text).toBe(text)
        expect(decoded?.value).toStrictEqual(JSON.parse(text))
      })
    )
  })

  it('keeps a leading BOM in the text, so JSON.parse refuses it', () => {
    expect(decodeJson(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{}')]))).toBeUndefined()
  })

  it('refuses invalid UTF-8 instead of replacing it', () => {
    expect(decodeJson(new Uint8Array([0x22, 0xff, 0x22]))).toBeUndefined()
    expect(decodeJson(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]))).toBeUndefined()
  })

  it('refuses text that is not JSON', () => {
    for (const text of ['', '{', '{"a":1,}', "{'a':1}", 'NaN', '01']) expect(decodeJson(bytes(text)), text).toBeUndefined()
  })
})
