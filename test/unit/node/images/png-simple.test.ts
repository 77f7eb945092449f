// The pure-JS PNG fast path: on every PNG it takes (sharp's own output at
// any setting, hand-made files with each row filter forced, harmless
// ancillary chunks) it gives exactly sharp's pixels; on everything else
// (other PNG kinds, colour chunks, broken or unusual files, bombs) it
// declines, and decodePng then answers exactly as sharp does.
import { constants, crc32, deflateRawSync, deflateSync, inflateSync } from 'node:zlib'
import fc from 'fast-check'
import sharp, { type PngOptions } from 'sharp'
import { describe, expect, it, vi } from 'vitest'
import { decodePng, ImageError } from '../../../../node/images/index.ts'
import { decodeSimplePng, MAX_SIMPLE_PIXELS } from '../../../../node/images/png-simple.ts'
import { loadSharp } from '../../../../node/images/sharp.ts'
import { seededRandom } from '../../../../testnet/seeded-random.ts'

// The real sharp, counted: decodePng must not load it for a PNG the fast path takes.
vi.mock('../../../../node/images/sharp.ts', async (original) => {
  const real = await original<typeof import('../../../../node/images/sharp.ts')>()
  return { ...real, loadSharp: vi.fn(real.loadSharp) }
})

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
type Size = { width: number; height: number }

/** Pixel bytes from a seed; `mask` 0xff is noise, smaller masks give runs that compress (and filter) differently. */
function pixelsOf(length: number, seed: number, mask = 0xff): Uint8Array {
  const random = seededRandom(seed)
  return Uint8Array.from({ length }, () => Math.floor(random() * 256) & mask)
}

function chunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/** The chunks of a PNG, each with where it starts and its whole bytes (length, type, data, CRC). */
function chunksOf(png: Uint8Array): { type: string; start: number; bytes: Buffer }[] {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  const out = []
  for (let pos = 8; pos < buf.length; ) {
    const end = pos + 12 + buf.readUInt32BE(pos)
    out.push({ type: buf.toString('latin1', pos + 4, pos + 8), start: pos, bytes: buf.subarray(pos, end) })
    pos = end
  }
  return out
}

/** The PNG with `extra` chunks inserted before the chunk of type `before`. */
function withChunks(png: Uint8Array, before: string, ...extra: Buffer[]): Buffer {
  const chunks = chunksOf(png)
  const at = chunks.findIndex((c) => c.type === before)
  return Buffer.concat([SIGNATURE, ...chunks.slice(0, at).map((c) => c.bytes), ...extra, ...chunks.slice(at).map((c) => c.bytes)])
}

function ihdr(width: number, height: number, depth: number, colourType: number, interlace = 0): Buffer {
  const data = Buffer.alloc(13)
  data.writeUInt32BE(width, 0)
  data.writeUInt32BE(height, 4)
  data.set([depth, colourType, 0, 0, interlace], 8)
  return chunk('IHDR', data)
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** The filtered rows of a PNG (filter byte + bytes per row); filters past 4 are written but predict nothing. */
function filterRows(raw: Uint8Array, stride: number, bpp: number, filterOf: (y: number) => number): Buffer {
  const rows = stride === 0 ? 0 : raw.length / stride
  const out = Buffer.alloc(rows * (stride + 1))
  for (let y = 0; y < rows; y++) {
    const filter = filterOf(y)
    out[y * (stride + 1)] = filter
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? raw[y * stride + i - bpp]! : 0
      const b = y > 0 ? raw[(y - 1) * stride + i]! : 0
      const c = i >= bpp && y > 0 ? raw[(y - 1) * stride + i - bpp]! : 0
      const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter] ?? 0
      out[y * (stride + 1) + 1 + i] = (raw[y * stride + i]! - predicted) & 255
    }
  }
  return out
}

interface HandOptions {
  /** Channels: 3 is RGB, 4 RGBA (1 grey, 2 grey + alpha). */
  channels: number
  filterOf: (y: number) => number
  depth?: number
  windowBits?: number
  level?: number
  /** IDAT chunks the stream is cut into. */
  pieces?: number
}

