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

const HEADROOM = 1024 * 1024

/**
 * The largest file a width x height frame can honestly be, plus 1 MiB of
 * headroom for headers. PNG: 16-bit RGBA stored uncompressed, a filter byte
 * per row. JPEG: libjpeg-turbo's own worst case at 4:4:4 (tj3JPEGBufSize),
 * 6 bytes per pixel of the size padded to 8x8 blocks. EXR: FLOAT RGBA
 * uncompressed (a block is stored raw when compression does not help) and
 * 16 bytes per scanline for the offset table and block headers.
 */
export function maxFrameBytes(format: OutputFormat, width: number, height: number): number {
  switch (format) {
    case 'PNG':
      return width * height * 8 + height + HEADROOM
    case 'JPEG':
      return Math.ceil(width / 8) * 8 * Math.ceil(height / 8) * 8 * 6 + HEADROOM
    case 'EXR':
      return width * height * 16 + height * 16 + HEADROOM
  }
}
