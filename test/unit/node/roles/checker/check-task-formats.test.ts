// The checker on JPEG and EXR jobs, with a renderer that writes those
// formats the way the Blender path does (the builtin renderer writes PNG
// only): an honest task passes with every tile of every frame compared
// (JPEG included, which needs the tile re-encoded on the block grid), and
// the render-saving cheats fail.
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrame, encodeExr, encodeJpeg, type FloatFrame, pixelHash } from '../../../../../node/images/index.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { type CheckTaskDeps, checkTask } from '../../../../../node/roles/checker/check-task.ts'
import { type CropRegion, frameFileName, type Renderer, type RenderSettings } from '../../../../../node/renderers/types.ts'
import { renderSettingsOf } from '../../../../../node/renderers/render-settings.ts'
import { announcementOf, type FrameResult, type JobAnnouncement, merkleRoot, type OutputFormat, type ResultCommitment, signEnvelope, taskAt, validateJobSpec } from '../../../../../protocol/index.ts'
import { createCheat } from '../../../../../testnet/cheat.ts'
import { creatorSeed, ed, Files, opened, requestBytes, SCENE, workerSeed } from './fixtures.ts'

/** Per-pixel noise that depends on everything a path tracer's does, so fewer samples or another frame show. */
function noise(...keys: number[]): number {
  const h = createHash('sha256').update(Int32Array.from(keys)).digest()
  return h.readUInt32LE(0) / 2 ** 32 - 0.5
}

/** Deterministic "render" of a region: smooth light, a highlight above 1, noise shrinking with samples. */
function renderRegion(frame: number, s: RenderSettings, r: CropRegion): FloatFrame {
  const pixels = new Float32Array(r.width * r.height * 4)
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const gx = x + r.x
      const gy = y + r.y
      const i = (y * r.width + x) * 4
      for (let c = 0; c < 3; c++) {
        const base = 0.2 + 0.15 * Math.sin((gx + frame * 3) / 6 + c) + (gx - 30 - frame) ** 2 + (gy - 18) ** 2 < 40 ? 4 : 0.3
        pixels[i + c] = Math.max(0, base * (1 + noise(gx, gy, c, frame, s.seed, s.samples) / Math.sqrt(s.samples)))
      }
      pixels[i + 3] = 1
    }
  }
  return { width: r.width, height: r.height, pixels }
}

async function encode(img: FloatFrame, format: OutputFormat): Promise<Uint8Array> {
  if (format === 'EXR') return encodeExr(img)
  const rgba = Uint8Array.from(img.pixels, (v, i) => (i % 4 === 3 ? 255 : Math.round(255 * Math.min(1, v) ** (1 / 2.2))))
  const lossless = { width: img.width, height: img.height, pixels: rgba }
  return format === 'JPEG' ? encodeJpeg(lossless) : sharp(rgba, { raw: { width: img.width, height: img.height, channels: 4 } }).png().toBuffer()
}

const formatsRenderer: Renderer = {
  capabilities: async () => ({ name: 'blender', version: 'test', engines: ['CYCLES'], devices: ['CPU'] }),
  benchmark: async () => 1,
  async renderFrames(req) {
    await mkdir(req.outDir, { recursive: true })
    const out = []
    for (const frame of req.frames) {
      const path = join(req.outDir, frameFileName(frame, req.settings.format))
      await writeFile(path, await encode(renderRegion(frame, req.settings, { x: 0, y: 0, width: req.settings.width, height: req.settings.height }), req.settings.format ?? 'PNG'))
      out.push({ frame, path })
    }
    return out
  },
  async renderCrop(req) {
    await mkdir(req.outDir, { recursive: true })
    const path = join(req.outDir, frameFileName(req.frame, req.settings.format))
    await writeFile(path, await encode(renderRegion(req.frame, req.settings, req.crop), req.settings.format ?? 'PNG'))
    return { frame: req.frame, path }
  },
  close: async () => {}
}

let root: string
let dirs = 0
const dir = () => join(root, `d${dirs++}`)
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pictor-check-formats-'))
})
afterAll(() => rm(root, { recursive: true, force: true }))

