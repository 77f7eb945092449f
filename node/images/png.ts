// PNG frames: the decoder every PNG job's frames pass (raster.ts holds the
// guards it shares with JPEG).
import type { DecodedFrame } from './frame.ts'
import { decodeRaster } from './raster.ts'

export { ImageError } from './errors.ts'
export type { DecodedFrame } from './frame.ts'
export { pixelHash } from './pixel-hash.ts'

export function decodePng(input: Uint8Array, expected: { width: number; height: number }): Promise<DecodedFrame> {
  return decodeRaster(input, 'png', expected)
}
