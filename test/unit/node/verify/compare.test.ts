import { describe, expect, it } from 'vitest'
import { compareImages, cropImage, DEFAULT_THRESHOLDS, displayEncode, type FloatImage, passes, type RgbaImage, thresholdsFor } from '../../../../node/verify/compare.ts'
import { seededRandom } from '../../../../testnet/seeded-random.ts'

/** A smooth, textured test image: gradients plus a deterministic pattern, opaque. */
function scene(width: number, height: number, shift = 0): RgbaImage {
  const pixels = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      const xs = x + shift
      pixels[i] = (xs * 3 + y) & 255
      pixels[i + 1] = Math.round(128 + 100 * Math.sin(xs / 7) * Math.cos(y / 5))
      pixels[i + 2] = ((xs ^ y) * 5) & 255
      pixels[i + 3] = 255
    }
  }
  return { width, height, pixels }
}

function map(img: RgbaImage, fn: (v: number, i: number) => number): RgbaImage {
  return { ...img, pixels: img.pixels.map((v, i) => (i % 4 === 3 ? v : Math.max(0, Math.min(255, fn(v, i))))) }
}

const honest = scene(256, 144)

/** `base(v) + uniform[0, spread)` per channel, from one seeded stream. */
function noisy(seed: number, base: (v: number) => number, spread: number): RgbaImage {
  const random = seededRandom(seed)
  return map(honest, (v) => base(v) + Math.floor(random() * spread))
}

const blender = thresholdsFor('blender')
const builtin = thresholdsFor('builtin')

describe('compareImages', () => {
  it('calls identical pixels identical', () => {
    const c = compareImages(honest, scene(256, 144))
    expect(c).toEqual({ identical: true, psnr: Number.POSITIVE_INFINITY, worstBlockSsim: 1 })
    expect(passes(c, builtin)).toBe(true)
    expect(passes(c, blender)).toBe(true)
  })

  it('passes an honest re-render on another CPU kernel (last-bit noise) for Blender, not for builtin', () => {
    const random = seededRandom(1)
    const kernel = map(honest, (v) => (random() < 0.2 ? v + (random() < 0.5 ? 1 : -1) : v))
    const c = compareImages(honest, kernel)
    expect(c.psnr).toBeGreaterThan(55)
    expect(c.worstBlockSsim).toBeGreaterThan(0.99)
    expect(passes(c, blender)).toBe(true)
    expect(passes(c, builtin)).toBe(false)
  })

  it.each([
    ['black frame', map(honest, () => 0)],
    ['random noise', noisy(2, () => 0, 256)],
    ['one-pixel shift', scene(256, 144, 1)],
    ['strong render noise (fewer samples)', noisy(3, (v) => v - 20, 40)],
    ['JPEG-grade error', map(honest, (v, i) => v + ((i * 7919) % 9) - 4)]
  ])('fails a cheat: %s', (_name, cheat) => {
    const c = compareImages(honest, cheat)
    expect(passes(c, blender)).toBe(false)
    expect(passes(c, builtin)).toBe(false)
  })

  it('catches a faked 32x32 block that PSNR alone would let through', () => {
    const patched = { ...honest, pixels: Uint8Array.from(honest.pixels) }
    for (let y = 64; y < 96; y++) for (let x = 64; x < 96; x++) patched.pixels.fill(128, (y * 256 + x) * 4, (y * 256 + x) * 4 + 3)
    const c = compareImages(honest, patched)
    expect(c.worstBlockSsim).toBeLessThan(0.98)
    expect(passes(c, blender)).toBe(false)
  })

  it('catches a uniform brightness shift that SSIM alone is lenient on', () => {
    const c = compareImages(honest, map(honest, (v) => v + 8))
    expect(c.psnr).toBeLessThan(45)
    expect(passes(c, blender)).toBe(false)
  })

  it('counts alpha: a changed alpha channel is a difference', () => {
    const c = compareImages(honest, { ...honest, pixels: honest.pixels.map((v, i) => (i % 4 === 3 ? 0 : v)) })
    expect(c.identical).toBe(false)
    expect(c.psnr).toBe(0)
  })

  it('handles tiles smaller than a block and refuses mismatched sizes', () => {
    const tile = cropImage(honest, { x: 16, y: 9, width: 16, height: 9 })
    expect(compareImages(tile, cropImage(honest, { x: 16, y: 9, width: 16, height: 9 })).identical).toBe(true)
    expect(compareImages(tile, map(tile, (v) => 255 - v)).worstBlockSsim).toBeLessThan(0.5)
    expect(() => compareImages(tile, honest)).toThrow(RangeError)
  })
})

