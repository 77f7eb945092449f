// EXR and JPEG jobs on a testnet of Blender nodes: submitted with
// `pictor job submit --format`, rendered by a worker, checked by a checker,
// completed, served with the format's content type and downloaded as .exr /
// .jpg files whose pixels equal a bare command-line Blender render of the
// same scene (EXR to the bit in float; JPEG after the same encode). A worker
// that renders with a quarter of the samples is refused by the checker.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../../node/api/client.ts'
import { downloadFrames, prepareJob, submitJob, waitForJob } from '../../../node/cli/job-client.ts'
import { decodeExr, decodeFrame, decodePng, encodeJpeg, jpegBlockRegion } from '../../../node/images/index.ts'
import { silentLogger } from '../../../node/log.ts'
import { createBlenderRenderer } from '../../../node/renderers/blender/index.ts'
import type { JobView } from '../../../node/roles/creator/index.ts'
import { cropImage } from '../../../node/verify/compare.ts'
import { Testnet } from '../../../testnet/launcher.ts'
import { pictor } from '../helpers/cli.ts'
import { waitFor } from '../helpers/nodes.ts'
import { findBlenderForTests, runScript, TEST_SETTINGS } from './helpers.ts'

const blender = await findBlenderForTests()
const size = { width: TEST_SETTINGS.width, height: TEST_SETTINGS.height }
let dir: string
let scene: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-blend-formats-'))
  if (blender === undefined) return
  await runScript(blender.path, 'make_test_scene.py', join(dir, 'scenes'))
  scene = join(dir, 'scenes', 'packed.blend')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Frames 1-3 rendered by a bare Blender: EXR as the worker path asks for it, PNG for the JPEG reference. */
async function bareRender(format: 'EXR' | 'PNG'): Promise<string[]> {
  const prefix = join(dir, `bare-${format}`, 'f')
  const py = format === 'EXR' ? ["--python-expr", "import bpy; f = bpy.context.scene.render.image_settings; f.color_depth = '32'; f.exr_codec = 'ZIP'"] : []
  await execa(blender!.path, ['-b', scene, ...py, '-o', `${prefix}######`, '-F', format, '-f', '1,2,3'], { stdin: 'ignore' })
  return [1, 2, 3].map((f) => `${prefix}00000${f}.${format.toLowerCase()}`)
}

describe.skipIf(blender === undefined)('the Blender renderer in EXR and JPEG', () => {
  it('writes a crop that is exactly its region of the full frame (EXR in float; JPEG on the block grid)', async () => {
    const renderer = createBlenderRenderer({ binary: blender!.path, threads: 2, workDir: join(dir, 'work'), cacheDir: join(dir, 'cache'), logger: silentLogger })
    try {
      const tile = { x: 13, y: 9, width: 24, height: 13 }
      for (const format of ['EXR', 'JPEG'] as const) {
        const settings = { ...TEST_SETTINGS, format }
        const [full] = await renderer.renderFrames({ scenePath: scene, frames: [2], settings, outDir: join(dir, `full-${format}`) })
        expect(full!.path.endsWith(format === 'EXR' ? '000002.exr' : '000002.jpg')).toBe(true)
        const whole = await decodeFrame(await readFile(full!.path), format, size)
        const region = format === 'JPEG' ? jpegBlockRegion(tile, size) : tile
        const crop = await renderer.renderCrop({ scenePath: scene, frame: 2, crop: region, settings, outDir: join(dir, `crop-${format}`) })
        const mine = cropImage(await decodeFrame(await readFile(crop.path), format, region), { ...tile, x: tile.x - region.x, y: tile.y - region.y })
        const theirs = cropImage(whole, tile)
        expect(Buffer.from(mine.pixels.buffer, mine.pixels.byteOffset, mine.pixels.byteLength).equals(Buffer.from(theirs.pixels.buffer, theirs.pixels.byteOffset, theirs.pixels.byteLength)), format).toBe(true)
      }
    } finally {
      await renderer.close()
    }
  })
})