async function jobFor(files: Files, outputFormat: OutputFormat): Promise<{ announcement: JobAnnouncement; envelope: Uint8Array }> {
  const sceneBlob = await files.add(SCENE)
  const spec = validateJobSpec({ renderer: 'blender', sceneBlob, sceneSize: (await readFile(SCENE)).length, frameStart: 1, frameEnd: 4, framesPerTask: 4, width: 61, height: 35, samples: 16, seed: 9, maxPrice: 1000, outputFormat })
  const announcement = announcementOf(spec, { creatorPublicKey: ed.publicKey(creatorSeed), nonce: new Uint8Array(16).fill(3), addrs: [], timestampMs: Date.now() })
  return { announcement, envelope: signEnvelope(ed, creatorSeed, 'JobAnnouncement', announcement) }
}

/** The worker's path (task-runner.ts) for a format: render, cheat, commit to the decoded pixels. */
async function workerRenders(files: Files, a: JobAnnouncement, cheat?: string): Promise<{ commitment: ResultCommitment; envelope: Uint8Array }> {
  const task = taskAt(a, 0)!
  const frames = [1, 2, 3, 4].filter((f) => f >= task.frameStart && f <= task.frameEnd)
  const tamper = cheat === undefined ? undefined : createCheat(cheat)
  const settings = renderSettingsOf(a)
  const outputs = await formatsRenderer.renderFrames({ scenePath: SCENE, frames, settings: tamper?.renderSettings(settings) ?? settings, outDir: dir() })
  await tamper?.apply(outputs, { jobId: a.jobId, width: a.width, height: a.height })
  const results: FrameResult[] = []
  for (const out of outputs) {
    const id = await files.add(out.path)
    const bytes = await readFile(out.path)
    // A cheat that wrote a PNG commits to that PNG's pixels.
    const decoded = await decodeFrame(bytes, settings.format ?? 'PNG', a).catch(() => decodeFrame(bytes, 'PNG', a))
    results.push({ frame: out.frame, blobId: Buffer.from(id, 'hex'), pixelHash: pixelHash(decoded) as Uint8Array<ArrayBuffer> })
  }
  const commitment: ResultCommitment = { jobId: a.jobId, taskIndex: 0, leaseId: new Uint8Array(16).fill(1), merkleRoot: merkleRoot(results) as Uint8Array<ArrayBuffer>, frames: results, timestampMs: Date.now() }
  return { commitment, envelope: signEnvelope(ed, workerSeed, 'ResultCommitment', commitment) }
}

function deps(files: Files): CheckTaskDeps {
  return { fetcher: files.fetcher(), rendererFor: (name) => (name === 'blender' ? formatsRenderer : undefined), workDir: dir(), logger: silentLogger }
}

const signal = () => AbortSignal.timeout(60_000)

describe.each(['EXR', 'JPEG'] as const)('checkTask on a %s job', (format) => {
  it('accepts honest work, every tile of every frame identical', async () => {
    const files = new Files()
    const job = await jobFor(files, format)
    const outcome = await checkTask(deps(files), opened(requestBytes(job, await workerRenders(files, job.announcement), { level: 'full' })), signal())
    expect(outcome, outcome.reason).toMatchObject({ accepted: true })
    expect(outcome.scores.length).toBeGreaterThan(0)
    expect(outcome.scores.every((s) => s === 100)).toBe(true)
  })

  it.each(['fewer-samples', 'previous-frame'])('rejects the %s cheat', async (strategy) => {
    const files = new Files()
    const job = await jobFor(files, format)
    const outcome = await checkTask(deps(files), opened(requestBytes(job, await workerRenders(files, job.announcement, strategy), { level: 'full' })), signal())
    expect(outcome.accepted).toBe(false)
    expect(outcome.reason).toMatch(/frame \d+ .*re-render differs/)
  })

  it('rejects a PNG served for a frame of the job', async () => {
    const files = new Files()
    const job = await jobFor(files, format)
    // The black cheat writes PNG whatever the job asked for.
    const outcome = await checkTask(deps(files), opened(requestBytes(job, await workerRenders(files, job.announcement, 'black'), { level: 'full' })), signal())
    expect(outcome).toMatchObject({ accepted: false, reason: expect.stringMatching(/not (an OpenEXR|a JPEG) file/) })
  })
})
