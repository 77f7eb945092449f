// The OpenEXR reader: a hand-assembled file read to the exact values, every
// shape our writer makes read back bit-for-bit, and hostile files
// (truncated, corrupted, huge, misdirected offsets, unsupported features)
// refused with an ImageError, never another exception.
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeExr, encodeExr, type FloatFrame, halfToFloat, ImageError } from '../../../../node/images/index.ts'

const i32 = (...values: number[]) => Buffer.from(Int32Array.from(values).buffer)
const f32 = (...values: number[]) => Buffer.from(Float32Array.from(values).buffer)
const u16 = (...values: number[]) => Buffer.from(Uint16Array.from(values).buffer)
const attr = (name: string, type: string, value: Buffer) => Buffer.concat([Buffer.from(`${name}\0${type}\0`, 'latin1'), i32(value.length), value])

/** A 2x1 HALF B, G, R (no alpha) uncompressed file, assembled byte by byte from the format's documentation. */
function handBuilt(extra: Buffer[] = []): Buffer {
  const channel = (name: string) => Buffer.concat([Buffer.from(`${name}\0`), i32(1), Buffer.from([0, 0, 0, 0]), i32(1, 1)])
  const box = i32(0, 0, 1, 0)
  const header = Buffer.concat([
    Buffer.from([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0]),
    attr('channels', 'chlist', Buffer.concat([channel('B'), channel('G'), channel('R'), Buffer.from([0])])),
    attr('compression', 'compression', Buffer.from([0])),
    attr('dataWindow', 'box2i', box),
    attr('displayWindow', 'box2i', box),
    attr('lineOrder', 'lineOrder', Buffer.from([0])),
    attr('owner', 'string', Buffer.from('someone')),
    attr('pixelAspectRatio', 'float', f32(1)),
    attr('screenWindowCenter', 'v2f', f32(0, 0)),
    attr('screenWindowWidth', 'float', f32(1)),
    ...extra,
    Buffer.from([0])
  ])
  // Per scanline, each channel's row in list order: B (-2, 0), G (0.5, 2^-24), R (1, 65504).
  const data = u16(0xc000, 0x0000, 0x3800, 0x0001, 0x3c00, 0x7bff)
  const offset = Buffer.alloc(8)
  offset.writeBigUInt64LE(BigInt(header.length + 8))
  return Buffer.concat([header, offset, i32(0, data.length), data])
}

/** A small frame with values an EXR job really has: above 1, tiny, negative zero. */
function frame(width: number, height: number): FloatFrame {
  const pixels = new Float32Array(width * height * 4)
  for (let i = 0; i < pixels.length; i++) pixels[i] = i % 4 === 3 ? 1 - (i % 7) / 8 : (i % 13) * 0.37 - 0.5 + (i % 5 === 0 ? 40 : 0)
  pixels[0] = -0
  return { width, height, pixels }
}

/** Where an attribute's value starts in a file. */
function valueAt(bytes: Uint8Array, name: string): number {
  const at = Buffer.from(bytes).indexOf(Buffer.from(`${name}\0`, 'latin1'))
  if (at < 0) throw new Error(`no ${name}`)
  const typeEnd = Buffer.from(bytes).indexOf(0, at + name.length + 1)
  return typeEnd + 1 + 4
}

const tableAt = (bytes: Uint8Array) => Buffer.from(bytes).indexOf(Buffer.from('screenWindowWidth\0float\0', 'latin1')) + 'screenWindowWidth\0float\0'.length + 4 + 4 + 1

function patched(bytes: Uint8Array, fn: (b: Buffer) => void): Uint8Array {
  const copy = Buffer.from(bytes)
  fn(copy)
  return copy
}

const small = { width: 5, height: 3 }

