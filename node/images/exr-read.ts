// A small OpenEXR reader for untrusted frames: exactly the subset our
// Blender path writes and nothing more. Single-part scanline images,
// compression NONE, ZIPS or ZIP (zlib, from node:zlib), HALF or FLOAT
// channels R, G, B and optionally A, the data window exactly the job's size.
// Everything else (tiled, multi-part, deep, other compressions, other
// channels, UINT samples) is refused with one line. Every offset and length
// is checked against the file before it is used, no block may inflate past
// its scanlines' raw size, and no allocation depends on anything but the
// expected size, so a hostile file costs at most one frame's worth of memory.
// Format reference: "OpenEXR File Layout" (openexr.com).
import { inflateSync } from 'node:zlib'
import { ImageError } from './errors.ts'
import type { FloatFrame } from './frame.ts'

const MAGIC = 20000630
const FLAG_TILED = 0x200
const FLAG_LONG_NAMES = 0x400
const FLAG_DEEP = 0x800
const FLAG_MULTIPART = 0x1000

/** Compression codes of the format, and the scanlines each block holds (those we read). */
export const EXR_COMPRESSIONS = ['NONE', 'RLE', 'ZIPS', 'ZIP', 'PIZ', 'PXR24', 'B44', 'B44A', 'DWAA', 'DWAB'] as const
export type ExrCompression = 'NONE' | 'ZIPS' | 'ZIP'
export const EXR_LINES_PER_BLOCK: Record<ExrCompression, number> = { NONE: 1, ZIPS: 1, ZIP: 16 }

/** Pixel type codes: 0 is UINT, which no renderer writes for colour. */
export const EXR_PIXEL_TYPES = { HALF: 1, FLOAT: 2 } as const
const BYTES_OF_TYPE: Record<number, number> = { 1: 2, 2: 4 }

/** Blender's header is about 1 KB (metadata strings included); a frame's header past this is not one of ours. */
const MAX_HEADER_BYTES = 64 * 1024
const MAX_ATTRIBUTES = 128
const RGBA_INDEX: Record<string, number> = { R: 0, G: 1, B: 2, A: 3 }

interface Attribute {
  type: string
  start: number
  size: number
}

interface Channel {
  /** 0..3: where the channel goes in RGBA. */
  slot: number
  type: number
}

