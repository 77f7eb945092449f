import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseScene, renderFramePixels, SettingsError } from '../../../../../node/renderers/builtin/index.ts'
import { toByte } from '../../../../../node/renderers/builtin/quantize.ts'
import { PixelRandom } from '../../../../../node/renderers/builtin/random.ts'
import { cut, SMALL, TINY_PATH } from './helpers.ts'

const tiny = parseScene(readFileSync(TINY_PATH))
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0

describe('renderFramePixels', () => {
  const full = renderFramePixels(tiny, 1, SMALL)

  it('returns opaque RGBA of the frame size', () => {
    expect(full).toHaveLength(SMALL.width * SMALL.height * 4)
    for (let i = 3; i < full.length; i += 4) expect(full[i]).toBe(255)
    // Not a blank image: the scene shows several distinct colours.
    expect(new Set(full).size).toBeGreaterThan(50)
  })

  it('gives the same bytes on every run', () => {
    expect(same(renderFramePixels(tiny, 1, SMALL), full)).toBe(true)
    expect(same(renderFramePixels(parseScene(readFileSync(TINY_PATH)), 1, SMALL), full)).toBe(true)
  })

  it('gives the bytes recorded when the tracer last changed on purpose', () => {
    // Guards determinism across machines and Node versions, not just across runs:
    // any change to these bytes is a change to what checkers compute, so update
    // this hash only when the tracer is meant to change (and bump the version).
    const hash = createHash('sha256').update(full).digest('hex')
    expect(hash).toBe(GOLDEN_TINY_FRAME_1)
  })

  it('differs with the seed', () => {
    expect(same(renderFramePixels(tiny, 1, { ...SMALL, seed: 43 }), full)).toBe(false)
  })

  it('accepts seeds beyond 32 bits and tells them apart', () => {
    const a = renderFramePixels(tiny, 1, { ...SMALL, seed: 2 ** 40 + 42 })
    expect(same(a, full)).toBe(false)
    expect(same(renderFramePixels(tiny, 1, { ...SMALL, seed: 2 ** 40 + 42 }), a)).toBe(true)
  })

  it('differs between frames of an animated scene', () => {
    expect(same(renderFramePixels(tiny, 10, SMALL), full)).toBe(false)
  })

  it.each([
    ['the whole frame', 0, 0, 64, 36],
    ['odd offsets', 7, 3, 13, 11],
    ['the bottom-right edge', 59, 33, 5, 3],
    ['the left column', 0, 0, 1, 36],
    ['one pixel', 63, 35, 1, 1]
  ])('renders a crop equal to that region of the frame: %s', (_, x, y, w, h) => {
    const crop = renderFramePixels(tiny, 1, SMALL, { x, y, width: w, height: h })
    expect(same(crop, cut(full, SMALL.width, x, y, w, h))).toBe(true)
  })

  it('renders any crop equal to that region of the frame', () => {
    const settings = { width: 24, height: 17, samples: 2, seed: 9 }
    const frame = renderFramePixels(tiny, 4, settings)
    const crops = fc
      .record({ x: fc.nat(23), y: fc.nat(16) })
      .chain(({ x, y }) => fc.record({ x: fc.constant(x), y: fc.constant(y), width: fc.integer({ min: 1, max: 24 - x }), height: fc.integer({ min: 1, max: 17 - y }) }))
    fc.assert(
      fc.property(crops, (c) => same(renderFramePixels(tiny, 4, settings, c), cut(frame, 24, c.x, c.y, c.width, c.height))),
      { numRuns: 25 }
    )
  })

  it.each([
    ['a zero width', { ...SMALL, width: 0 }, undefined, 'render settings: width must be an integer between 1 and 16384'],
    ['fractional samples', { ...SMALL, samples: 1.5 }, undefined, 'render settings: samples must be an integer between 1 and 65536'],
    ['an unsafe seed', { ...SMALL, seed: 2 ** 60 }, undefined, 'render settings: seed must be a safe integer'],
    ['another engine', { ...SMALL, engine: 'CYCLES' }, undefined, 'render settings: engine "CYCLES" is not supported (only "PATH")'],
    ['a crop past the edge', SMALL, { x: 60, y: 0, width: 5, height: 1 }, 'render settings: crop.width must be an integer between 1 and 4']
  ])('rejects %s', (_, settings, crop, message) => {
    expect(() => renderFramePixels(tiny, 1, settings, crop)).toThrow(SettingsError)
    expect(() => renderFramePixels(tiny, 1, settings, crop)).toThrow(message)
  })
})

describe('quantisation', () => {
  it('maps linear values to gamma-2.2 bytes, monotonically', () => {
    expect(toByte(0)).toBe(0)
    expect(toByte(Number.NaN)).toBe(0)
    expect(toByte(-1)).toBe(0)
    expect(toByte(1)).toBe(255)
    expect(toByte(7)).toBe(255)
    let previous = 0
    for (let i = 0; i <= 1000; i++) {
      const v = i / 1000
      const byte = toByte(v)
      expect(byte).toBeGreaterThanOrEqual(previous)
      expect(Math.abs(byte - 255 * v ** (1 / 2.2))).toBeLessThanOrEqual(0.5 + 1e-9)
      previous = byte
    }
  })
})

describe('PixelRandom', () => {
  it('depends on seed, frame, x and y alone', () => {
    const draw = (seed: number, frame: number, x: number, y: number) => {
      const rng = new PixelRandom()
      rng.reset(seed, frame, x, y)
      return [rng.next(), rng.next(), rng.next()]
    }
    expect(draw(1, 2, 3, 4)).toEqual(draw(1, 2, 3, 4))
    for (const other of [draw(2, 2, 3, 4), draw(1, 3, 3, 4), draw(1, 2, 4, 4), draw(1, 2, 3, 5), draw(1, 2, 4, 3)]) {
      expect(other).not.toEqual(draw(1, 2, 3, 4))
    }
    for (const v of draw(5, 6, 7, 8)) expect(v >= 0 && v < 1).toBe(true)
  })
})

const GOLDEN_TINY_FRAME_1 = 'f5086856e49d59d389b35ff93c69f46e2e94c5efb00f1f3985ac46e49503e986'
