// Contact sheets, previews and thumbnails of decoded frames: an EXR's linear
// floats are shown through the sRGB curve (clamped), 8-bit frames as they
// are; thumbnails keep the aspect and never enlarge.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { animatedPreview, contactSheet, displayPixels, thumbnailOf } from '../../../../node/images/index.ts'

const rgba8 = (width: number, height: number, px: number[]) => ({ width, height, pixels: Uint8Array.from({ length: width * height * 4 }, (_, i) => px[i % 4]!) })

describe('frame display', () => {
  it('shows 8-bit frames as they are and EXR floats through the sRGB curve, clamped', () => {
    const frame = rgba8(2, 1, [10, 20, 30, 255])
    expect(displayPixels(frame)).toBe(frame.pixels)
    const float = { width: 1, height: 1, pixels: Float32Array.of(0, 0.18, 4, 0.5) }
    expect([...displayPixels(float)]).toEqual([0, 118, 255, 128])
    expect([...displayPixels({ width: 1, height: 1, pixels: Float32Array.of(-1, 1, 0.0031308, 2) })]).toEqual([0, 255, 10, 255])
  })

  it('scales a frame down to the thumbnail width, keeping its aspect, and never up', async () => {
    const big = await sharp(await thumbnailOf(rgba8(320, 180, [200, 100, 50, 255]), 160)).metadata()
    expect(big).toMatchObject({ format: 'png', width: 160, height: 90 })
    const small = await sharp(await thumbnailOf(rgba8(64, 36, [0, 0, 0, 255]), 160)).metadata()
    expect(small).toMatchObject({ width: 64, height: 36 })
  })

  it('joins thumbnails into rows and into an animation', async () => {
    const tiles = await Promise.all([0, 1, 2, 3, 4].map((i) => thumbnailOf(rgba8(40, 20, [i * 50, 0, 0, 255]), 40)))
    expect(await sharp(await contactSheet(tiles, { across: 3, shim: 2 })).metadata()).toMatchObject({ width: 3 * 40 + 2 * 2, height: 2 * 20 + 2 })
    expect(await sharp(await animatedPreview(tiles), { animated: true }).metadata()).toMatchObject({ format: 'webp', pages: 5, loop: 0 })
  })
})