/** Decodes an EXR frame that must be exactly expected.width x expected.height. Throws ImageError. */
export function decodeExr(input: Uint8Array, expected: { width: number; height: number }): FloatFrame {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength)
  if (input.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new ImageError('not an OpenEXR file')
  const version = view.getUint32(4, true)
  if ((version & 0xff) !== 2) throw new ImageError(`EXR version ${version & 0xff} is not supported (only 2)`)
  if (version & FLAG_MULTIPART) throw new ImageError('multi-part EXR files are not supported')
  if (version & FLAG_DEEP) throw new ImageError('deep EXR files are not supported')
  if (version & FLAG_TILED) throw new ImageError('tiled EXR files are not supported (scanline only)')
  if ((version & ~(0xff | FLAG_LONG_NAMES)) !== 0) throw new ImageError(`EXR version flags 0x${(version >>> 8).toString(16)} are not supported`)
  const maxName = version & FLAG_LONG_NAMES ? 255 : 31

  const { attributes, end: headerEnd } = readHeader(input, maxName)
  const attr = (name: string, type: string, size?: number): Attribute => {
    const a = attributes.get(name)
    if (a === undefined) throw new ImageError(`EXR header has no ${name}`)
    if (a.type !== type || (size !== undefined && a.size !== size)) throw new ImageError(`EXR ${name} is a ${a.size}-byte ${a.type}, expected ${type}`)
    return a
  }
  const kind = attributes.get('type')
  if (kind !== undefined && cstringAt(input, kind.start, kind.start + kind.size) !== 'scanlineimage') throw new ImageError('EXR part is not a scanline image')

  const compressionCode = input[attr('compression', 'compression', 1).start]!
  const compression = EXR_COMPRESSIONS[compressionCode]
  if (compression !== 'NONE' && compression !== 'ZIPS' && compression !== 'ZIP') {
    throw new ImageError(`EXR compression ${compression ?? compressionCode} is not supported (NONE, ZIPS or ZIP)`)
  }
  const lineOrder = input[attr('lineOrder', 'lineOrder', 1).start]!
  if (lineOrder > 2) throw new ImageError(`EXR line order ${lineOrder} is not valid`)
  for (const name of ['dataWindow', 'displayWindow']) {
    const w = attr(name, 'box2i', 16).start
    const box = [0, 4, 8, 12].map((o) => view.getInt32(w + o, true))
    // Checked before anything is allocated: the size comes from the job, never from the file.
    if (box[0] !== 0 || box[1] !== 0 || box[2] !== expected.width - 1 || box[3] !== expected.height - 1) {
      throw new ImageError(`EXR ${name} is (${box.join(', ')}), expected a ${expected.width}x${expected.height} frame at (0, 0)`)
    }
  }
  const channels = readChannels(input, view, attr('channels', 'chlist'), maxName)
  const { width, height } = expected
  const bytesPerPixel = channels.reduce((sum, c) => sum + BYTES_OF_TYPE[c.type]!, 0)
  const linesPerBlock = EXR_LINES_PER_BLOCK[compression]
  const blocks = Math.ceil(height / linesPerBlock)
  const tableEnd = headerEnd + blocks * 8
  if (tableEnd > input.byteLength) throw new ImageError('EXR file is truncated (offset table)')

  // Every block's place and size is checked before the frame is allocated: a truncated file costs nothing.
  const stored: Uint8Array[] = []
  for (let b = 0; b < blocks; b++) {
    const offset = readOffset(view, headerEnd + b * 8)
    if (offset < tableEnd || offset + 8 > input.byteLength) throw new ImageError(`EXR block ${b} offset ${offset} is outside the pixel data`)
    const y = view.getInt32(offset, true)
    if (y !== b * linesPerBlock) throw new ImageError(`EXR block ${b} claims scanline ${y}, expected ${b * linesPerBlock}`)
    const size = view.getInt32(offset + 4, true)
    const rawSize = Math.min(linesPerBlock, height - y) * width * bytesPerPixel
    if (size <= 0 || size > rawSize || offset + 8 + size > input.byteLength) throw new ImageError(`EXR block ${b} has ${size} bytes of data, outside 1..${rawSize} or past the end of the file`)
    stored.push(input.subarray(offset + 8, offset + 8 + size))
  }
  const out = new Float32Array(width * height * 4)
  if (!channels.some((c) => c.slot === 3)) for (let i = 3; i < out.length; i += 4) out[i] = 1
  for (const [b, data] of stored.entries()) {
    const y0 = b * linesPerBlock
    const lines = Math.min(linesPerBlock, height - y0)
    const rawSize = lines * width * bytesPerPixel
    // The format stores a block raw whenever compressing would not make it smaller.
    const raw = data.byteLength === rawSize ? data : unzipBlock(data, rawSize, compression, b)
    scatter(raw, channels, width, y0, lines, out)
  }
  return { width, height, pixels: out }
}

function readHeader(input: Uint8Array, maxName: number): { attributes: Map<string, Attribute>; end: number } {
  const limit = Math.min(input.byteLength, MAX_HEADER_BYTES)
  const attributes = new Map<string, Attribute>()
  let pos = 8
  for (;;) {
    const name = cstring(input, pos, limit, maxName, 'attribute name')
    pos += name.length + 1
    if (name === '') return { attributes, end: pos }
    const type = cstring(input, pos, limit, maxName, 'attribute type')
    pos += type.length + 1
    if (pos + 4 > limit) throw new ImageError('EXR header is truncated')
    const size = new DataView(input.buffer, input.byteOffset + pos, 4).getInt32(0, true)
    pos += 4
    if (size < 0 || pos + size > limit) throw new ImageError(`EXR attribute ${name} runs past the header (${MAX_HEADER_BYTES} bytes at most)`)
    if (attributes.has(name)) throw new ImageError(`EXR attribute ${name} appears twice`)
    if (attributes.size >= MAX_ATTRIBUTES) throw new ImageError(`EXR header has more than ${MAX_ATTRIBUTES} attributes`)
    attributes.set(name, { type, start: pos, size })
    pos += size
  }
}

/** A NUL-terminated Latin-1 string of at most maxLength bytes starting at pos, ending before limit. */
function cstring(input: Uint8Array, pos: number, limit: number, maxLength: number, what: string): string {
  const end = Math.min(limit, pos + maxLength + 1)
  for (let i = pos; i < end; i++) if (input[i] === 0) return latin1(input.subarray(pos, i))
  throw new ImageError(`EXR ${what} is unterminated, longer than ${maxLength} bytes or past the header`)
}