describe('cropImage', () => {
  it('cuts exactly the region', () => {
    const c = cropImage(honest, { x: 10, y: 20, width: 3, height: 2 })
    expect(Array.from(c.pixels.subarray(4, 8))).toEqual(Array.from(honest.pixels.subarray((20 * 256 + 11) * 4, (20 * 256 + 12) * 4)))
    expect(Array.from(c.pixels.subarray(12, 16))).toEqual(Array.from(honest.pixels.subarray((21 * 256 + 10) * 4, (21 * 256 + 11) * 4)))
    expect(() => cropImage(honest, { x: 250, y: 0, width: 10, height: 1 })).toThrow(RangeError)
  })
})

/** The test scene as an EXR frame holds it: linear light, every 37th value a highlight far above 1. */
function linear(img: RgbaImage = honest): FloatImage {
  return { width: img.width, height: img.height, pixels: Float32Array.from(img.pixels, (v, i) => (i % 4 === 3 ? 1 : (v / 255) ** 2.2 * (i % 37 === 0 ? 30 : 1))) }
}

function mapFloat(img: FloatImage, fn: (v: number, i: number) => number): FloatImage {
  return { ...img, pixels: img.pixels.map((v, i) => (i % 4 === 3 ? v : fn(v, i))) }
}

const exr = thresholdsFor('blender', {}, 'EXR')

describe('compareImages on float (EXR) frames', () => {
  const truth = linear()

  it('calls equal floats identical, and passes float rounding noise (another CPU kernel, measured 92 dB)', () => {
    expect(compareImages(truth, linear())).toEqual({ identical: true, psnr: Number.POSITIVE_INFINITY, worstBlockSsim: 1 })
    const random = seededRandom(4)
    const kernel = mapFloat(truth, (v) => v * (1 + (random() - 0.5) * 2e-4))
    const c = compareImages(truth, kernel)
    expect(c.identical).toBe(false)
    expect(c.psnr).toBeGreaterThan(70)
    expect(passes(c, exr)).toBe(true)
  })

  it.each([
    ['black frame', () => mapFloat(truth, () => 0)],
    ['fewer samples (noise of +-40% per value)', () => {
      const random = seededRandom(5)
      return mapFloat(truth, (v) => v * (0.6 + 0.8 * random()))
    }],
    ['half resolution, upscaled', () => mapFloat(truth, (_v, i) => {
      const p = i >> 2
      const x = p % 256
      const y = Math.floor(p / 256)
      return truth.pixels[((y & ~1) * 256 + (x & ~1)) * 4 + (i & 3)]!
    })],
    ['a one-pixel shift', () => linear(scene(256, 144, 1))],
    ['a brightness shift in the shadows', () => mapFloat(truth, (v) => (v < 0.05 ? v + 0.01 : v))]
  ])('fails a cheat: %s', (_name, cheat) => {
    const c = compareImages(truth, cheat())
    expect(passes(c, exr), `${c.psnr} dB, ssim ${c.worstBlockSsim}`).toBe(false)
  })

  it('weighs a frame as a display would: highlights compressed, not clipped; shadows like an 8-bit frame', () => {
    const px = (...values: number[]) => displayEncode({ width: 1, height: 1, pixels: Float32Array.from(values) }).pixels
    expect(Array.from(px(0, 1, 1e6, 0.5)).map(Math.round)).toEqual([0, 188, 255, 128])
    // A light at 10 and at 20 still differ (clipping would make them equal); negative values mirror.
    expect(px(20, 0, 0, 1)[0]! - px(10, 0, 0, 1)[0]!).toBeGreaterThan(2)
    expect(px(-0.5, 0, 0, 1)[0]).toBe(-px(0.5, 0, 0, 1)[0]!)
  })

  it('refuses to compare a float frame with an 8-bit one', () => {
    expect(() => compareImages(truth, honest)).toThrow(/float image with an 8-bit one/)
  })

  it('crops float frames as floats', () => {
    const tile = cropImage(truth, { x: 10, y: 20, width: 3, height: 2 })
    expect(tile.pixels).toBeInstanceOf(Float32Array)
    expect(tile.pixels[4]).toBe(truth.pixels[(20 * 256 + 11) * 4])
  })
})

describe('thresholdsFor', () => {
  it('gives each format its measured thresholds; a checker\'s overrides apply to every format', () => {
    for (const format of ['PNG', 'JPEG', 'EXR'] as const) {
      expect(thresholdsFor('blender', {}, format)).toEqual({ exact: false, ...DEFAULT_THRESHOLDS })
      expect(thresholdsFor('blender', { minPsnrDb: 50 }, format).minPsnrDb).toBe(50)
    }
    expect(thresholdsFor('builtin').exact).toBe(true)
  })
})
