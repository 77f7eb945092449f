// A pure-JS decoder for the one kind of PNG our renderers write: 8-bit RGB
// or RGBA, not interlaced, no colour metadata (issue 11: per-task CPU).
// Every task decodes its frames twice (the worker hashes them, the creator
// verifies them), and sharp costs ~0.6 ms of main-thread time per call plus
// libvips thread work, which dwarfs the decode of a small frame.
//
// It answers only where the answer is certainly the one sharp (libpng)
// gives: every chunk's CRC right, only IHDR, consecutive IDATs, IEND last
// with nothing after it, and ancillary chunks that change no pixel (text,
// time, physical size; not gAMA, iCCP, tRNS and the like, which libvips
// acts on), one zlib stream with a window libpng reads the same way
// (inflateExactly) inflating to exactly the rows' size and nothing past its
// end, every filter byte 0-4. Anything else, malformed or merely unusual, returns
// undefined and sharp decodes it, so verdicts and error messages stay
// sharp's. Output is never larger than the expected frame: the inflate
// stops one byte past the rows' size, whatever the file claims.
import { crc32, inflateSync } from 'node:zlib'
import type { DecodedFrame } from './frame.ts'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** Ancillary chunks libvips reads as metadata only. */
const HARMLESS = new Set(['tEXt', 'zTXt', 'iTXt', 'tIME', 'pHYs'])
/** Bytes per pixel of the colour types taken: 2 is RGB, 6 is RGBA. */
const BYTES_PER_PIXEL: Record<number, number> = { 2: 3, 6: 4 }
/**
 * Past this many pixels sharp decodes: a decode here blocks the event loop
 * (about 1 ms at this size), sharp's runs on libvips threads.
 */
export const MAX_SIMPLE_PIXELS = 512 * 512

/** The frame if `input` is a simple PNG of exactly the expected size, else undefined (never throws). */
export function decodeSimplePng(input: Uint8Array, expected: { width: number; height: number }): DecodedFrame | undefined {
  const { width, height } = expected
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > MAX_SIMPLE_PIXELS) return undefined
  if (input.length < 8 || !SIGNATURE.equals(input.subarray(0, 8))) return undefined
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength)
  let header: Uint8Array | undefined
  const idat: Uint8Array[] = []
  let afterIdat = false
  for (let pos = 8; ; ) {
    if (pos + 12 > input.length) return undefined
    const length = view.getUint32(pos)
    const end = pos + 12 + length
    if (length > 0x7fffffff || end > input.length) return undefined
    if (crc32(input.subarray(pos + 4, end - 4)) !== view.getUint32(end - 4)) return undefined
    const type = Buffer.from(input.buffer, input.byteOffset + pos + 4, 4).toString('latin1')
    const data = input.subarray(pos + 8, end - 4)
    if (pos === 8) {
      if (type !== 'IHDR') return undefined
      header = data
    } else if (type === 'IDAT') {
      if (afterIdat) return undefined
      idat.push(data)
    } else if (type === 'IEND') {
      if (length !== 0 || end !== input.length) return undefined
      break
    } else if (HARMLESS.has(type)) {
      afterIdat = idat.length > 0
    } else {
      return undefined
    }
    pos = end
  }
  const bpp = header?.length === 13 ? readHeader(header, width, height) : undefined
  if (bpp === undefined || idat.length === 0) return undefined
  const stride = width * bpp
  const rows = inflateExactly(idat, (stride + 1) * height)
  if (rows === undefined || !unfilter(rows, stride, height, bpp)) return undefined
  const pixels = new Uint8Array(width * height * 4)
  for (let y = 0, from = 1, to = 0; y < height; y++, from += stride + 1) {
    if (bpp === 4) {
      pixels.set(rows.subarray(from, from + stride), to)
      to += stride
      continue
    }
    for (let i = from; i < from + stride; i += 3, to += 4) {
      pixels[to] = rows[i]!
      pixels[to + 1] = rows[i + 1]!
      pixels[to + 2] = rows[i + 2]!
      pixels[to + 3] = 255
    }
  }
  return { width, height, pixels }
}

/** Bytes per pixel if the IHDR is 8-bit RGB or RGBA of the expected size, standard methods, not interlaced. */
function readHeader(ihdr: Uint8Array, width: number, height: number): number | undefined {
  const view = new DataView(ihdr.buffer, ihdr.byteOffset, ihdr.byteLength)
  if (view.getUint32(0) !== width || view.getUint32(4) !== height || ihdr[8] !== 8) return undefined
  if (ihdr[10] !== 0 || ihdr[11] !== 0 || ihdr[12] !== 0) return undefined
  return BYTES_PER_PIXEL[ihdr[9]!]
}

/** The IDAT stream inflated, if it is one zlib stream that ends exactly at the data's end and holds exactly `size` bytes. */
function inflateExactly(idat: Uint8Array[], size: number): Buffer | undefined {
  const stream = idat.length === 1 ? idat[0]! : Buffer.concat(idat)
  // libpng inflates a row at a time with the window the header names, so a
  // distance past a small window fails there, while one inflate call here
  // might still reach it. A window of 32 KiB (the format's longest distance)
  // or of at least the whole image leaves no such distance (libpng's writer
  // always picks one of these).
  const windowSize = 1 << (((stream[0] ?? 0) >> 4) + 8)
  if (windowSize < 32768 && windowSize < size) return undefined
  try {
    // windowBits 0: the header's window, as libpng inflates; info: to see how much of the stream was used.
    const { buffer, engine } = inflateSync(stream, { windowBits: 0, maxOutputLength: size + 1, info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } }
    return buffer.length === size && engine.bytesWritten === stream.length ? buffer : undefined
  } catch {
    return undefined
  }
}

/** Undoes the row filters in place (rows of 1 filter byte + stride bytes); false on a filter byte past 4. */
function unfilter(rows: Uint8Array, stride: number, height: number, bpp: number): boolean {
  // Uint8Array stores wrap modulo 256, which is the arithmetic PNG filters use.
  for (let y = 0, at = 1; y < height; y++, at += stride + 1) {
    const up = at - stride - 1
    const above = (i: number) => (y > 0 ? rows[up + i]! : 0)
    const left = (i: number) => (i >= bpp ? rows[at + i - bpp]! : 0)
    switch (rows[at - 1]) {
      case 0:
        break
      case 1:
        for (let i = bpp; i < stride; i++) rows[at + i] += rows[at + i - bpp]!
        break
      case 2:
        if (y > 0) for (let i = 0; i < stride; i++) rows[at + i] += rows[up + i]!
        break
      case 3:
        for (let i = 0; i < stride; i++) rows[at + i] += (left(i) + above(i)) >> 1
        break
      case 4:
        for (let i = 0; i < stride; i++) rows[at + i] += paeth(left(i), above(i), i >= bpp && y > 0 ? rows[up + i - bpp]! : 0)
        break
      default:
        return false
    }
  }
  return true
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}
