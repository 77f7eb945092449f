// A job's frames at a glance: a contact sheet (a grid of frames, PNG) and an
// animated preview (WebP), with sharp. The demo writes both from its
// downloaded frames; the creator's API builds them from thumbnails of the
// frames it holds, which thumbnailOf makes from a decoded frame of any
// output format (an EXR's linear floats are shown through the sRGB curve).
import { loadSharp } from './sharp.ts'
import { type Frame, isFloatFrame } from './frame.ts'

/** A file path, or encoded image bytes (PNG, JPEG, WebP). */
export type SheetInput = string | Uint8Array

export interface ContactSheetOptions {
  /** Frames per row. */
  across?: number
  /** Pixels between frames. */
  shim?: number
}

export interface PreviewOptions {
  fps?: number
  /** WebP quality, 1-100. */
  quality?: number
}

const asInput = (input: SheetInput) => (typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength))

/** The frames in rows of `across` on a dark background, as PNG bytes. */
export async function contactSheet(frames: SheetInput[], options: ContactSheetOptions = {}): Promise<Buffer> {
  const sharp = await loadSharp()
  return sharp(frames.map(asInput), { join: { across: options.across ?? 6, shim: options.shim ?? 4, background: '#202020' } })
    .png()
    .toBuffer()
}

/** An animated WebP of the frames at `fps`, looping forever. */
export async function animatedPreview(frames: SheetInput[], options: PreviewOptions = {}): Promise<Buffer> {
  const fps = options.fps ?? 12
  const sharp = await loadSharp()
  return sharp(frames.map(asInput), { join: { animated: true } })
    .webp({ quality: options.quality ?? 85, loop: 0, delay: Array(frames.length).fill(Math.round(1000 / fps)) })
    .toBuffer()
}

/** Linear light to the sRGB curve, 0-255, clamped (EXR values run past 1). */
function srgbByte(linear: number): number {
  const v = linear <= 0 ? 0 : linear >= 1 ? 1 : linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055
  return Math.round(v * 255)
}

/** The frame's pixels as 8-bit RGBA for display: PNG and JPEG frames as they are, EXR frames tone-mapped. */
export function displayPixels(frame: Frame): Uint8Array {
  if (!isFloatFrame(frame)) return frame.pixels
  const out = new Uint8Array(frame.pixels.length)
  for (let i = 0; i < out.length; i++) out[i] = (i & 3) === 3 ? Math.round(Math.min(1, Math.max(0, frame.pixels[i]!)) * 255) : srgbByte(frame.pixels[i]!)
  return out
}

/** A PNG of the frame scaled to `width` (never enlarged), its aspect kept. */
export async function thumbnailOf(frame: Frame, width: number): Promise<Buffer> {
  const pixels = displayPixels(frame)
  const sharp = await loadSharp()
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: frame.width, height: frame.height, channels: 4 } })
    .resize({ width: Math.min(width, frame.width), fit: 'inside', withoutEnlargement: true })
    .png()
    .toBuffer()
}
