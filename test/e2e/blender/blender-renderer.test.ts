// The Blender renderer against a real Blender: the worker path matches a bare
// command-line render, a crop matches its region of the full frame exactly,
// packed and compressed scenes work, and a stopped task leaves no Blender.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../node/log.ts'
import { type BlenderRenderer, createBlenderRenderer } from '../../../node/renderers/blender/index.ts'
import type { RenderProgress } from '../../../node/renderers/types.ts'
import { cliRender, findBlenderForTests, pixels, processesWith, psnr, runScript, TEST_SETTINGS, textChunks } from './helpers.ts'

const blender = await findBlenderForTests()

describe.skipIf(blender === undefined)('BlenderRenderer (real Blender)', () => {
  let root: string
  let scenes: string
  let work: string
  let renderer: BlenderRenderer
  let fullFrame2: string
  const out = (name: string) => join(root, 'out', name)

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pictor-e2e-blender-'))
    scenes = join(root, 'scenes')
    // Unique in every Blender command line we start: the marker for leftover processes.
    work = join(root, 'work')
    await runScript(blender!.path, 'make_test_scene.py', scenes)
    renderer = createBlenderRenderer({ binary: blender!.path, threads: 2, workDir: work, cacheDir: join(root, 'cache'), logger: silentLogger })
  })

  afterAll(async () => {
    await renderer?.close()
    await rm(root, { recursive: true, force: true })
  })

  it('advertises its version, engines and devices', async () => {
    const caps = await renderer.capabilities()
    expect(caps).toMatchObject({ name: 'blender', version: blender!.version })
    expect(caps.engines).toEqual(expect.arrayContaining(['CYCLES', 'BLENDER_EEVEE']))
    expect(caps.devices[0]).toBe('CPU')
    // 'GPU' (what --device GPU asks for) comes with a backend and a card, or not at all.
    const backends = caps.devices.filter((d) => d !== 'CPU' && d !== 'GPU')
    expect(caps.devices.includes('GPU')).toBe(backends.length > 0)
    expect((caps.gpus ?? []).length > 0).toBe(backends.length > 0)
  })

  it('renders every frame in one process, equal to a bare command-line render, without metadata', async () => {
    const progress: RenderProgress[] = []
    const started = performance.now()
    const frames = await renderer.renderFrames({ scenePath: join(scenes, 'scene.blend'), jobDir: scenes, frames: [1, 2, 3], settings: TEST_SETTINGS, outDir: out('frames'), onProgress: (p) => progress.push(p) })
    const workerMs = performance.now() - started
    expect(frames.map((f) => f.frame)).toEqual([1, 2, 3])
    expect(progress.map((p) => p.framesDone)).toEqual([1, 2, 3])
    expect((await readdir(out('frames'))).sort()).toEqual(['000001.png', '000002.png', '000003.png'])
    await cliRender(blender!.path, join(scenes, 'scene.blend'), `${out('cli')}/`, [1, 2, 3])
    const results: string[] = []
    for (const f of frames) {
      const ours = await pixels(f.path)
      const ref = await pixels(join(out('cli'), `${String(f.frame).padStart(6, '0')}.png`))
      const db = psnr(ours, ref)
      results.push(`frame ${f.frame}: ${db === Infinity ? 'pixel-identical' : `${db.toFixed(1)} dB`}`)
      expect(db).toBeGreaterThanOrEqual(45)
      const png = await readFile(f.path)
      expect(textChunks(png)).toEqual([])
      expect(png.includes(Buffer.from(root))).toBe(false)
    }
    console.info(`worker path vs command line: ${results.join(', ')} (worker path ${Math.round(workerMs)} ms)`)
    // The reference does leak the local path; ours must not.
    expect(textChunks(await readFile(join(out('cli'), '000001.png')))).toContain('tEXt')
    fullFrame2 = frames[1]!.path
    expect(await readdir(work)).toEqual([])
  })

  it('renders a crop equal to the same region of the full frame, exactly', async () => {
    const crop = { x: 23, y: 9, width: 41, height: 27 }
    const done = await renderer.renderCrop({ scenePath: join(scenes, 'scene.blend'), jobDir: scenes, frame: 2, crop, settings: TEST_SETTINGS, outDir: out('crop') })
    const ours = await pixels(done.path)
    expect([ours.width, ours.height]).toEqual([41, 27])
    expect(Buffer.compare(ours.data, (await pixels(fullFrame2, crop)).data)).toBe(0)
    // Edges: the last row and column of the frame.
    const corner = { x: 80, y: 40, width: 16, height: 14 }
    const edge = await renderer.renderCrop({ scenePath: join(scenes, 'scene.blend'), jobDir: scenes, frame: 2, crop: corner, settings: TEST_SETTINGS, outDir: out('corner') })
    expect(Buffer.compare((await pixels(edge.path)).data, (await pixels(fullFrame2, corner)).data)).toBe(0)
  })

  it('renders packed and zstd-compressed scenes on their own, without the external texture', async () => {
    const alone = join(root, 'alone')
    await mkdir(alone)
    await copyFile(join(scenes, 'packed.blend'), join(alone, 'packed.blend'))
    await copyFile(join(scenes, 'compressed.blend'), join(alone, 'compressed.blend'))
    for (const name of ['packed.blend', 'compressed.blend']) {
      const [f] = await renderer.renderFrames({ scenePath: join(alone, name), jobDir: alone, frames: [2], settings: TEST_SETTINGS, outDir: out(name) })
      expect(psnr(await pixels(f!.path), await pixels(fullFrame2))).toBe(Infinity)
    }
  })

  it('without a job folder, the scene cannot read the files beside it', async () => {
    // The scene sits next to tex.png, as in a shared scene cache; by default
    // Blender sees only a private folder holding a link to the scene.
    const [f] = await renderer.renderFrames({ scenePath: join(scenes, 'scene.blend'), frames: [2], settings: TEST_SETTINGS, outDir: out('private') })
    expect(psnr(await pixels(f!.path), await pixels(fullFrame2))).toBeLessThan(30)
  })

  it('kills the whole process at the stop time and leaves no Blender behind', async () => {
    const slow = { ...TEST_SETTINGS, samples: 1_000_000 }
    const err = await renderer.renderFrames({ scenePath: join(scenes, 'scene.blend'), jobDir: scenes, frames: [1], settings: slow, outDir: out('slow'), timeoutMs: 2500 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'TIMED_OUT', message: 'render passed its stop time of 2.5 s; Blender was killed' })
    expect(await processesWith(work)).toEqual([])
    expect(await readdir(work)).toEqual([])
  })

  it('kills Blender mid-frame when the signal aborts, and stays usable', async () => {
    const controller = new AbortController()
    const slow = { ...TEST_SETTINGS, samples: 1_000_000 }
    const err = await renderer
      .renderFrames({ scenePath: join(scenes, 'scene.blend'), jobDir: scenes, frames: [1], settings: slow, outDir: out('abort'), signal: controller.signal, onSample: () => controller.abort(new Error('lease lost')) })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ABORTED', message: 'render aborted: lease lost; Blender was killed' })
    expect(await processesWith(work)).toEqual([])
    const [f] = await renderer.renderFrames({ scenePath: join(scenes, 'scene.blend'), jobDir: scenes, frames: [2], settings: TEST_SETTINGS, outDir: out('after-abort') })
    expect(psnr(await pixels(f!.path), await pixels(fullFrame2))).toBe(Infinity)
  })

  it('benchmarks a generated scene into a positive score', async () => {
    const score = await renderer.benchmark()
    console.info(`blender bench score on this machine: ${score}`)
    expect(score).toBeGreaterThan(0)
    expect((await readdir(join(root, 'cache'))).filter((n) => n.endsWith('.blend'))).toHaveLength(1)
  })
})
