// Decoding untrusted PNG frames. Only real PNGs get to libvips (signature
// checked first, so an SVG or a TIFF named .png never reaches its loader),
// the pixel limit is the exact expected size (no decompression bombs), and
// truncated files fail instead of decoding partially.
import { createHash } from 'node:crypto'
import sharp from 'sharp'
import { PictorError } from '../errors.ts'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export class ImageError extends PictorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IMAGE', message, options)
  }
}

export interface DecodedFrame {
  width: number
  height: number
  /** RGBA, 8 bits per channel, row-major. */
  pixels: Uint8Array
}

export async function decodePng(input: Uint8Array, expected: { width: number; height: number }): Promise<DecodedFrame> {
  if (input.length < PNG_SIGNATURE.length || !PNG_SIGNATURE.equals(Buffer.from(input.subarray(0, 8)))) throw new ImageError('not a PNG file')
  try {
    const image = sharp(input, { limitInputPixels: expected.width * expected.height, failOn: 'error' })
    const meta = await image.metadata()
    if (meta.format !== 'png') throw new ImageError(`decoded as ${meta.format}, not png`)
    if (meta.width !== expected.width || meta.height !== expected.height) {
      throw new ImageError(`frame is ${meta.width}x${meta.height}, expected ${expected.width}x${expected.height}`)
    }
    const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true })
    if (info.channels !== 4) throw new ImageError(`frame has ${info.channels} channels after ensureAlpha`)
    return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
  } catch (err) {
    if (err instanceof ImageError) throw err
    throw new ImageError(`cannot decode PNG: ${(err as Error).message.split('\n')[0]}`, { cause: err })
  }
}

/** sha256 of the decoded RGBA pixels: what results commit to (PNG bytes vary with metadata). */
export function pixelHash(frame: DecodedFrame): Uint8Array {
  return new Uint8Array(createHash('sha256').update(frame.pixels).digest())
}