/** A PNG encoded here with node:zlib, not by sharp. `raw` holds the image's samples (2 bytes each at depth 16). */
function handPng(raw: Uint8Array, size: Size, options: HandOptions): Buffer {
  const depth = options.depth ?? 8
  const bpp = (options.channels * depth) / 8
  const colourType = { 1: 0, 2: 4, 3: 2, 4: 6 }[options.channels]!
  const stream = deflateSync(filterRows(raw, size.width * bpp, bpp, options.filterOf), { windowBits: options.windowBits ?? 15, level: options.level ?? 6 })
  const pieces = options.pieces ?? 1
  const cut = Math.ceil(stream.length / pieces)
  const idat = Array.from({ length: pieces }, (_, i) => chunk('IDAT', stream.subarray(i * cut, (i + 1) * cut)))
  return Buffer.concat([SIGNATURE, ihdr(size.width, size.height, depth, colourType), ...idat, chunk('IEND')])
}

/** A hand PNG around a zlib stream given as is. */
function pngAround(stream: Uint8Array, size: Size, channels = 4): Buffer {
  return Buffer.concat([SIGNATURE, ihdr(size.width, size.height, 8, channels === 4 ? 6 : 2), chunk('IDAT', stream), chunk('IEND')])
}

function encodeWithSharp(pixels: Uint8Array, size: Size, channels: 3 | 4, options: PngOptions = {}): Promise<Buffer> {
  return sharp(pixels, { raw: { ...size, channels } }).png(options).toBuffer()
}

/** sharp's own decode, as 8-bit (or whatever it gives) RGBA. */
async function sharpPixels(png: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await sharp(png).ensureAlpha().raw().toBuffer())
}

/** What decodeRaster did before the fast path: sharp with the job's limits, the size checked; 'refused' for any failure. */
async function sharpVerdict(png: Uint8Array, size: Size): Promise<Uint8Array | 'refused'> {
  try {
    const image = sharp(png, { limitInputPixels: size.width * size.height, failOn: 'error' })
    const meta = await image.metadata()
    if (meta.format !== 'png' || meta.width !== size.width || meta.height !== size.height) return 'refused'
    return new Uint8Array(await image.ensureAlpha().raw().toBuffer())
  } catch {
    return 'refused'
  }
}

/** decodePng's answer, where a refusal must be an ImageError. */
async function decodePngVerdict(png: Uint8Array, size: Size): Promise<Uint8Array | 'refused'> {
  try {
    return new Uint8Array((await decodePng(png, size)).pixels)
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError)
    return 'refused'
  }
}

/** The fast path declines, and decodePng answers as sharp did; returns that answer. */
async function declinedAndAsSharp(png: Uint8Array, size: Size): Promise<Uint8Array | 'refused'> {
  expect(decodeSimplePng(png, size)).toBeUndefined()
  const verdict = await sharpVerdict(png, size)
  expect(await decodePngVerdict(png, size)).toEqual(verdict)
  return verdict
}

/** RGBA with alpha 255 added to RGB. */
function rgba(pixels: Uint8Array, channels: 3 | 4): Uint8Array {
  if (channels === 4) return pixels
  return Uint8Array.from({ length: (pixels.length / 3) * 4 }, (_, i) => (i % 4 === 3 ? 255 : pixels[Math.floor(i / 4) * 3 + (i % 4)]!))
}

const dimension = fc.integer({ min: 1, max: 40 })
const channelCount = fc.constantFrom(3 as const, 4 as const)
const mask = fc.constantFrom(0xff, 0xf0, 0x81, 0)

