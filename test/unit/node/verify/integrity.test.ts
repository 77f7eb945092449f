import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrame, encodeExr, encodeJpeg } from '../../../../node/images/index.ts'
import { decodePng, pixelHash } from '../../../../node/images/png.ts'
import { checkRevealedFrame, duplicateGroups, inspectFrame, inspectFrameFile, isFlat, maxPngBytes } from '../../../../node/verify/integrity.ts'
import { merkleProof, merkleRoot } from '../../../../protocol/index.ts'

const size = { width: 64, height: 36 }
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest())

async function png(width: number, height: number, fill?: number): Promise<Uint8Array> {
  const px = new Uint8Array(width * height * 4)
  for (let i = 0; i < px.length; i++) px[i] = fill ?? (i * 37 + (i >> 7)) & 255
  return new Uint8Array(await sharp(px, { raw: { width, height, channels: 4 } }).png().toBuffer())
}

/** The honest commitment entry for these bytes. */
async function committed(bytes: Uint8Array, frame = 1) {
  return { frame, blobId: sha(bytes), pixelHash: pixelHash(await decodePng(bytes, size)) }
}

/** A PNG whose header claims another size (a bomb declares a huge one), CRC fixed so the chunk parses. */
function withClaimedSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(bytes)
  const view = new DataView(out.buffer)
  view.setUint32(16, width)
  view.setUint32(20, height)
  view.setUint32(29, crc32(out.subarray(12, 29)))
  return out
}

let good: Uint8Array
let dir: string
beforeAll(async () => {
  good = await png(64, 36)
  dir = await mkdtemp(join(tmpdir(), 'pictor-integrity-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('inspectFrame', () => {
  it('accepts an honest frame', async () => {
    const result = await inspectFrame(good, await committed(good), size)
    expect(result).toMatchObject({ ok: true, flat: false })
  })

  it('flags a blank frame as flat', async () => {
    const black = await png(64, 36, 0)
    expect(await inspectFrame(black, await committed(black), size)).toMatchObject({ ok: true, flat: true })
  })

  it('refuses pixels that are not what was committed, and bytes that are not the committed blob', async () => {
    const entry = await committed(good)
    const other = await png(64, 36, 9)
    expect(await inspectFrame(other, { ...entry, blobId: sha(other) }, size)).toMatchObject({ ok: false, reason: expect.stringMatching(/pixel hash/) })
    expect(await inspectFrame(other, entry, size)).toMatchObject({ ok: false, reason: expect.stringMatching(/blob id/) })
  })

  const hostile: [string, () => Promise<Uint8Array>, RegExp][] = [
    ['a frame of the wrong size', () => png(32, 18), /32x18, expected 64x36/],
    ['a decompression bomb (a real 2000x2000 PNG)', () => png(2000, 2000, 0), /2000x2000|pixel limit/],
    ['a header claiming 16000x16000', async () => withClaimedSize(await png(64, 36), 16000, 16000), /16000x16000|pixel limit|cannot decode/],
    ['a truncated PNG', async () => (await png(64, 36)).subarray(0, 200), /cannot decode/],
    ['an SVG named .png', async () => new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="36"><rect width="64" height="36"/></svg>'), /not a PNG/],
    ['random bytes', async () => sha(new Uint8Array(3)), /not a PNG/],
    ['a PNG signature followed by garbage', async () => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...sha(new Uint8Array(1))]), /cannot decode/],
    ['an empty file', async () => new Uint8Array(0), /not a PNG/]
  ]

  it.each(hostile)('rejects %s with a reason, never a crash', async (_name, make, reason) => {
    const bytes = await make()
    const started = performance.now()
    const result = await inspectFrame(bytes, { frame: 7, blobId: sha(bytes), pixelHash: new Uint8Array(32) }, size)
    expect(result).toMatchObject({ frame: 7, ok: false, reason: expect.stringMatching(reason) })
    // Refused from the header, not after decoding megapixels.
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('refuses a file larger than any PNG of the frame size before reading it', async () => {
    const path = join(dir, 'huge.png')
    await writeFile(path, new Uint8Array(maxPngBytes(64, 36) + 1))
    expect(await inspectFrameFile(path, { frame: 3, blobId: new Uint8Array(32), pixelHash: new Uint8Array(32) }, size)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than any 64x36 PNG/) })
    expect(await inspectFrameFile(join(dir, 'missing.png'), { frame: 3, blobId: new Uint8Array(32), pixelHash: new Uint8Array(32) }, size)).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot read/) })
  })
})

describe('isFlat and duplicateGroups', () => {
  it('tells a flat frame from one differing in a single channel of a single pixel', () => {
    const px = new Uint8Array(64 * 36 * 4).fill(200)
    expect(isFlat({ ...size, pixels: px })).toBe(true)
    px[px.length - 2] = 201
    expect(isFlat({ ...size, pixels: px })).toBe(false)
    // An unaligned view takes the byte-wise path.
    const shifted = new Uint8Array(px.length + 1).fill(200).subarray(1)
    expect(isFlat({ ...size, pixels: shifted })).toBe(true)
  })

  it('groups frames that share pixels', () => {
    const h = (b: number) => new Uint8Array(32).fill(b)
    expect(duplicateGroups([{ frame: 3, pixelHash: h(1) }, { frame: 1, pixelHash: h(1) }, { frame: 2, pixelHash: h(2) }, { frame: 4, pixelHash: h(2) }, { frame: 5, pixelHash: h(3) }])).toEqual([
      [1, 3],
      [2, 4]
    ])
  })
})