describe.skipIf(blender === undefined)('EXR and JPEG jobs on the testnet', () => {
  let testnet: Testnet | undefined
  afterAll(() => testnet?.stop())

  it('renders, checks and completes both, and serves frames equal to a bare Blender render', async () => {
    testnet = new Testnet({ workers: 1, checkers: 1, logLevel: 'warn', extraArgs: { worker: ['--renderer', 'blender', '--threads', '1'], checker: ['--threads', '1'] } })
    await testnet.start()
    await testnet.waitReady()
    const creatorDir = testnet.node('creator').dataDir
    const client = await ApiClient.fromDataDir(creatorDir)
    const ids: Record<string, string> = {}
    for (const format of ['EXR', 'JPEG']) {
      const args = ['job', 'submit', scene, '--format', format, '--frames', '1-3', '--frames-per-task', '1', '--resolution', `${size.width}x${size.height}`]
      const submitted = await pictor([...args, '--samples', '8', '--seed', '42', '--max-price', '100000', '--engine', 'CYCLES', '--device', 'CPU', '--data-dir', creatorDir])
      expect(submitted.code, submitted.stderr).toBe(0)
      ids[format] = submitted.stdout.match(/^[0-9a-f]{64}$/m)![0]
    }
    const bad = await pictor(['job', 'submit', scene, '--format', 'TIFF', '--frames', '1', '--max-price', '1', '--data-dir', creatorDir])
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--format must be one of PNG, JPEG, EXR, got "TIFF"/) })

    const exrJob = await waitForJob(client, ids.EXR!, () => {})
    const jpegJob = await waitForJob(client, ids.JPEG!, () => {})
    for (const job of [exrJob, jpegJob]) {
      expect(job.status).toBe('completed')
      // Every frame went through the checker, not integrity alone.
      expect(job.frames.every((f) => f.status === 'succeeded' && (f.checkedBy?.length ?? 0) > 0 && f.unchecked !== true), JSON.stringify(job.frames)).toBe(true)
    }
    const res = await client.fetch('GET', `/api/jobs/${exrJob.id}/frames/1`)
    expect(res.headers.get('content-type')).toBe('image/x-exr')
    await res.arrayBuffer()
    const jpegRes = await client.fetch('GET', `/api/jobs/${jpegJob.id}/frames/1`)
    expect(jpegRes.headers.get('content-type')).toBe('image/jpeg')
    await jpegRes.arrayBuffer()

    const exrPaths = await downloadFrames(client, exrJob, join(dir, 'exr'))
    expect(exrPaths.map((p) => p.slice(-10))).toEqual(['000001.exr', '000002.exr', '000003.exr'])
    for (const [i, reference] of (await bareRender('EXR')).entries()) {
      const got = decodeExr(await readFile(exrPaths[i]!), size)
      const want = decodeExr(await readFile(reference), size)
      expect(Buffer.from(got.pixels.buffer).equals(Buffer.from(want.pixels.buffer)), `EXR frame ${i + 1}`).toBe(true)
    }
    // Our header, not Blender's: no scene path, date or camera name leaves the worker.
    expect((await readFile(exrPaths[0]!)).includes(Buffer.from(dir))).toBe(false)
    expect((await readFile(exrPaths[0]!)).includes(Buffer.from('Camera'))).toBe(false)

    const jpegPaths = await downloadFrames(client, jpegJob, join(dir, 'jpeg'))
    expect(jpegPaths.map((p) => p.slice(-10))).toEqual(['000001.jpg', '000002.jpg', '000003.jpg'])
    for (const [i, reference] of (await bareRender('PNG')).entries()) {
      const got = await decodeFrame(await readFile(jpegPaths[i]!), 'JPEG', size)
      const want = await decodeFrame(await encodeJpeg(await decodePng(await readFile(reference), size)), 'JPEG', size)
      expect(Buffer.from(got.pixels).equals(Buffer.from(want.pixels)), `JPEG frame ${i + 1}`).toBe(true)
    }
  })
})

describe.skipIf(blender === undefined)('a cheating Blender worker on an EXR job', () => {
  let testnet: Testnet | undefined
  afterAll(() => testnet?.stop())

  it('is refused by the checker: banned, its frame never accepted', async () => {
    // The cheater is the only worker, so it renders the job for certain, and the full level has every tile checked.
    testnet = new Testnet({
      workers: 1,
      checkers: 1,
      logLevel: 'warn',
      extraArgs: { creator: ['--verification', 'full'], worker: ['--renderer', 'blender', '--threads', '1'], checker: ['--threads', '2'] },
      nodeArgs: { 'worker-1': ['--cheat', 'fewer-samples'] }
    })
    await testnet.start()
    await testnet.waitReady()
    const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
    const spec = await prepareJob(scene, { renderer: 'blender', frameStart: 2, frameEnd: 2, framesPerTask: 1, ...TEST_SETTINGS, maxPrice: 100_000, engine: 'CYCLES', device: 'CPU', outputFormat: 'EXR' })
    const job = await submitJob(client, scene, spec)
    let view: JobView | undefined
    await waitFor(async () => {
      view = await client.request<JobView>('GET', `/api/jobs/${job.id}`)
      return view.workers.some((w) => w.banned)
    }, 100_000, 'the cheating worker to be refused')
    expect(view!.frames[0]!.status).not.toBe('succeeded')
    expect(view!.workers.find((w) => w.banned)!.paid).toBe('0')
    await client.request('POST', `/api/jobs/${job.id}/cancel`)
  })
})