function cstringAt(input: Uint8Array, start: number, end: number): string {
  const nul = input.subarray(start, end).indexOf(0)
  return latin1(input.subarray(start, nul === -1 ? end : start + nul))
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

function readChannels(input: Uint8Array, view: DataView, list: Attribute, maxName: number): Channel[] {
  const end = list.start + list.size
  const channels: Channel[] = []
  const seen = new Set<string>()
  let pos = list.start
  for (;;) {
    const name = cstring(input, pos, end, maxName, 'channel name')
    pos += name.length + 1
    if (name === '') break
    if (pos + 16 > end) throw new ImageError('EXR channel list is truncated')
    const type = view.getInt32(pos, true)
    const xSampling = view.getInt32(pos + 8, true)
    const ySampling = view.getInt32(pos + 12, true)
    pos += 16
    const slot = RGBA_INDEX[name]
    if (slot === undefined) throw new ImageError(`EXR channel ${JSON.stringify(name)} is not supported (R, G, B and A only)`)
    if (seen.has(name)) throw new ImageError(`EXR channel ${name} is listed twice`)
    seen.add(name)
    if (type !== EXR_PIXEL_TYPES.HALF && type !== EXR_PIXEL_TYPES.FLOAT) throw new ImageError(`EXR channel ${name} has pixel type ${type} (HALF or FLOAT only)`)
    if (xSampling !== 1 || ySampling !== 1) throw new ImageError(`EXR channel ${name} is subsampled (${xSampling}x${ySampling})`)
    channels.push({ slot, type })
  }
  for (const name of ['R', 'G', 'B']) if (!seen.has(name)) throw new ImageError(`EXR frame has no ${name} channel`)
  return channels
}

/** A u64 offset; anything past 2^53 is past any file we would read anyway. */
function readOffset(view: DataView, at: number): number {
  const high = view.getUint32(at + 4, true)
  if (high >= 0x200000) return Number.MAX_SAFE_INTEGER
  return high * 2 ** 32 + view.getUint32(at, true)
}

/** ZIP and ZIPS: zlib, then a byte-delta predictor and a split of even and odd bytes, both undone here. */
function unzipBlock(stored: Uint8Array, rawSize: number, compression: ExrCompression, block: number): Uint8Array {
  if (compression === 'NONE') throw new ImageError(`EXR block ${block} is ${stored.byteLength} bytes, uncompressed it must be ${rawSize}`)
  let t: Buffer
  try {
    t = inflateSync(stored, { maxOutputLength: rawSize })
  } catch (err) {
    throw new ImageError(`EXR block ${block} does not inflate to ${rawSize} bytes: ${(err as Error).message.split('\n')[0]}`, { cause: err })
  }
  if (t.byteLength !== rawSize) throw new ImageError(`EXR block ${block} inflates to ${t.byteLength} bytes, expected ${rawSize}`)
  for (let i = 1; i < t.length; i++) t[i] = (t[i - 1]! + t[i]! - 128) & 0xff
  const raw = new Uint8Array(rawSize)
  const half = (rawSize + 1) >> 1
  for (let i = 0; i < rawSize; i++) raw[i] = i & 1 ? t[half + (i >> 1)]! : t[i >> 1]!
  return raw
}

/** Per scanline, each channel's row in channel-list order, little-endian: into RGBA float32. */
function scatter(raw: Uint8Array, channels: Channel[], width: number, y0: number, lines: number, out: Float32Array): void {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  let pos = 0
  for (let line = 0; line < lines; line++) {
    const row = (y0 + line) * width * 4
    for (const c of channels) {
      for (let x = 0, i = row + c.slot; x < width; x++, i += 4) {
        const v = c.type === EXR_PIXEL_TYPES.FLOAT ? view.getFloat32(pos, true) : halfToFloat(view.getUint16(pos, true))
        pos += c.type === EXR_PIXEL_TYPES.FLOAT ? 4 : 2
        // NaN or infinity would poison every comparison; no honest float render holds one.
        if (!Number.isFinite(v)) throw new ImageError(`EXR frame holds a NaN or infinite value (row ${y0 + line})`)
        out[i] = v
      }
    }
  }
}

/** IEEE 754 binary16 to a number: exact (every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >> 10) & 0x1f
  const mantissa = h & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24
  if (exponent === 31) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}
