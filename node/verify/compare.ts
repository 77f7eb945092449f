// Comparing a checker's re-render with the worker's pixels. Decoded pixels
// only, never file bytes (PNG metadata differs run to run). Two measures,
// because they fail differently: PSNR (whole-image error) misses a small
// faked region in a large tile, and SSIM on 32x32 blocks catches that but
// is blind to a uniform brightness shift, which PSNR sees.
// Thresholds (DESIGN.md, FIELD-NOTES.md): an honest Cycles re-render on
// another CPU kernel measured 59 dB and SSIM 0.9999; every render-saving
// cheat tried scored <= 26.5 dB, a JPEG copy 35.7 dB. 45 dB sits well clear
// of both sides. The built-in renderer is deterministic: it must match exactly.
import type { CropRegion } from '../renderers/types.ts'

export interface RgbaImage {
  width: number
  height: number
  /** RGBA, 8 bits per channel, row-major. */
  pixels: Uint8Array
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

/** Renderers whose output is bit-for-bit reproducible, so anything but a match is a cheat. */
const EXACT_RENDERERS = new Set(['builtin'])

export function thresholdsFor(renderer: string, overrides: Partial<Omit<Thresholds, 'exact'>> = {}): Thresholds {
  return { exact: EXACT_RENDERERS.has(renderer), ...DEFAULT_THRESHOLDS, ...overrides }
}

export const SSIM_BLOCK = 32
/** SSIM windows inside a block: 8x8, the classic window size, non-overlapping to stay fast. */
const SSIM_WINDOW = 8
const C1 = (0.01 * 255) ** 2
const C2 = (0.03 * 255) ** 2

export function compareImages(a: RgbaImage, b: RgbaImage): ImageComparison {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`cannot compare ${a.width}x${a.height} with ${b.width}x${b.height}`)
  const n = a.width * a.height
  if (a.pixels.length !== n * 4 || b.pixels.length !== n * 4) throw new RangeError('pixel buffers do not match the image size')
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
  if (colour === 0 && alpha === 0) return { identical: true, psnr: Number.POSITIVE_INFINITY, worstBlockSsim: 1 }
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
export function cropImage(img: RgbaImage, region: CropRegion): RgbaImage {
  const { x, y, width, height } = region
  if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > img.width || y + height > img.height) {
    throw new RangeError(`crop ${width}x${height}+${x}+${y} is outside ${img.width}x${img.height}`)
  }
  const out = new Uint8Array(width * height * 4)
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * img.width + x) * 4
    out.set(img.pixels.subarray(from, from + width * 4), row * width * 4)
  }
  return { width, height, pixels: out }
}

function psnrOf(mse: number): number {
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse)
}

/** Rec. 601 luma: SSIM was defined on one channel, and luma is where the eye sees structure. */
function luma(img: RgbaImage): Float64Array {
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
