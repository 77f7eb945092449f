// Comparing a checker's re-render with the worker's pixels. Decoded pixels
// only, never file bytes (PNG metadata differs run to run). Two measures,
// because they fail differently: PSNR (whole-image error) misses a small
// faked region in a large tile, and SSIM on 32x32 blocks catches that but
// is blind to a uniform brightness shift, which PSNR sees.
// Thresholds (DESIGN.md, FIELD-NOTES.md): an honest Cycles re-render on
// another CPU kernel measured 59 dB and SSIM 0.9999; every render-saving
// cheat tried scored <= 26.5 dB, a JPEG copy 35.7 dB. 45 dB sits well clear
// of both sides. The built-in renderer is deterministic: it must match exactly.
// EXR frames are compared in float, through a fixed display encoding
// (displayEncode), and JPEG frames after the checker encodes its render the
// way the worker did; their thresholds come from docs/verification.md.
import type { OutputFormat } from '../../protocol/index.ts'
import type { FloatFrame } from '../images/frame.ts'
import type { CropRegion } from '../renderers/types.ts'

export interface RgbaImage {
  width: number
  height: number
  /** RGBA, 8 bits per channel, row-major. */
  pixels: Uint8Array
}

/** RGBA float32 (an EXR frame's linear values). */
export type FloatImage = FloatFrame

/** RGBA on a 0..255 scale, 8-bit or already display-encoded floats. */
interface Samples {
  width: number
  height: number
  pixels: ArrayLike<number>
}

export interface ImageComparison {
  identical: boolean
  /** dB, the lower of colour (RGB) and alpha; Infinity when identical. */
  psnr: number
  /** Lowest SSIM (on luma) of any 32x32 block; 1 when identical. */
  worstBlockSsim: number
}

export interface Thresholds {
  /** Pixels must be identical (deterministic renderers). */
  exact: boolean
  minPsnrDb: number
  minBlockSsim: number
}

export const DEFAULT_THRESHOLDS = { minPsnrDb: 45, minBlockSsim: 0.98 } as const

/** Per output format; PNG's are DEFAULT_THRESHOLDS. Measured figures: docs/verification.md. */
export const FORMAT_THRESHOLDS: Record<OutputFormat, { minPsnrDb: number; minBlockSsim: number }> = {
  PNG: DEFAULT_THRESHOLDS,
  JPEG: DEFAULT_THRESHOLDS,
  EXR: DEFAULT_THRESHOLDS
}

/** Renderers whose output is bit-for-bit reproducible, so anything but a match is a cheat. */
const EXACT_RENDERERS = new Set(['builtin'])

/** A checker's overrides (its configuration) apply to every format. */
export function thresholdsFor(renderer: string, overrides: Partial<Omit<Thresholds, 'exact'>> = {}, format: OutputFormat = 'PNG'): Thresholds {
  return { exact: EXACT_RENDERERS.has(renderer), ...FORMAT_THRESHOLDS[format], ...overrides }
}

export const SSIM_BLOCK = 32
/** SSIM windows inside a block: 8x8, the classic window size, non-overlapping to stay fast. */
const SSIM_WINDOW = 8
const C1 = (0.01 * 255) ** 2
const C2 = (0.03 * 255) ** 2

const IDENTICAL: ImageComparison = { identical: true, psnr: Number.POSITIVE_INFINITY, worstBlockSsim: 1 }

/** Two 8-bit images, or two float images (EXR) compared in float after displayEncode. */
export function compareImages(a: RgbaImage | FloatImage, b: RgbaImage | FloatImage): ImageComparison {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`cannot compare ${a.width}x${a.height} with ${b.width}x${b.height}`)
  const n = a.width * a.height
  if (a.pixels.length !== n * 4 || b.pixels.length !== n * 4) throw new RangeError('pixel buffers do not match the image size')
  const float = a.pixels instanceof Float32Array
  if (float !== b.pixels instanceof Float32Array) throw new RangeError('cannot compare a float image with an 8-bit one')
  if (Buffer.from(a.pixels.buffer, a.pixels.byteOffset, a.pixels.byteLength).equals(Buffer.from(b.pixels.buffer, b.pixels.byteOffset, b.pixels.byteLength))) return IDENTICAL
  return float ? measure(displayEncode(a as FloatImage), displayEncode(b as FloatImage)) : measure(a, b)
}

/**
 * Linear float values as a display would show them, on a 0..255 scale but
 * not rounded: x / (1 + x) compresses highlights (a fake in a light above
 * 1.0 still counts, a firefly cannot swamp the error of a whole tile), and
 * the sRGB curve weighs shadows as the eye does, as an 8-bit frame's
 * encoding would. Negative values mirror; alpha stays linear.
 */
