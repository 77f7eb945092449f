// Hostile scenes against a real Blender, each with a canary under a folder
// outside the job that appears only if the attack worked. A positive control
// (the same scene under a bare `blender --enable-autoexec`) proves each canary
// can trip. After every case the renderer still renders the next task.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, type Logger } from '../../../node/log.ts'
import { type BlenderRenderer, createBlenderRenderer, probeSandbox } from '../../../node/renderers/blender/index.ts'
import { findBlenderForTests, hasPrlimit, pixels, processesWith, psnr, runScript, TEST_SETTINGS } from './helpers.ts'

const blender = await findBlenderForTests()
const prlimit = blender !== undefined && (await hasPrlimit())
if (blender !== undefined && !prlimit) console.warn('memory and CPU-cap tests skipped: prlimit (util-linux) not found')
const sandboxed = blender !== undefined && (await probeSandbox()) !== undefined
if (blender !== undefined && !sandboxed) console.warn('load-time write test skipped: no Landlock sandbox here (Linux >= 5.13 with Landlock enabled, and python3)')
const SMALL = { width: 32, height: 18, samples: 2, seed: 1 }

describe.skipIf(blender === undefined)('hostile scenes (real Blender)', () => {
  let root: string
  let jobs: string
  let canary: string
  let work: string
  let renderer: BlenderRenderer
  let reference: string
  const warnings: Record<string, unknown>[] = []
  const logger: Logger = createLogger('test', { level: 'warn', write: (line) => warnings.push(JSON.parse(line)) })
  const out = (name: string) => join(root, 'out', name)
  const render = (job: string, extra: { timeoutMs?: number } = {}) =>
    renderer.renderFrames({ scenePath: join(jobs, job, 'scene.blend'), jobDir: join(jobs, job), frames: [1], settings: SMALL, outDir: out(job), ...extra })
  const canaryFiles = async () => (await readdir(canary, { recursive: true })).sort()

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pictor-e2e-hostile-'))
    // Siblings: the outside-tex scene reaches the canary through //../../canary.
    jobs = join(root, 'jobs')
    canary = join(root, 'canary')
    work = join(root, 'work')
    await runScript(blender!.path, 'make_hostile_scenes.py', jobs, canary)
    await runScript(blender!.path, 'make_test_scene.py', join(root, 'good'))
    renderer = createBlenderRenderer({ binary: blender!.path, threads: 2, workDir: work, logger, limits: { memoryBytes: 1024 ** 3 } })
    const [ok] = await renderer.renderFrames({ scenePath: join(root, 'good', 'scene.blend'), jobDir: join(root, 'good'), frames: [2], settings: TEST_SETTINGS, outDir: out('reference') })
    reference = ok!.path
  })

  afterAll(async () => {
    await renderer?.close()
    await rm(root, { recursive: true, force: true })
  })

  /**
   * After each case: no canary tripped, no task folder or Blender left. Each
   * case is the next task of the same renderer, and the last test renders
   * the good scene again, so every case is followed by a working render.
   */
  async function stillHealthy(): Promise<void> {
    expect(await canaryFiles()).toEqual(['lib.blend', 'secret.png'])
    expect(await readdir(work)).toEqual([])
    expect(await processesWith(work)).toEqual([])
  }

  it('the hostile scenes are live: with autoexec on, a bare Blender trips their canaries', async () => {
    const control = join(root, 'control')
    await cp(jobs, control, { recursive: true })
    for (const job of ['autoexec', 'driver', 'file-output']) {
      await execa(blender!.path, ['-b', '--enable-autoexec', join(control, job, 'scene.blend'), '-o', join(control, 'out', '#'), '-F', 'PNG', '-f', '1'], { stdin: 'ignore' })
    }
    expect(await canaryFiles()).toEqual(['autoexec', 'driver', 'file-output', 'file-output/Image0001.png', 'handler', 'lib.blend', 'secret.png'])
    for (const name of ['autoexec', 'driver', 'file-output', 'handler']) await rm(join(canary, name), { recursive: true })
  })

  it('an autoexec text block and render handler do not run', async () => {
    expect(await render('autoexec')).toHaveLength(1)
    await stillHealthy()
  })

  it('a Python driver does not run', async () => {
    expect(await render('driver')).toHaveLength(1)
    await stillHealthy()
  })

  it('a compositor File Output node is removed and writes nowhere', async () => {
    expect(await render('file-output')).toHaveLength(1)
    expect(await readdir(out('file-output'))).toEqual(['000001.png'])
    expect(warnings.some((w) => w.what === 'file_output')).toBe(true)
    await stillHealthy()
  })

  it('textures at /etc/passwd, an absolute outside path and a ../ path are neutralised; the render is safe', async () => {
    warnings.length = 0
    expect(await render('outside-tex')).toHaveLength(1)
    const paths = warnings.filter((w) => w.what === 'image').map((w) => w.path)
    expect(paths.sort()).toEqual(['//../../canary/secret.png', '/etc/passwd', join(canary, 'secret.png')].sort())
    await stillHealthy()
  })

  it.skipIf(!sandboxed)('simulation caches outside the job are neutralised, and the kernel stops the write Blender makes while loading', async () => {
    // A fluid domain writes its cache as the file loads, before our script
    // runs; only the Landlock sandbox stops that (see SECURITY.md).
    warnings.length = 0
    expect(await render('outside-cache')).toHaveLength(1)
    const kinds = warnings.map((w) => w.what).sort()
    expect(kinds).toEqual(expect.arrayContaining(['fluid_cache', 'ocean_cache', 'point_cache', 'point_cache']))
    await stillHealthy()
  })

  it('a library linked from outside the job is refused with one line', async () => {
    await expect(render('outside-lib')).rejects.toMatchObject({ code: 'SCENE_INVALID', message: `scene: linked library outside the job folder: ${join(canary, 'lib.blend')}` })
    await stillHealthy()
  })

  it('not a .blend and a truncated .blend are refused before Blender starts', async () => {
    const bad = join(root, 'bad')
    await cp(join(root, 'good'), bad, { recursive: true })
    await writeFile(join(bad, 'page.blend'), '<!DOCTYPE html><html>not a scene</html>')
    const whole = await readFile(join(root, 'good', 'scene.blend'))
    await writeFile(join(bad, 'cut.blend'), whole.subarray(0, whole.length >> 1))
    const run = (name: string) => renderer.renderFrames({ scenePath: join(bad, name), jobDir: bad, frames: [1], settings: SMALL, outDir: out(name) })
    await expect(run('page.blend')).rejects.toMatchObject({ code: 'SCENE_INVALID', message: 'scene: not a .blend file (starts with "<!DOCTYP")' })
    await expect(run('cut.blend')).rejects.toMatchObject({ code: 'SCENE_INVALID', message: 'scene: truncated .blend file (no end block)' })
    await stillHealthy()
  })

  it.skipIf(!prlimit)('a scene over its memory cap fails with a clear error', async () => {
    await expect(render('memory-hog')).rejects.toMatchObject({ code: 'MEMORY_LIMIT', message: 'render needs more memory than its cap of 1024 MiB' })
    await stillHealthy()
  })

  it.skipIf(!prlimit)('a render over its CPU-time cap is stopped with a clear error', async () => {
    const capped = createBlenderRenderer({ binary: blender!.path, threads: 2, workDir: work, logger, limits: { cpuSeconds: 2 } })
    try {
      const err = await capped
        .renderFrames({ scenePath: join(root, 'good', 'scene.blend'), jobDir: join(root, 'good'), frames: [1], settings: { ...TEST_SETTINGS, samples: 1_000_000 }, outDir: out('cpu') })
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'CPU_LIMIT', message: 'render used its CPU-time cap of 2 s; Blender was stopped' })
    } finally {
      await capped.close()
    }
    await stillHealthy()
  })

  it('still renders the good scene exactly after all of that', async () => {
    const [f] = await renderer.renderFrames({ scenePath: join(root, 'good', 'scene.blend'), jobDir: join(root, 'good'), frames: [2], settings: TEST_SETTINGS, outDir: out('after-all') })
    expect(psnr(await pixels(f!.path), await pixels(reference))).toBe(Infinity)
    await stillHealthy()
  })
})
