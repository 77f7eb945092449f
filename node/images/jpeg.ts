// JPEG frames. Blender renders losslessly and the node encodes the JPEG
// itself, once, with fixed settings: quality 90, no chroma subsampling
// (4:4:4), baseline, alpha flattened onto black (JPEG has none). With 4:4:4
// every 8x8 block is encoded and decoded on its own, so a checker that
// renders a tile widened to the 8-pixel grid and encodes it the same way
// gets the worker's decoded pixels exactly when the renders agree
// (jpegBlockRegion): the comparison sees rendering differences, not the
// codec's.
import type { DecodedFrame } from './frame.ts'
import { decodeRaster } from './raster.ts'
import { loadSharp } from './sharp.ts'

export const JPEG_QUALITY = 90
/** The block grid of a 4:4:4 baseline JPEG. */
export const JPEG_BLOCK = 8

export function decodeJpeg(input: Uint8Array, expected: { width: number; height: number }): Promise<DecodedFrame> {
  return decodeRaster(input, 'jpeg', expected)
}

export async function encodeJpeg(frame: DecodedFrame): Promise<Uint8Array> {
  const sharp = await loadSharp()
  const out = await sharp(frame.pixels, { raw: { width: frame.width, height: frame.height, channels: 4 } })
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .jpeg({ quality: JPEG_QUALITY, chromaSubsampling: '4:4:4', progressive: false, mozjpeg: false, optimiseCoding: true })
    .toBuffer()
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** `region` widened outwards to whole JPEG blocks of a width x height frame (clipped to the frame). */
export function jpegBlockRegion<R extends { x: number; y: number; width: number; height: number }>(region: R, frame: { width: number; height: number }): R {
  const x = Math.floor(region.x / JPEG_BLOCK) * JPEG_BLOCK
  const y = Math.floor(region.y / JPEG_BLOCK) * JPEG_BLOCK
  const right = Math.min(frame.width, Math.ceil((region.x + region.width) / JPEG_BLOCK) * JPEG_BLOCK)
  const bottom = Math.min(frame.height, Math.ceil((region.y + region.height) / JPEG_BLOCK) * JPEG_BLOCK)
  return { ...region, x, y, width: right - x, height: bottom - y }
}
