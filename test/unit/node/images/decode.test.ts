// decodeFrame for every output format (size caps before decoding, the
// format's own guards), the pixel hash of each format, and the JPEG
// property the checker relies on: a tile widened to the block grid and
// encoded alone decodes to exactly the full frame's pixels there.
import { createHash } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { type DecodedFrame, decodeFrame, encodeExr, encodeJpeg, formatOf, ImageError, jpegBlockRegion, maxFrameBytes, maxFrameBytesOf, pixelHash } from '../../../../node/images/index.ts'
import { cropImage } from '../../../../node/verify/compare.ts'
import { seededRandom } from '../../../../testnet/seeded-random.ts'

/** Smooth shapes plus per-pixel noise, like a path-traced frame; opaque. */
function rendered(width: number, height: number, seed = 1): DecodedFrame {
  const random = seededRandom(seed)
  const pixels = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      pixels[i] = Math.min(255, Math.round(120 + 80 * Math.sin(x / 9) + random() * 30))
      pixels[i + 1] = Math.min(255, Math.round(((x + y) * 2) % 200 + random() * 40))
      pixels[i + 2] = Math.min(255, Math.round(((x * y) % 97) + random() * 50))
      pixels[i + 3] = 255
    }
  }
  return { width, height, pixels }
}

/** A map callback filling bytes from a seeded generator. */
function seededRandomBytes(seed: number): () => number {
  const random = seededRandom(seed)
  return () => Math.floor(random() * 256)
}

/** The PNG with one more chunk right after IHDR (signature 8 + IHDR 25 bytes). */
function withChunk(png: Uint8Array, type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([png.subarray(0, 33), length, body, crc, png.subarray(33)])
}

const size = { width: 64, height: 36 }
const png = (img: DecodedFrame) => sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: 4 } }).png().toBuffer()

describe('decodeFrame', () => {
  it('decodes each format at the job size', async () => {
    const img = rendered(64, 36)
    expect((await decodeFrame(await png(img), 'PNG', size)).pixels).toEqual(img.pixels)
    const jpeg = await decodeFrame(await encodeJpeg(img), 'JPEG', size)
    expect(jpeg.pixels).toBeInstanceOf(Uint8Array)
    expect(jpeg.pixels.length).toBe(64 * 36 * 4)
    const exr = await decodeFrame(encodeExr({ ...size, pixels: Float32Array.from(img.pixels, (v) => v / 255) }), 'EXR', size)
    expect(exr.pixels).toBeInstanceOf(Float32Array)
  })

  it.each(['PNG', 'JPEG', 'EXR'] as const)('refuses a %s file larger than any honest one before decoding it', async (format) => {
    const limit = maxFrameBytes(format, size.width, size.height)
    await expect(decodeFrame(new Uint8Array(limit + 1), format, size)).rejects.toThrow(new RegExp(`${limit + 1} bytes, more than any 64x36 ${format}`))
    await expect(decodeFrame(new Uint8Array(limit), format, size)).rejects.toThrow(ImageError)
  })

  it('sizes the caps from the frame size: PNG from RGBA8 rows, JPEG from 8x8-padded pixels, EXR from FLOAT RGBA', () => {
    const rows = (64 * 4 + 1) * 36
    expect(maxFrameBytes('PNG', 64, 36)).toBe(rows + Math.ceil(rows / 64) + 1024 * 1024)
    // The 8K cap is what a frame fetch may cost at most: about 136 MB, not the 512 MiB blob cap.
    expect(maxFrameBytes('PNG', 7680, 4320)).toBeLessThan(137_000_000)
    expect(maxFrameBytesOf({ width: 64, height: 36, outputFormat: '' })).toBe(maxFrameBytes('PNG', 64, 36))
    expect(maxFrameBytesOf({ width: 64, height: 36, outputFormat: 'EXR' })).toBe(maxFrameBytes('EXR', 64, 36))
    expect(maxFrameBytes('JPEG', 64, 36)).toBe(64 * 40 * 6 + 1024 * 1024)
    expect(maxFrameBytes('EXR', 64, 36)).toBe(64 * 36 * 16 + 36 * 16 + 1024 * 1024)
  })

  it('an honest PNG of pure noise, stored without compression, fits the PNG cap without its 1 MiB headroom', async () => {
    const noise = { width: 512, height: 288, pixels: new Uint8Array(512 * 288 * 4).map(seededRandomBytes(3)) }
    const stored = await sharp(noise.pixels, { raw: { width: 512, height: 288, channels: 4 } }).png({ compressionLevel: 0 }).toBuffer()
    expect(stored.length).toBeLessThanOrEqual(maxFrameBytes('PNG', 512, 288) - 1024 * 1024)
    expect((await decodeFrame(stored, 'PNG', { width: 512, height: 288 })).pixels).toEqual(noise.pixels)
  })

  it('refuses a 320x180 PNG padded with a giant ancillary chunk unread, and ignores a compressed one that fits', async () => {
    const frame = rendered(320, 180)
    const honest = await png(frame)
    const limit = maxFrameBytes('PNG', 320, 180)
    const padded = withChunk(honest, 'tEXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.alloc(limit - honest.length, 0x41)]))
    expect(padded.length).toBeGreaterThan(limit)
    await expect(decodeFrame(padded, 'PNG', { width: 320, height: 180 })).rejects.toThrow(/more than any 320x180 PNG/)
    // 64 MiB of text deflated into ~64 KB: within the cap, and the decoder does not inflate it.
    const bomb = withChunk(honest, 'zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), deflateSync(Buffer.alloc(64 * 1024 * 1024))]))
    expect(bomb.length).toBeLessThan(limit)
    expect((await decodeFrame(bomb, 'PNG', { width: 320, height: 180 })).pixels).toEqual(frame.pixels)
  })

  it('refuses a JPEG that is something else, another size, truncated, or a pixel bomb', async () => {
    const img = rendered(64, 36)
    const jpeg = await encodeJpeg(img)
    await expect(decodeFrame(await png(img), 'JPEG', size)).rejects.toThrow(/not a JPEG file/)
    await expect(decodeFrame(jpeg, 'PNG', size)).rejects.toThrow(/not a PNG file/)
    await expect(decodeFrame(jpeg, 'EXR', size)).rejects.toThrow(/not an OpenEXR file/)
    await expect(decodeFrame(jpeg, 'JPEG', { width: 64, height: 37 })).rejects.toThrow(/frame is 64x36, expected 64x37/)
    await expect(decodeFrame(jpeg.subarray(0, jpeg.length - 200), 'JPEG', size)).rejects.toThrow(ImageError)
    // A real 2000x2000 JPEG of ~30 KB: refused from its header by the pixel limit (the job's size), never decoded.
    const bomb = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#808080' } }).jpeg().toBuffer()
    expect(bomb.length).toBeLessThan(maxFrameBytes('JPEG', 64, 36))
    await expect(decodeFrame(bomb, 'JPEG', size)).rejects.toThrow(ImageError)
  })

  it('reads the format of a spec or an announcement, where empty means PNG', () => {
    expect(formatOf({ outputFormat: '' })).toBe('PNG')
    expect(formatOf({})).toBe('PNG')
    expect(formatOf({ outputFormat: 'EXR' })).toBe('EXR')
    expect(() => formatOf({ outputFormat: 'TIFF' })).toThrow(/unknown output format "TIFF"/)
  })
})

describe('pixelHash', () => {
  it('is sha256 of the RGBA8 bytes for PNG and JPEG frames, as before formats existed', () => {
    const img = rendered(8, 4)
    expect(Buffer.from(pixelHash(img)).toString('hex')).toBe(createHash('sha256').update(img.pixels).digest('hex'))
    expect(Buffer.from(pixelHash({ width: 1, height: 1, pixels: Uint8Array.of(1, 2, 3, 255) })).toString('hex')).toBe(createHash('sha256').update(Uint8Array.of(1, 2, 3, 255)).digest('hex'))
  })

  it('is sha256 of the float32 RGBA values, little-endian, for EXR frames', () => {
    const frame = { width: 1, height: 1, pixels: Float32Array.of(1, 0.5, -2, 1) }
    const le = Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x80, 0x3f])
    expect(Buffer.from(pixelHash(frame)).toString('hex')).toBe(createHash('sha256').update(le).digest('hex'))
    // Every bit counts: negative zero is another frame.
    expect(pixelHash({ width: 1, height: 1, pixels: Float32Array.of(-0, 0.5, -2, 1) })).not.toEqual(pixelHash({ width: 1, height: 1, pixels: Float32Array.of(0, 0.5, -2, 1) }))
  })
})