describe('decodeExr', () => {
  it('reads a hand-assembled HALF file to the exact values, alpha 1 when there is no A channel', () => {
    const out = decodeExr(handBuilt(), { width: 2, height: 1 })
    expect(Array.from(out.pixels)).toEqual([1, 0.5, -2, 1, 65504, 2 ** -24, 0, 1])
    // Attributes it does not know (Blender writes many) are skipped.
    const annotated = handBuilt([attr('cycles.ViewLayer.samples', 'string', Buffer.from('8')), attr('type', 'string', Buffer.from('scanlineimage'))])
    expect(Array.from(decodeExr(annotated, { width: 2, height: 1 }).pixels)).toEqual([1, 0.5, -2, 1, 65504, 2 ** -24, 0, 1])
  })

  it.each([
    { compression: 'ZIP' as const },
    { compression: 'ZIPS' as const },
    { compression: 'NONE' as const },
    { compression: 'ZIP' as const, alpha: false }
  ])('reads back FLOAT %o bit for bit, over several blocks', (options) => {
    // 37 rows: two full 16-line ZIP blocks and a short one.
    const f = frame(23, 37)
    const out = decodeExr(encodeExr(f, options), { width: 23, height: 37 })
    const expected = Float32Array.from(f.pixels)
    if (options.alpha === false) for (let i = 3; i < expected.length; i += 4) expected[i] = 1
    expect(Buffer.from(out.pixels.buffer).equals(Buffer.from(expected.buffer))).toBe(true)
  })

  it('reads HALF written by the writer, each value rounded to the nearest half', () => {
    const f = frame(9, 20)
    const out = decodeExr(encodeExr(f, { pixelType: 'HALF', compression: 'ZIPS' }), { width: 9, height: 20 })
    for (let i = 0; i < f.pixels.length; i++) expect(out.pixels[i]).toBe(Math.f16round(f.pixels[i]!))
  })

  it('reads a block stored raw inside a ZIP file (compressing it did not help)', () => {
    // Random-looking floats do not compress; the writer stores them raw, as the format requires.
    const f = frame(4, 2)
    for (let i = 0; i < f.pixels.length; i++) f.pixels[i] = Math.sin(i * 12.9898) * 43758.5453
    const bytes = encodeExr(f)
    expect(decodeExr(bytes, { width: 4, height: 2 }).pixels).toEqual(f.pixels)
  })

  it('converts every half exactly', () => {
    expect([0x0000, 0x8000, 0x3c00, 0x0001, 0x03ff, 0x0400, 0x7bff, 0xfbff].map(halfToFloat)).toEqual([0, -0, 1, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 65504, -65504])
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY)
    expect(halfToFloat(0x7e00)).toBeNaN()
  })

  const good = encodeExr(frame(small.width, small.height), { compression: 'ZIP' })

  it.each<[string, Uint8Array, { width: number; height: number }, RegExp]>([
    ['not an EXR', Buffer.from('\x89PNG\r\n\x1a\n0000000000'), small, /not an OpenEXR file/],
    ['version 1', patched(good, (b) => b.writeUInt32LE(1, 4)), small, /version 1 is not supported/],
    ['tiled', patched(good, (b) => b.writeUInt32LE(0x202, 4)), small, /tiled/],
    ['multi-part', patched(good, (b) => b.writeUInt32LE(0x1002, 4)), small, /multi-part/],
    ['deep', patched(good, (b) => b.writeUInt32LE(0x802, 4)), small, /deep/],
    ['unknown flags', patched(good, (b) => b.writeUInt32LE(0x10002, 4)), small, /flags/],
    ['PIZ compression', patched(good, (b) => (b[valueAt(b, 'compression')] = 4)), small, /compression PIZ is not supported/],
    ['DWAA compression', patched(good, (b) => (b[valueAt(b, 'compression')] = 8)), small, /compression DWAA/],
    ['RLE compression', patched(good, (b) => (b[valueAt(b, 'compression')] = 1)), small, /compression RLE/],
    ['an unknown compression code', patched(good, (b) => (b[valueAt(b, 'compression')] = 200)), small, /compression 200/],
    ['a channel other than RGBA', patched(good, (b) => (b[valueAt(b, 'channels')] = 'Z'.charCodeAt(0))), small, /channel "Z" is not supported/],
    ['UINT samples', patched(good, (b) => b.writeInt32LE(0, valueAt(b, 'channels') + 2)), small, /pixel type 0/],
    ['subsampled chroma', patched(good, (b) => b.writeInt32LE(2, valueAt(b, 'channels') + 2 + 8)), small, /subsampled/],
    ['a channel listed twice', patched(good, (b) => (b[valueAt(b, 'channels') + 18] = 'A'.charCodeAt(0))), small, /listed twice/],
    ['no R channel', patched(good, (b) => (b[valueAt(b, 'channels') + 54] = 'A'.charCodeAt(0))), small, /listed twice|no R channel/],
    ['huge dimensions', patched(good, (b) => b.writeInt32LE(1_000_000, valueAt(b, 'dataWindow') + 8)), small, /dataWindow is \(0, 0, 1000000, 2\)/],
    ['an offset data window', patched(good, (b) => b.writeInt32LE(-1, valueAt(b, 'dataWindow'))), small, /dataWindow/],
    ['another size than the job', good, { width: 5, height: 4 }, /expected a 5x4 frame/],
    ['a bad line order', patched(good, (b) => (b[valueAt(b, 'lineOrder')] = 3)), small, /line order 3/],
    ['a required attribute of the wrong type', patched(good, (b) => b.write('box2f', valueAt(b, 'dataWindow') - 4 - 6, 'latin1')), small, /dataWindow is a 16-byte box2f/],
    ['a duplicate attribute', handBuilt([attr('lineOrder', 'lineOrder', Buffer.from([0]))]), { width: 2, height: 1 }, /lineOrder appears twice/],
    ['a header past 64 KiB', handBuilt([attr('comments', 'string', Buffer.alloc(70_000, 0x41))]), { width: 2, height: 1 }, /runs past the header/],
    ['too many attributes', handBuilt(Array.from({ length: 130 }, (_, i) => attr(`a${i}`, 'int', i32(i)))), { width: 2, height: 1 }, /more than 128 attributes/],
    ['a part type other than scanline', handBuilt([attr('type', 'string', Buffer.from('tiledimage'))]), { width: 2, height: 1 }, /not a scanline image/],
    ['an attribute running past the header', patched(good, (b) => b.writeInt32LE(1 << 30, valueAt(b, 'channels') - 4)), small, /runs past the header/],
    ['an unterminated header', Buffer.concat([Buffer.from([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0]), Buffer.alloc(100, 0x41)]), small, /unterminated/],
    ['an offset past the end', patched(good, (b) => b.writeBigUInt64LE(BigInt(b.length), tableAt(b))), small, /block 0 offset/],
    ['an offset into the header', patched(good, (b) => b.writeBigUInt64LE(8n, tableAt(b))), small, /block 0 offset 8 is outside/],
    ['an offset past 2^53', patched(good, (b) => b.writeBigUInt64LE(1n << 62n, tableAt(b))), small, /block 0 offset/],
    ['a block claiming another scanline', patched(good, (b) => b.writeInt32LE(7, Number(b.readBigUInt64LE(tableAt(b))))), small, /claims scanline 7/],
    ['a negative block size', patched(good, (b) => b.writeInt32LE(-5, Number(b.readBigUInt64LE(tableAt(b))) + 4)), small, /-5 bytes/],
    ['a block larger than its scanlines', patched(good, (b) => b.writeInt32LE(5 * 3 * 16 + 1, Number(b.readBigUInt64LE(tableAt(b))) + 4)), small, /outside 1\.\.240/],
    ['a short uncompressed block', patched(encodeExr(frame(5, 3), { compression: 'NONE' }), (b) => b.writeInt32LE(79, Number(b.readBigUInt64LE(tableAt(b))) + 4)), small, /uncompressed it must be 80/]
  ])('refuses %s', (_name, bytes, size, message) => {
    expect(() => decodeExr(bytes, size)).toThrow(ImageError)
    expect(() => decodeExr(bytes, size)).toThrow(message)
  })

  it('refuses a block that inflates past its scanlines (a zip bomb), without inflating it all', () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024))
    const head = good.subarray(0, tableAt(good))
    const table = Buffer.alloc(8)
    table.writeBigUInt64LE(BigInt(head.length + 8))
    // The bomb is smaller than the block's raw size (240 bytes) only when compressed well; pad the claim to fit.
    const body = bomb.subarray(0, 200)
    const file = Buffer.concat([head, table, i32(0, body.length), body])
    expect(() => decodeExr(file, small)).toThrow(/does not inflate to 240 bytes|inflates to/)
  })

  it('refuses NaN and infinite values', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const f = frame(5, 3)
      f.pixels[17] = bad
      expect(() => decodeExr(encodeExr(f), small)).toThrow(/NaN or infinite value \(row 0\)/)
    }
    expect(() => decodeExr(encodeExr({ width: 1, height: 1, pixels: Float32Array.of(70000, 0, 0, 1) }, { pixelType: 'HALF' }), { width: 1, height: 1 })).toThrow(/infinite/)
  })

  it('answers every truncation and every corrupted byte with an ImageError or a frame, nothing else', () => {
    const file = encodeExr(frame(5, 17), { compression: 'ZIP' })
    const size = { width: 5, height: 17 }
    const outcomes = { decoded: 0, refused: 0 }
    const attempt = (bytes: Uint8Array) => {
      try {
        const out = decodeExr(bytes, size)
        expect(out.pixels.length).toBe(5 * 17 * 4)
        outcomes.decoded++
      } catch (err) {
        if (!(err instanceof ImageError)) throw err
        outcomes.refused++
      }
    }
    for (let n = 0; n < file.length; n++) attempt(file.subarray(0, n))
    for (let i = 0; i < file.length; i++) for (const x of [0x01, 0x80, 0xff]) attempt(patched(file, (b) => (b[i] = b[i]! ^ x)))
    expect(outcomes.refused).toBeGreaterThan(file.length)
  })
})
