// The benches' synthetic renderer (scripts/bench/lib/synthetic-renderer.ts):
// valid PNGs of the asked size, distinct per frame, written where the
// renderer seam says, and its own CPU metered.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SyntheticFrames, syntheticPng, syntheticRenderer } from '../../../../scripts/bench/lib/synthetic-renderer.ts'
import { frameFileName } from '../../../../node/renderers/types.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-synthetic-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('syntheticPng', () => {
  it('decodes to RGBA of the exact size, seed and frame in its first pixels', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(), fc.integer({ min: 1, max: 100_000 }), async (width, height, seed, frame) => {
        const { data, info } = await sharp(syntheticPng(width, height, seed, frame)).raw().toBuffer({ resolveWithObject: true })
        expect([info.width, info.height, info.channels]).toEqual([width, height, 4])
        const expected = Buffer.alloc(8)
        expected.writeUInt32BE(seed >>> 0, 0)
        expected.writeUInt32BE(frame, 4)
        const n = Math.min(8, width * height * 4)
        expect(data.subarray(0, n)).toEqual(expected.subarray(0, n))
      }),
      { numRuns: 40 }
    )
  })

  it('differs between frames', () => {
    expect(syntheticPng(16, 16, 1, 1).equals(syntheticPng(16, 16, 1, 2))).toBe(false)
  })
})

describe('syntheticRenderer', () => {
  it('writes each frame under its file name, records a span and meters its CPU', async () => {
    const frames = new SyntheticFrames()
    frames.prime(16, 16, 9, [3, 4])
    const renderer = syntheticRenderer({ frameMs: 1, frames })
    const out = await renderer.renderFrames({ scenePath: 'unused', frames: [3, 4], settings: { width: 16, height: 16, samples: 1, seed: 9 }, outDir: dir })
    expect(out).toEqual([
      { frame: 3, path: join(dir, frameFileName(3)) },
      { frame: 4, path: join(dir, frameFileName(4)) }
    ])
    expect((await readdir(dir)).sort()).toEqual([frameFileName(3), frameFileName(4)])
    expect(await readFile(join(dir, frameFileName(4)))).toEqual(syntheticPng(16, 16, 9, 4))
    expect(renderer.spans).toHaveLength(1)
    expect(renderer.spans[0]?.frames).toBe(2)
    expect(frames.cpuMs).toBeGreaterThan(0)
  })

  it('stops at an aborted signal', async () => {
    const renderer = syntheticRenderer({ frameMs: 1 })
    const signal = AbortSignal.abort(new Error('lease lost'))
    await expect(renderer.renderFrames({ scenePath: 'unused', frames: [1], settings: { width: 4, height: 4, samples: 1, seed: 0 }, outDir: dir, signal })).rejects.toThrow('lease lost')
  })
})