describe('checkRevealedFrame', () => {
  it('accepts a frame under its committed root and refuses proofs for other commitments', async () => {
    const frames = [await png(64, 36), await png(64, 36, 1), await png(64, 36, 2)]
    const leaves = await Promise.all(frames.map((b, i) => committed(b, 10 + i)))
    const root = merkleRoot(leaves)
    const proof = merkleProof(leaves, 1)
    expect(await checkRevealedFrame(root, { bytes: frames[1]!, frame: 11, proof }, size)).toEqual({ ok: true })
    // The same frame presented as another frame number, or against another job's root.
    expect(await checkRevealedFrame(root, { bytes: frames[1]!, frame: 12, proof }, size)).toMatchObject({ ok: false })
    expect(await checkRevealedFrame(merkleRoot(leaves.slice(0, 2)), { bytes: frames[1]!, frame: 11, proof }, size)).toMatchObject({ ok: false })
    expect(await checkRevealedFrame(root, { bytes: frames[2]!, frame: 11, proof }, size)).toMatchObject({ ok: false, reason: expect.stringMatching(/commitment/) })
    expect(await checkRevealedFrame(root, { bytes: frames[1]!.subarray(0, 100), frame: 11, proof }, size)).toMatchObject({ ok: false })
  })
})

describe('frames in the job\'s format (JPEG, EXR)', () => {
  const rgba = new Uint8Array(64 * 36 * 4).map((_, i) => (i * 37 + (i >> 7)) & 255)
  const floats = (fill?: number) => ({ ...size, pixels: Float32Array.from(rgba, (v, i) => (i % 4 === 3 ? 1 : (fill ?? v / 64))) })
  const entry = async (bytes: Uint8Array, format: 'JPEG' | 'EXR', frame = 1) => ({ frame, blobId: sha(bytes), pixelHash: pixelHash(await decodeFrame(bytes, format, size)) })
  const exrJob = { ...size, outputFormat: 'EXR' }
  const jpegJob = { ...size, outputFormat: 'JPEG' }

  it('accepts honest EXR and JPEG frames, hashing EXR pixels as floats', async () => {
    const exr = encodeExr(floats())
    const result = await inspectFrame(exr, await entry(exr, 'EXR'), exrJob)
    expect(result).toMatchObject({ ok: true, flat: false })
    expect(result.ok && result.decoded.pixels).toBeInstanceOf(Float32Array)
    const jpeg = await encodeJpeg({ ...size, pixels: rgba })
    expect(await inspectFrame(jpeg, await entry(jpeg, 'JPEG'), jpegJob)).toMatchObject({ ok: true, flat: false })
    // An announcement's '' is PNG.
    expect(await inspectFrame(good, await committed(good), { ...size, outputFormat: '' })).toMatchObject({ ok: true })
  })

  it('flags a blank EXR frame as flat', async () => {
    const blank = encodeExr(floats(0.25))
    expect(await inspectFrame(blank, await entry(blank, 'EXR'), exrJob)).toMatchObject({ ok: true, flat: true })
  })

  it('refuses a frame in another format than the job\'s, and EXR pixels that are not the committed ones', async () => {
    expect(await inspectFrame(good, await committed(good), exrJob)).toMatchObject({ ok: false, reason: expect.stringMatching(/not an OpenEXR file/) })
    expect(await inspectFrame(good, await committed(good), jpegJob)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a JPEG file/) })
    const exr = encodeExr(floats())
    const other = encodeExr(floats(0.5))
    expect(await inspectFrame(other, { ...(await entry(exr, 'EXR')), blobId: sha(other) }, exrJob)).toMatchObject({ ok: false, reason: expect.stringMatching(/pixel hash/) })
    expect(await inspectFrame(good, await committed(good), { ...size, outputFormat: 'TIFF' })).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown output format/) })
  })

  it('refuses an EXR file larger than any honest one unread, by the EXR bound', async () => {
    const path = join(dir, 'huge.exr')
    await writeFile(path, new Uint8Array(64 * 36 * 16 + 36 * 16 + 1024 * 1024 + 1))
    expect(await inspectFrameFile(path, { frame: 4, blobId: new Uint8Array(32), pixelHash: new Uint8Array(32) }, exrJob)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than any 64x36 EXR/) })
  })

  it('checks a revealed EXR frame against its commitment', async () => {
    const frames = [encodeExr(floats()), encodeExr(floats(0.5))]
    const leaves = await Promise.all(frames.map((b, i) => entry(b, 'EXR', 10 + i)))
    const root = merkleRoot(leaves)
    expect(await checkRevealedFrame(root, { bytes: frames[1]!, frame: 11, proof: merkleProof(leaves, 1) }, exrJob)).toEqual({ ok: true })
    expect(await checkRevealedFrame(root, { bytes: frames[1]!, frame: 11, proof: merkleProof(leaves, 1) }, size)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a PNG/) })
  })
})
