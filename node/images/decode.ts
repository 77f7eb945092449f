// One entry for decoding a frame of any output format: the file-size cap
// first, then the format's hardened decoder at the job's exact size.
import type { OutputFormat } from '../../protocol/index.ts'
import { ImageError } from './errors.ts'
import { decodeExr } from './exr-read.ts'
import type { Frame } from './frame.ts'
import { maxFrameBytes } from './frame-format.ts'
import { decodeJpeg } from './jpeg.ts'
import { decodePng } from './png.ts'

export async function decodeFrame(bytes: Uint8Array, format: OutputFormat, expected: { width: number; height: number }): Promise<Frame> {
  const limit = maxFrameBytes(format, expected.width, expected.height)
  if (bytes.byteLength > limit) throw new ImageError(`${bytes.byteLength} bytes, more than any ${expected.width}x${expected.height} ${format} (${limit})`)
  switch (format) {
    case 'PNG':
      return decodePng(bytes, expected)
    case 'JPEG':
      return decodeJpeg(bytes, expected)
    case 'EXR':
      return decodeExr(bytes, expected)
  }
}