export function displayEncode(img: FloatImage): Samples {
  const out = new Float64Array(img.pixels.length)
  for (let i = 0; i < out.length; i++) {
    const v = img.pixels[i]!
    if ((i & 3) === 3) {
      out[i] = 255 * v
      continue
    }
    const u = Math.abs(v) / (1 + Math.abs(v))
    const s = u <= 0.0031308 ? 12.92 * u : 1.055 * u ** (1 / 2.4) - 0.055
    out[i] = v < 0 ? -255 * s : 255 * s
  }
  return { width: img.width, height: img.height, pixels: out }
}

function measure(a: Samples, b: Samples): ImageComparison {
  const n = a.width * a.height
  let colour = 0
  let alpha = 0
  for (let i = 0; i < n * 4; i += 4) {
    const dr = a.pixels[i]! - b.pixels[i]!
    const dg = a.pixels[i + 1]! - b.pixels[i + 1]!
    const db = a.pixels[i + 2]! - b.pixels[i + 2]!
    const da = a.pixels[i + 3]! - b.pixels[i + 3]!
    colour += dr * dr + dg * dg + db * db
    alpha += da * da
  }
  // Distinct floats can encode to equal values; not identical, but nothing measurable either.
  if (colour === 0 && alpha === 0) return { identical: false, psnr: Number.POSITIVE_INFINITY, worstBlockSsim: 1 }
  const psnr = Math.min(psnrOf(colour / (n * 3)), psnrOf(alpha / n))
  return { identical: false, psnr, worstBlockSsim: worstBlockSsim(luma(a), luma(b), a.width, a.height) }
}

export function passes(c: ImageComparison, t: Thresholds): boolean {
  if (t.exact) return c.identical
  return c.psnr >= t.minPsnrDb && c.worstBlockSsim >= t.minBlockSsim
}

/** One line for a verdict's reason. */
export function describe(c: ImageComparison): string {
  if (c.identical) return 'identical'
  return `psnr ${c.psnr.toFixed(1)} dB, worst block ssim ${c.worstBlockSsim.toFixed(4)}`
}

/** The region of an image, as its own image (a worker's frame cut to a checker's tile). */
export function cropImage<T extends RgbaImage | FloatImage>(img: T, region: CropRegion): T {
  const { x, y, width, height } = region
  if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > img.width || y + height > img.height) {
    throw new RangeError(`crop ${width}x${height}+${x}+${y} is outside ${img.width}x${img.height}`)
  }
  const out = img.pixels instanceof Float32Array ? new Float32Array(width * height * 4) : new Uint8Array(width * height * 4)
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * img.width + x) * 4
    out.set(img.pixels.subarray(from, from + width * 4), row * width * 4)
  }
  return { width, height, pixels: out } as T
}

function psnrOf(mse: number): number {
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse)
}

/** Rec. 601 luma: SSIM was defined on one channel, and luma is where the eye sees structure. */
function luma(img: Samples): Float64Array {
  const out = new Float64Array(img.width * img.height)
  for (let i = 0, p = 0; i < out.length; i++, p += 4) out[i] = 0.299 * img.pixels[p]! + 0.587 * img.pixels[p + 1]! + 0.114 * img.pixels[p + 2]!
  return out
}

function worstBlockSsim(a: Float64Array, b: Float64Array, width: number, height: number): number {
  let worst = 1
  for (let by = 0; by < height; by += SSIM_BLOCK) {
    for (let bx = 0; bx < width; bx += SSIM_BLOCK) {
      const bw = Math.min(SSIM_BLOCK, width - bx)
      const bh = Math.min(SSIM_BLOCK, height - by)
      let sum = 0
      let windows = 0
      for (let wy = by; wy < by + bh; wy += SSIM_WINDOW) {
        for (let wx = bx; wx < bx + bw; wx += SSIM_WINDOW) {
          sum += windowSsim(a, b, width, wx, wy, Math.min(SSIM_WINDOW, bx + bw - wx), Math.min(SSIM_WINDOW, by + bh - wy))
          windows++
        }
      }
      worst = Math.min(worst, sum / windows)
    }
  }
  return worst
}

function windowSsim(a: Float64Array, b: Float64Array, stride: number, x: number, y: number, w: number, h: number): number {
  const n = w * h
  let sa = 0
  let sb = 0
  for (let r = y; r < y + h; r++) {
    for (let c = x; c < x + w; c++) {
      sa += a[r * stride + c]!
      sb += b[r * stride + c]!
    }
  }
  const ma = sa / n
  const mb = sb / n
  let va = 0
  let vb = 0
  let cov = 0
  for (let r = y; r < y + h; r++) {
    for (let c = x; c < x + w; c++) {
      const da = a[r * stride + c]! - ma
      const db = b[r * stride + c]! - mb
      va += da * da
      vb += db * db
      cov += da * db
    }
  }
  va /= n
  vb /= n
  cov /= n
  return ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2))
}
