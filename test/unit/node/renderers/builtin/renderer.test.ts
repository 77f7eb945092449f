import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type BuiltinRenderer, createBuiltinRenderer, parseScene, renderFramePixels, SceneError } from '../../../../../node/renderers/builtin/index.ts'
import { silentLogger } from '../../../../../node/log.ts'
import type { RenderProgress } from '../../../../../node/renderers/types.ts'
import { cut, DEMO_PATH, decodePng, SMALL, TINY_PATH } from './helpers.ts'

const tiny = parseScene(readFileSync(TINY_PATH))
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0

describe('BuiltinRenderer', () => {
  // Three threads on any machine, so bands really are split across workers.
  const renderer = createBuiltinRenderer({ threads: 3, logger: silentLogger })
  let outDir: string

  beforeEach(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'pictor-builtin-'))
  })
  afterEach(async () => {
    await rm(outDir, { recursive: true, force: true })
  })
  afterAll(async () => {
    await renderer.close()
  })

  it('describes itself', async () => {
    expect(await renderer.capabilities()).toEqual({ name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'], maxSamples: 65_536 })
  })

  it('writes one PNG per frame, equal to the single-threaded render, and nothing else', async () => {
    const progress: RenderProgress[] = []
    const frames = await renderer.renderFrames({ scenePath: TINY_PATH, frames: [1, 7], settings: SMALL, outDir, onProgress: (p) => progress.push(p) })
    expect(frames).toEqual([
      { frame: 1, path: join(outDir, '000001.png') },
      { frame: 7, path: join(outDir, '000007.png') }
    ])
    expect((await readdir(outDir)).sort()).toEqual(['000001.png', '000007.png'])
    expect(progress).toEqual([
      { frame: 1, framesDone: 1, framesTotal: 2 },
      { frame: 7, framesDone: 2, framesTotal: 2 }
    ])
    for (const { frame, path } of frames) {
      const decoded = await decodePng(path, SMALL.width, SMALL.height)
      expect(same(decoded, renderFramePixels(tiny, frame, SMALL))).toBe(true)
    }
  })

  it.each([
    ['odd offsets', 7, 3, 13, 11],
    ['the bottom-right edge', 51, 29, 13, 7],
    ['the top row', 0, 0, 64, 1]
  ])('writes a crop PNG equal to that region of the full frame: %s', async (_, x, y, width, height) => {
    const [full] = await renderer.renderFrames({ scenePath: TINY_PATH, frames: [3], settings: SMALL, outDir: join(outDir, 'full') })
    const crop = await renderer.renderCrop({ scenePath: TINY_PATH, frame: 3, crop: { x, y, width, height }, settings: SMALL, outDir: join(outDir, 'crop') })
    expect(crop).toEqual({ frame: 3, path: join(outDir, 'crop', '000003.png') })
    const fullPixels = await decodePng(full.path, SMALL.width, SMALL.height)
    const cropPixels = await decodePng(crop.path, width, height)
    expect(same(cropPixels, cut(fullPixels, SMALL.width, x, y, width, height))).toBe(true)
  })

  it('stops on abort, leaving no file', async () => {
    const controller = new AbortController()
    const settings = { width: 320, height: 180, samples: 64, seed: 1 }
    const rendering = renderer.renderFrames({ scenePath: DEMO_PATH, frames: [1, 2, 3], settings, outDir, signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    const started = performance.now()
    await expect(rendering).rejects.toMatchObject({ name: 'AbortError' })
    expect(performance.now() - started).toBeLessThan(2000)
    expect(await readdir(outDir)).toEqual([])
    // The pool recovers: the next render starts fresh workers.
    await renderer.renderFrames({ scenePath: TINY_PATH, frames: [1], settings: SMALL, outDir })
    expect(await readdir(outDir)).toEqual(['000001.png'])
  })

  it('refuses an already aborted request', async () => {
    const signal = AbortSignal.abort()
    await expect(renderer.renderCrop({ scenePath: TINY_PATH, frame: 1, crop: { x: 0, y: 0, width: 4, height: 4 }, settings: SMALL, outDir, signal })).rejects.toMatchObject({ name: 'AbortError' })
    expect(await readdir(outDir)).toEqual([])
  })

  it('reports a bad or missing scene file as a SceneError', async () => {
    const bad = join(outDir, 'bad.json')
    await writeFile(bad, JSON.stringify({ version: 1 }))
    await expect(renderer.renderFrames({ scenePath: bad, frames: [1], settings: SMALL, outDir })).rejects.toThrow(new SceneError('camera must be an object'))
    await expect(renderer.renderFrames({ scenePath: join(outDir, 'none.json'), frames: [1], settings: SMALL, outDir })).rejects.toThrow(SceneError)
    const big = join(outDir, 'big.json')
    await writeFile(big, Buffer.alloc(4 * 1024 * 1024 + 1, 32))
    await expect(renderer.renderFrames({ scenePath: big, frames: [1], settings: SMALL, outDir })).rejects.toThrow('more than the limit')
  })

  it('scores a benchmark', async () => {
    const score = await renderer.benchmark()
    expect(Number.isInteger(score)).toBe(true)
    expect(score).toBeGreaterThan(0)
  })
})

describe('BuiltinRenderer.close', () => {
  let renderer: BuiltinRenderer
  beforeEach(() => {
    renderer = createBuiltinRenderer({ threads: 2, logger: silentLogger })
  })

  it('terminates every worker thread', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'pictor-builtin-'))
    try {
      await renderer.renderFrames({ scenePath: TINY_PATH, frames: [1], settings: SMALL, outDir })
      expect(renderer.workerCount).toBe(2)
      await renderer.close()
      expect(renderer.workerCount).toBe(0)
      await expect(renderer.renderFrames({ scenePath: TINY_PATH, frames: [1], settings: SMALL, outDir })).rejects.toMatchObject({ code: 'RENDERER_CLOSED' })
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  })

  it('fails a render in flight', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'pictor-builtin-'))
    try {
      const rendering = renderer.renderFrames({ scenePath: DEMO_PATH, frames: [1], settings: { width: 320, height: 180, samples: 64, seed: 1 }, outDir })
      const outcome = expect(rendering).rejects.toMatchObject({ code: 'RENDERER_CLOSED' })
      await new Promise((resolve) => setTimeout(resolve, 100))
      await renderer.close()
      await outcome
      expect(renderer.workerCount).toBe(0)
      expect(await readdir(outDir)).toEqual([])
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  })
})
