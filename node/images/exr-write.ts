// Writes the EXR frames a worker publishes: the decoded pixels of
// Blender's output written again, so no header attribute of Blender's
// (it writes the scene's file path, the date, camera and scene names)
// leaves the machine. Single-part scanline, FLOAT R, G, B, A, ZIP
// compression: the subset exr-read.ts reads. The options exist for tests
// that need the other shapes the reader accepts.
import { deflateSync } from 'node:zlib'
import { EXR_COMPRESSIONS, EXR_LINES_PER_BLOCK, EXR_PIXEL_TYPES, type ExrCompression } from './exr-read.ts'
import type { FloatFrame } from './frame.ts'

export interface ExrWriteOptions {
  compression?: ExrCompression
  pixelType?: keyof typeof EXR_PIXEL_TYPES
  /** Writes the A channel (default); without it a reader takes alpha as 1. */
  alpha?: boolean
}

/** DataView.setFloat16 is in Node 24, not yet in the es2024 lib types. */
type HalfView = DataView & { setFloat16(offset: number, value: number, littleEndian: boolean): void }

export function encodeExr(frame: FloatFrame, options: ExrWriteOptions = {}): Uint8Array {
  const compression = options.compression ?? 'ZIP'
  const type = EXR_PIXEL_TYPES[options.pixelType ?? 'FLOAT']
  const size = type === EXR_PIXEL_TYPES.FLOAT ? 4 : 2
  // Channel lists are sorted by name; the data follows the list's order.
  const channels = (options.alpha ?? true) ? ['A', 'B', 'G', 'R'] : ['B', 'G', 'R']
  const slot: Record<string, number> = { R: 0, G: 1, B: 2, A: 3 }
  const { width, height } = frame

  const header = new ByteWriter()
  header.u32(20000630).u32(2)
  const chlist = new ByteWriter()
  for (const name of channels) chlist.cstring(name).i32(type).u32(0).i32(1).i32(1)
  chlist.u8(0)
  const box = new ByteWriter().i32(0).i32(0).i32(width - 1).i32(height - 1).bytes()
  header.attribute('channels', 'chlist', chlist.bytes())
  header.attribute('compression', 'compression', Uint8Array.of(EXR_COMPRESSIONS.indexOf(compression)))
  header.attribute('dataWindow', 'box2i', box)
  header.attribute('displayWindow', 'box2i', box)
  header.attribute('lineOrder', 'lineOrder', Uint8Array.of(0))
  header.attribute('pixelAspectRatio', 'float', new ByteWriter().f32(1).bytes())
  header.attribute('screenWindowCenter', 'v2f', new ByteWriter().f32(0).f32(0).bytes())
  header.attribute('screenWindowWidth', 'float', new ByteWriter().f32(1).bytes())
  header.u8(0)
  const head = header.bytes()

  const linesPerBlock = EXR_LINES_PER_BLOCK[compression]
  const blocks: Uint8Array[] = []
  for (let y0 = 0; y0 < height; y0 += linesPerBlock) {
    const lines = Math.min(linesPerBlock, height - y0)
    const raw = new Uint8Array(lines * width * channels.length * size)
    const view = new DataView(raw.buffer) as HalfView
    let pos = 0
    for (let y = y0; y < y0 + lines; y++) {
      for (const name of channels) {
        for (let x = 0, i = y * width * 4 + slot[name]!; x < width; x++, i += 4, pos += size) {
          if (size === 4) view.setFloat32(pos, frame.pixels[i]!, true)
          else view.setFloat16(pos, frame.pixels[i]!, true)
        }
      }
    }
    const packed = compression === 'NONE' ? raw : zipBlock(raw)
    // Stored raw when compressing does not help, as the format requires.
    const data = packed.byteLength < raw.byteLength ? packed : raw
    blocks.push(new ByteWriter().i32(y0).i32(data.byteLength).bytes(), data)
  }
  const table = new ByteWriter()
  let offset = head.byteLength + (blocks.length / 2) * 8
  for (let b = 0; b < blocks.length; b += 2) {
    table.u32(offset % 2 ** 32).u32(Math.floor(offset / 2 ** 32))
    offset += blocks[b]!.byteLength + blocks[b + 1]!.byteLength
  }
  return Buffer.concat([head, table.bytes(), ...blocks])
}

/** The inverse of the reader's unzipBlock: even bytes then odd bytes, byte deltas, zlib. */
function zipBlock(raw: Uint8Array): Uint8Array {
  const t = new Uint8Array(raw.byteLength)
  const half = (raw.byteLength + 1) >> 1
  for (let i = 0; i < raw.byteLength; i++) t[i & 1 ? half + (i >> 1) : i >> 1] = raw[i]!
  for (let i = t.length - 1; i > 0; i--) t[i] = (t[i]! - t[i - 1]! + 128 + 256) & 0xff
  return deflateSync(t)
}

class ByteWriter {
  private readonly parts: number[] = []
  private readonly scratch = new DataView(new ArrayBuffer(4))

  u8(v: number): this {
    this.parts.push(v & 0xff)
    return this
  }

  u32(v: number): this {
    this.scratch.setUint32(0, v, true)
    return this.push4()
  }

  i32(v: number): this {
    this.scratch.setInt32(0, v, true)
    return this.push4()
  }

  f32(v: number): this {
    this.scratch.setFloat32(0, v, true)
    return this.push4()
  }

  cstring(s: string): this {
    for (const byte of Buffer.from(s, 'latin1')) this.parts.push(byte)
    return this.u8(0)
  }

  attribute(name: string, type: string, value: Uint8Array): this {
    this.cstring(name).cstring(type).i32(value.byteLength)
    for (const byte of value) this.parts.push(byte)
    return this
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts)
  }

  private push4(): this {
    for (let i = 0; i < 4; i++) this.parts.push(this.scratch.getUint8(i))
    return this
  }
}
