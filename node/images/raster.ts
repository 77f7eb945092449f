// Decoding untrusted PNG and JPEG frames with sharp (libvips). Only real
// files of the asked format get to libvips (signature checked first, so an
// SVG or a TIFF named .png never reaches its loader, and the loader that
// ran is checked again), the pixel limit is the exact expected size (no
// decompression bombs), and truncated files fail instead of decoding
// partially (failOn 'error'). Simple PNGs skip sharp (png-simple.ts).
import { ImageError } from './errors.ts'
import type { DecodedFrame } from './frame.ts'
import { decodeSimplePng } from './png-simple.ts'
import { loadSharp } from './sharp.ts'

const SIGNATURES = {
  png: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  jpeg: Uint8Array.of(0xff, 0xd8, 0xff)
} as const

export type RasterFormat = keyof typeof SIGNATURES

export async function decodeRaster(input: Uint8Array, format: RasterFormat, expected: { width: number; height: number }): Promise<DecodedFrame> {
  const signature = SIGNATURES[format]
  if (input.length < signature.length || !Buffer.from(signature).equals(Buffer.from(input.subarray(0, signature.length)))) throw new ImageError(`not a ${format.toUpperCase()} file`)
  if (format === 'png') {
    const simple = decodeSimplePng(input, expected)
    if (simple !== undefined) return simple
  }
  const sharp = await loadSharp()
  try {
    const image = sharp(input, { limitInputPixels: expected.width * expected.height, failOn: 'error' })
    const meta = await image.metadata()
    if (meta.format !== format) throw new ImageError(`decoded as ${meta.format}, not ${format}`)
    if (meta.width !== expected.width || meta.height !== expected.height) {
      throw new ImageError(`frame is ${meta.width}x${meta.height}, expected ${expected.width}x${expected.height}`)
    }
    const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true })
    if (info.channels !== 4) throw new ImageError(`frame has ${info.channels} channels after ensureAlpha`)
    return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
  } catch (err) {
    if (err instanceof ImageError) throw err
    throw new ImageError(`cannot decode ${format.toUpperCase()}: ${(err as Error).message.split('\n')[0]}`, { cause: err })
  }
}