describe('decodeSimplePng takes', () => {
  it("sharp's PNGs at any compression level and filtering, with exactly sharp's pixels", async () => {
    await fc.assert(
      fc.asyncProperty(dimension, dimension, channelCount, fc.integer(), mask, fc.integer({ min: 0, max: 9 }), fc.boolean(), async (width, height, channels, seed, bits, compressionLevel, adaptiveFiltering) => {
        const size = { width, height }
        const pixels = pixelsOf(width * height * channels, seed, bits)
        const png = await encodeWithSharp(pixels, size, channels, { compressionLevel, adaptiveFiltering, palette: false })
        const frame = decodeSimplePng(png, size)
        expect(frame).toBeDefined()
        expect(frame!.width).toBe(width)
        expect(frame!.height).toBe(height)
        expect(frame!.pixels).toEqual(await sharpPixels(png))
        expect(frame!.pixels).toEqual(rgba(pixels, channels))
      }),
      { numRuns: 150 }
    )
  })

  it("hand-made PNGs with each filter type forced on every row, split IDATs and any window, with exactly sharp's pixels", async () => {
    await fc.assert(
      fc.asyncProperty(
        dimension,
        dimension,
        channelCount,
        fc.integer(),
        mask,
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 9, max: 15 }),
        async (width, height, channels, seed, bits, filter, pieces, windowBits) => {
          const size = { width, height }
          const pixels = pixelsOf(width * height * channels, seed, bits)
          // filter 5 stands for "a different filter on each row".
          const png = handPng(pixels, size, { channels, filterOf: (y) => (filter === 5 ? y % 5 : filter), pieces, windowBits, level: 9 })
          const frame = decodeSimplePng(png, size)
          const window = 1 << windowBits
          if (window < 32768 && window < (width * channels + 1) * height) {
            // A small window over a larger image: libpng could read it differently, so sharp decides.
            expect(frame).toBeUndefined()
            expect(await decodePngVerdict(png, size)).toEqual(await sharpVerdict(png, size))
            return
          }
          expect(frame).toBeDefined()
          expect(frame!.pixels).toEqual(await sharpPixels(png))
          expect(frame!.pixels).toEqual(rgba(pixels, channels))
        }
      ),
      { numRuns: 150 }
    )
  })

  it('ancillary chunks that change no pixel: text, compressed text, international text, time, physical size', async () => {
    const size = { width: 12, height: 7 }
    const pixels = pixelsOf(12 * 7 * 4, 5)
    const png = await encodeWithSharp(pixels, size, 4)
    const time = Buffer.from([0x07, 0xe9, 3, 14, 15, 9, 26])
    const phys = Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1])
    const before = [
      chunk('tEXt', Buffer.from('Comment\0a frame', 'latin1')),
      chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), deflateSync('squeezed')])),
      chunk('iTXt', Buffer.from('Title\0\0\0en\0Titel\0ein Bild', 'utf8')),
      chunk('tIME', time),
      chunk('pHYs', phys)
    ]
    const withAll = withChunks(withChunks(png, 'IDAT', ...before), 'IEND', chunk('tEXt', Buffer.from('Software\0after the data', 'latin1')), chunk('tIME', time))
    expect(chunksOf(withAll).map((c) => c.type)).toEqual(['IHDR', 'pHYs', 'tEXt', 'zTXt', 'iTXt', 'tIME', 'pHYs', 'IDAT', 'tEXt', 'tIME', 'IEND'])
    expect(decodeSimplePng(withAll, size)?.pixels).toEqual(await sharpPixels(withAll))
    expect((await decodePng(withAll, size)).pixels).toEqual(pixels)
  })

  it('decodePng returns its frame without loading sharp, the same bytes sharp gives; a declined PNG goes to sharp', async () => {
    const size = { width: 20, height: 10 }
    const pixels = pixelsOf(20 * 10 * 3, 8, 0xf0)
    const png = await encodeWithSharp(pixels, size, 3, { compressionLevel: 9, adaptiveFiltering: true })
    const verdict = await sharpVerdict(png, size)
    vi.mocked(loadSharp).mockClear()
    expect((await decodePng(png, size)).pixels).toEqual(verdict)
    expect(loadSharp).not.toHaveBeenCalled()
    expect((await decodePng(await encodeWithSharp(pixels, size, 3, { progressive: true }), size)).pixels).toEqual(verdict)
    expect(loadSharp).toHaveBeenCalledTimes(1)
  })
})

