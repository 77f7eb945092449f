// What each output format means for a frame file: its extension and HTTP
// content type, and the largest file an honest frame of a given size can
// be, so a hostile one is refused before a byte of it is read.
import { OUTPUT_FORMATS, type OutputFormat } from '../../protocol/index.ts'
import { ImageError } from './errors.ts'

export const FRAME_FORMATS: Record<OutputFormat, { extension: string; contentType: string }> = {
  PNG: { extension: 'png', contentType: 'image/png' },
  JPEG: { extension: 'jpg', contentType: 'image/jpeg' },
  EXR: { extension: 'exr', contentType: 'image/x-exr' }
}

/** A job's (or announcement's) format; announcements carry '' for PNG (SPEC R50). */
export function formatOf(job: { outputFormat?: string }): OutputFormat {
  const value = job.outputFormat === undefined || job.outputFormat === '' ? 'PNG' : job.outputFormat
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) throw new ImageError(`unknown output format ${JSON.stringify(value)}`)
  return value as OutputFormat
}

/** Headers, ancillary chunks and attributes an honest encoder may add, beyond the pixel data. */
const HEADROOM = 1024 * 1024
/**
 * PNG framing over the raw rows: deflate stored blocks (5 bytes per 64 KiB)
 * and IDAT chunks (12 bytes each; encoders write 8 KiB or more per chunk,
 * 0.15%). 1/64 of the raw size (1.6%) covers both with room to spare.
 */
const PNG_FRAMING_DIVISOR = 64

/**
 * The largest file a width x height frame can honestly be, so a hostile one
 * is refused (and not fetched) past it. PNG: the RGBA8 rows every frame is
 * encoded with (node/renderers: sharp, 8-bit RGBA), a filter byte per row,
 * stored uncompressed, plus PNG_FRAMING_DIVISOR for framing. JPEG:
 * libjpeg-turbo's own worst case at 4:4:4 (tj3JPEGBufSize), 6 bytes per
 * pixel of the size padded to 8x8 blocks. EXR: FLOAT RGBA uncompressed (a
 * block is stored raw when compression does not help) and 16 bytes per
 * scanline for the offset table and block headers. Each plus HEADROOM.
 */
export function maxFrameBytes(format: OutputFormat, width: number, height: number): number {
  switch (format) {
    case 'PNG': {
      const rows = (width * 4 + 1) * height
      return rows + Math.ceil(rows / PNG_FRAMING_DIVISOR) + HEADROOM
    }
    case 'JPEG':
      return Math.ceil(width / 8) * 8 * Math.ceil(height / 8) * 8 * 6 + HEADROOM
    case 'EXR':
      return width * height * 16 + height * 16 + HEADROOM
  }
}

/** maxFrameBytes of a job's frames (a JobSpec, or an announcement where '' means PNG); throws ImageError for an unknown format. */
export function maxFrameBytesOf(job: { width: number; height: number; outputFormat?: string }): number {
  return maxFrameBytes(formatOf(job), job.width, job.height)
}