describe('JPEG tiles', () => {
  it('widens a region outwards to the 8-pixel block grid, clipped to the frame', () => {
    expect(jpegBlockRegion({ x: 13, y: 7, width: 30, height: 20 }, { width: 96, height: 54 })).toEqual({ x: 8, y: 0, width: 40, height: 32 })
    expect(jpegBlockRegion({ x: 70, y: 40, width: 26, height: 14 }, { width: 96, height: 54 })).toEqual({ x: 64, y: 40, width: 32, height: 14 })
    expect(jpegBlockRegion({ x: 16, y: 8, width: 8, height: 8 }, { width: 96, height: 54 })).toEqual({ x: 16, y: 8, width: 8, height: 8 })
  })

  it('decodes a widened tile encoded alone to exactly the full frame there; the tile encoded alone differs', async () => {
    const full = rendered(101, 59, 3)
    const frame = { width: 101, height: 59 }
    const worker = await decodeFrame(await encodeJpeg(full), 'JPEG', frame)
    for (const tile of [{ x: 13, y: 7, width: 25, height: 14 }, { x: 76, y: 45, width: 25, height: 14 }, { x: 0, y: 0, width: 101, height: 59 }, { x: 99, y: 1, width: 2, height: 3 }]) {
      const region = jpegBlockRegion(tile, frame)
      const alone = await decodeFrame(await encodeJpeg(cropImage(full, region)), 'JPEG', region)
      const mine = cropImage(alone, { ...tile, x: tile.x - region.x, y: tile.y - region.y })
      expect(Buffer.from(mine.pixels).equals(Buffer.from(cropImage(worker, tile).pixels)), JSON.stringify(tile)).toBe(true)
    }
    const tile = { x: 13, y: 7, width: 25, height: 14 }
    const naive = await decodeFrame(await encodeJpeg(cropImage(full, tile)), 'JPEG', tile)
    expect(Buffer.from(naive.pixels).equals(Buffer.from(cropImage(worker, tile).pixels))).toBe(false)
  })

  it('flattens alpha onto black (JPEG has none)', async () => {
    const img = { width: 8, height: 8, pixels: new Uint8Array(8 * 8 * 4).fill(200) }
    for (let i = 3; i < img.pixels.length; i += 4) img.pixels[i] = 0
    const out = await decodeFrame(await encodeJpeg(img), 'JPEG', img)
    expect(Math.max(...Array.from(out.pixels).filter((_, i) => i % 4 !== 3))).toBeLessThanOrEqual(2)
    expect(Array.from(out.pixels).filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true)
  })
})