describe('decodeSimplePng declines, and decodePng answers as sharp does', () => {
  const size = { width: 16, height: 9 }
  const pixels = pixelsOf(16 * 9 * 4, 11)
  const rgb = pixelsOf(16 * 9 * 3, 12)
  const plain = () => encodeWithSharp(pixels, size, 4)

  it('an interlaced PNG', async () => {
    expect(await declinedAndAsSharp(await encodeWithSharp(pixels, size, 4, { progressive: true }), size)).toEqual(pixels)
  })

  it('a 16-bit PNG', async () => {
    const png = await sharp(pixels, { raw: { ...size, channels: 4 } }).toColourspace('rgb16').png().toBuffer()
    // The IHDR's bit depth (signature 8, length and type 8).
    expect(png[16 + 8]).toBe(16)
    expect(await declinedAndAsSharp(png, size)).not.toBe('refused')
    const big16 = Buffer.from(Uint16Array.from(pixels, (v) => v * 257).buffer).swap16()
    const hand = handPng(big16, size, { channels: 4, depth: 16, filterOf: (y) => y % 5 })
    expect(await declinedAndAsSharp(hand, size)).not.toBe('refused')
  })

  it('a palette PNG', async () => {
    const png = await encodeWithSharp(pixelsOf(16 * 9 * 4, 13, 0x80), size, 4, { palette: true })
    expect(chunksOf(png).map((c) => c.type)).toContain('PLTE')
    expect(await declinedAndAsSharp(png, size)).not.toBe('refused')
  })

  it('grey and grey + alpha PNGs', async () => {
    for (const channels of [1, 2]) {
      const png = handPng(pixelsOf(16 * 9 * channels, 14), size, { channels, filterOf: (y) => y % 5 })
      expect(await declinedAndAsSharp(png, size)).not.toBe('refused')
    }
  })

  it('a gAMA, cHRM, sRGB, iCCP, sBIT, tRNS or unknown chunk', async () => {
    const rgbPng = await encodeWithSharp(rgb, size, 3)
    const gamma = withChunks(rgbPng, 'IDAT', chunk('gAMA', Buffer.from([0, 0, 0x38, 0x8b])))
    const iccp = withChunks(rgbPng, 'IDAT', chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), deflateSync(Buffer.alloc(132))])))
    // The colour of the first pixel made transparent: sharp's answer differs from the plain decode.
    const trns = withChunks(rgbPng, 'IDAT', chunk('tRNS', Buffer.from([0, rgb[0]!, 0, rgb[1]!, 0, rgb[2]!])))
    const srgb = withChunks(rgbPng, 'IDAT', chunk('sRGB', Buffer.from([0])))
    const sbit = withChunks(rgbPng, 'IDAT', chunk('sBIT', Buffer.from([5, 6, 5])))
    const chrm = withChunks(rgbPng, 'IDAT', chunk('cHRM', Buffer.from(Uint32Array.of(31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000).buffer).swap32()))
    const unknown = withChunks(rgbPng, 'IDAT', chunk('prVt', Buffer.from('private')))
    for (const png of [gamma, iccp, trns, srgb, sbit, chrm, unknown]) await declinedAndAsSharp(png, size)
    const transparent = await declinedAndAsSharp(trns, size)
    expect(transparent).not.toBe('refused')
    expect((transparent as Uint8Array)[3]).toBe(0)
  })

  it('a bad CRC in a critical or an ancillary chunk', async () => {
    const png = withChunks(await plain(), 'IDAT', chunk('tEXt', Buffer.from('Comment\0hi', 'latin1')))
    for (const type of ['IHDR', 'tEXt', 'pHYs', 'IDAT', 'IEND']) {
      const broken = Buffer.from(png)
      const c = chunksOf(broken).find((c) => c.type === type)!
      broken[c.start + c.bytes.length - 1] ^= 1
      const verdict = await declinedAndAsSharp(broken, size)
      if (type === 'IHDR' || type === 'IDAT') expect(verdict).toBe('refused')
    }
  })

  it('a truncated file, bytes after IEND, a missing IEND', async () => {
    const png = await plain()
    for (const cut of [1, 12, 20, png.length - 40, png.length - 60]) await declinedAndAsSharp(png.subarray(0, png.length - cut), size)
    // Cut inside the pixel data: sharp refuses it.
    expect(await declinedAndAsSharp(png.subarray(0, png.length - 20), size)).toBe('refused')
    expect(await declinedAndAsSharp(Buffer.concat([png, Buffer.from([0])]), size)).toEqual(pixels)
    expect(await declinedAndAsSharp(Buffer.concat([png, chunk('IEND')]), size)).toEqual(pixels)
  })

  it('another size than the job asks, with sharp\'s message', async () => {
    const png = await plain()
    for (const other of [{ width: 16, height: 10 }, { width: 15, height: 9 }, { width: 9, height: 16 }]) expect(await declinedAndAsSharp(png, other)).toBe('refused')
    await expect(decodePng(png, { width: 16, height: 10 })).rejects.toThrow('frame is 16x9, expected 16x10')
    await expect(decodePng(png, { width: 15, height: 9 })).rejects.toThrow('cannot decode PNG: Input image exceeds pixel limit')
  })

  it('IDATs that are not consecutive, data after the zlib stream, a zlib stream that ends early', async () => {
    const stream = deflateSync(filterRows(pixels, 64, 4, () => 0))
    const split = Buffer.concat([SIGNATURE, ihdr(16, 9, 8, 6), chunk('IDAT', stream.subarray(0, 30)), chunk('tEXt', Buffer.from('a\0b')), chunk('IDAT', stream.subarray(30)), chunk('IEND')])
    await declinedAndAsSharp(split, size)
    expect(await declinedAndAsSharp(pngAround(Buffer.concat([stream, Buffer.from([1, 2, 3])]), size), size)).toEqual(pixels)
    const short = deflateSync(filterRows(pixels, 64, 4, () => 0).subarray(0, 65 * 8))
    expect(await declinedAndAsSharp(pngAround(short, size), size)).toBe('refused')
    // The same rows but one stray byte more.
    const long = deflateSync(Buffer.concat([filterRows(pixels, 64, 4, () => 0), Buffer.from([0])]))
    await declinedAndAsSharp(pngAround(long, size), size)
  })

  it('a row with a filter byte past 4', async () => {
    for (const bad of [5, 255]) {
      const png = handPng(pixels, size, { channels: 4, filterOf: (y) => (y === 4 ? bad : 1) })
      expect(await declinedAndAsSharp(png, size)).toBe('refused')
    }
  })

  it('a small zlib window over a larger image, which libpng reads a row at a time', async () => {
    // Each row repeats the one two above (514 bytes back), past a 256-byte window.
    const wide = { width: 64, height: 16 }
    const half = pixelsOf(64 * 4 * 2, 15)
    const raw = Uint8Array.from({ length: 64 * 4 * 16 }, (_, i) => half[i % half.length]!)
    const stream = deflateSync(filterRows(raw, 256, 4, () => 0), { level: 9 })
    // The header rewritten to claim a 256-byte window (CINFO 0, check bits for it): one inflate call still decodes it.
    const narrow = Buffer.concat([Buffer.from([0x08, 0x1d]), stream.subarray(2)])
    expect(inflateSync(narrow).length).toBe(257 * 16)
    expect(await declinedAndAsSharp(pngAround(narrow, wide), wide)).toBe('refused')
    expect(decodeSimplePng(pngAround(stream, wide), wide)?.pixels).toEqual(raw)
  })

  it('a frame past MAX_SIMPLE_PIXELS, which sharp decodes off the main thread', async () => {
    const big = { width: 1024, height: MAX_SIMPLE_PIXELS / 1024 + 1 }
    const png = await sharp({ create: { ...big, channels: 4, background: '#336699' } }).png().toBuffer()
    expect(await declinedAndAsSharp(png, big)).not.toBe('refused')
  })

  it('an IDAT that inflates far past the frame (a bomb): stops at the frame size without allocating the rest', async () => {
    const bomb = pngAround(zeros(256 * 2 ** 20), size)
    expect(bomb.length).toBeLessThan(2 ** 20)
    const before = process.memoryUsage().arrayBuffers
    expect(decodeSimplePng(bomb, size)).toBeUndefined()
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 2 ** 20)
    // A smaller one all the way through decodePng.
    await declinedAndAsSharp(pngAround(zeros(2 ** 20), size), size)
  })

  it('a corrupted PNG still rejects with an ImageError from the sharp path', async () => {
    const png = await plain()
    const idat = chunksOf(png).find((c) => c.type === 'IDAT')!
    const garbage = Buffer.from(idat.bytes.subarray(8, -4)).fill(0x5a, 2)
    const broken = withChunks(Buffer.concat([SIGNATURE, ...chunksOf(png).filter((c) => c.type !== 'IDAT').map((c) => c.bytes)]), 'IEND', chunk('IDAT', garbage))
    expect(decodeSimplePng(broken, size)).toBeUndefined()
    await expect(decodePng(broken, size)).rejects.toThrow(ImageError)
    await expect(decodePng(broken, size)).rejects.toThrow(/cannot decode PNG/)
  })
})

/** A zlib stream of `bytes` zero bytes (a multiple of 1 MiB), built from one deflated MiB repeated: a bomb of about 1 KB per MiB. */
function zeros(bytes: number): Buffer {
  const mib = 2 ** 20
  const piece = deflateRawSync(Buffer.alloc(mib), { finishFlush: constants.Z_SYNC_FLUSH })
  const adler = Buffer.alloc(4)
  // Adler-32 of n zeros: a stays 1, b adds 1 per byte.
  adler.writeUInt32BE((((bytes % 65521) << 16) | 1) >>> 0)
  const stream = Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array<Buffer>(bytes / mib).fill(piece), deflateRawSync(Buffer.alloc(0)), adler])
  if (bytes <= mib) expect(inflateSync(stream).equals(Buffer.alloc(bytes))).toBe(true)
  return stream
}
