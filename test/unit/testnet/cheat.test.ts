import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../node/config/config.ts'
import { ConfigError, UserError } from '../../../node/errors.ts'
import { isAdversarial, parseAdversarialFlags } from '../../../testnet/adversarial-flags.ts'
import { decodePng, pixelHash } from '../../../node/images/png.ts'
import { CHEAT_STRATEGIES, createCheat, fakedFrames, parseCheat } from '../../../testnet/cheat.ts'
import { SceneCache } from '../../../node/roles/worker/scene-cache.ts'
import { TaskClient } from '../../../node/roles/worker/task-client.ts'
import { runTask } from '../../../node/roles/worker/task-runner.ts'
import { isFlat } from '../../../node/verify/integrity.ts'
import { frameFileName, type RenderedFrame } from '../../../node/renderers/types.ts'
import { toHex } from '../../../protocol/index.ts'
import { announcement, ed, FakeCreator, FakeRenderer, framePixels, leaseFor, logger, MapBlobs, seedOf } from '../node/roles/worker/fakes.ts'

const job = { jobId: new Uint8Array(32).fill(7), width: 8, height: 6 }
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-cheat-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** Honest 8x6 frames on disk, as the renderer leaves them. */
async function frames(list: number[], sub = 'out', size = { width: 8, height: 6 }): Promise<RenderedFrame[]> {
  await mkdir(join(dir, sub), { recursive: true })
  return Promise.all(
    list.map(async (frame) => {
      const path = join(dir, sub, frameFileName(frame))
      await sharp(framePixels(frame, size.width, size.height), { raw: { ...size, channels: 4 } }).png().toFile(path)
      return { frame, path }
    })
  )
}

const pixels = async (out: RenderedFrame) => decodePng(await readFile(out.path), { width: 8, height: 6 })
const hash = async (out: RenderedFrame) => toHex(pixelHash(await pixels(out)))

describe('parseCheat', () => {
  it('reads every strategy, honest as undefined', () => {
    expect(parseCheat('')).toBeUndefined()
    for (const s of CHEAT_STRATEGIES) expect(parseCheat(s)).toEqual({ kind: s })
    expect(parseCheat('fraction:0.25')).toEqual({ kind: 'fraction', fraction: 0.25 })
    expect(parseCheat('fraction:1')).toEqual({ kind: 'fraction', fraction: 1 })
  })

  it.each(['bogus', 'fraction:2', 'fraction:-0.1', 'fraction:', 'BLACK', 'black '])('refuses %j in one line', (text) => {
    expect(() => parseCheat(text)).toThrow(/^unknown cheat .*fraction:<0\.\.1>$/)
  })

  it('is the adversarial node\'s --cheat flag, validated, and no node setting', () => {
    expect(parseAdversarialFlags(['--role', 'worker'])).toEqual({ flags: { colludes: false, rejectsAll: false }, rest: ['--role', 'worker'] })
    expect(parseAdversarialFlags(['--cheat', 'previous-frame', '--threads', '1']).flags.cheat).toEqual({ kind: 'previous-frame' })
    expect(parseAdversarialFlags(['--cheat=fraction:0.1']).flags.cheat).toEqual({ kind: 'fraction', fraction: 0.1 })
    expect(parseAdversarialFlags(['--checker-colludes', '--role', 'checker'])).toEqual({ flags: { colludes: true, rejectsAll: false }, rest: ['--role', 'checker'] })
    expect(parseAdversarialFlags(['--checker-rejects', '--role', 'checker'])).toEqual({ flags: { colludes: false, rejectsAll: true }, rest: ['--role', 'checker'] })
    expect(() => parseAdversarialFlags(['--checker-rejects', '--checker-colludes'])).toThrow(/^--checker-colludes and --checker-rejects contradict each other: give one$/)
    expect(() => parseAdversarialFlags(['--cheat', 'sneaky'])).toThrow(UserError)
    expect(() => parseAdversarialFlags(['--cheat', 'sneaky'])).toThrow(/^--cheat: unknown cheat/)
    expect(() => parseAdversarialFlags(['--cheat'])).toThrow(/^--cheat needs a strategy$/)
    expect(isAdversarial(['--threads', '1'])).toBe(false)
    expect(isAdversarial(['--cheat', 'noise'])).toBe(true)
    expect(isAdversarial(['--checker-colludes'])).toBe(true)
    expect(isAdversarial(['--checker-rejects'])).toBe(true)
    expect(() => resolveConfig({ file: { path: 'config.json', data: { cheat: 'black' } } })).toThrow(ConfigError)
    expect(() => resolveConfig({ file: { path: 'config.json', data: { checkerColludes: true } } })).toThrow(/unknown setting "checkerColludes"/)
  })
})

describe('createCheat', () => {
  it('renders with fewer samples or at half resolution', () => {
    const settings = { width: 65, height: 37, samples: 16, seed: 1 }
    expect(createCheat('fewer-samples').renderSettings(settings)).toEqual({ ...settings, samples: 4 })
    expect(createCheat('half-res').renderSettings(settings)).toEqual({ ...settings, width: 33, height: 19 })
    expect(createCheat('black').renderSettings(settings)).toBe(settings)
  })

  it('black: blank frames at the job size', async () => {
    const out = await frames([1, 2])
    await createCheat('black').apply(out, job)
    for (const o of out) expect(isFlat(await pixels(o))).toBe(true)
  })

  it('noise: frames that are nothing like the render', async () => {
    const out = await frames([1])
    await createCheat('noise').apply(out, job)
    const p = await pixels(out[0]!)
    expect(isFlat(p)).toBe(false)
    expect(Buffer.from(p.pixels).equals(framePixels(1, 8, 6))).toBe(false)
  })

  it('previous-frame: every other frame is the one before it', async () => {
    const out = await frames([1, 2, 3, 4, 5])
    await createCheat('previous-frame').apply(out, job)
    const h = await Promise.all(out.map(hash))
    expect(h[1]).toBe(h[0])
    expect(h[3]).toBe(h[2])
    expect(new Set(h).size).toBe(3)
  })

  it('half-res: upscales the half-size render back to the job size', async () => {
    const out = await frames([1], 'half', { width: 4, height: 3 })
    await createCheat('half-res').apply(out, job)
    expect((await pixels(out[0]!)).width).toBe(8)
  })

  it('copy: the first frame it rendered for a job stands in for every later one, across tasks', async () => {
    const cheat = createCheat('copy')
    const first = await frames([1, 2], 't0')
    await cheat.apply(first, job)
    const second = await frames([3, 4], 't1')
    await cheat.apply(second, job)
    const h = await Promise.all([...first, ...second].map(hash))
    expect(new Set(h).size).toBe(1)
    // Another job starts from its own first frame.
    const other = await frames([1], 't2')
    await cheat.apply(other, { ...job, jobId: new Uint8Array(32).fill(8) })
    expect(await hash(other[0]!)).toBe(h[0])
  })

  it('fraction: fakes exactly the frames fakedFrames names, about f of them', async () => {
    const list = Array.from({ length: 40 }, (_, i) => i + 1)
    const out = await frames(list)
    const before = await Promise.all(out.map(hash))
    await createCheat('fraction:0.25').apply(out, job)
    const after = await Promise.all(out.map(hash))
    const changed = list.filter((_, i) => before[i] !== after[i])
    expect(changed).toEqual(fakedFrames(0.25, job.jobId, list))
    expect(changed.length).toBeGreaterThan(4)
    expect(changed.length).toBeLessThan(18)
    expect(fakedFrames(0, job.jobId, list)).toEqual([])
    expect(fakedFrames(1, job.jobId, list)).toEqual(list)
  })
})

describe('a cheating worker in the task runner', () => {
  it('commits honestly to the pixels it faked', async () => {
    const workerSeed = seedOf(0x21)
    const creator = new FakeCreator()
    const renderer = new FakeRenderer()
    const blobs = new MapBlobs()
    const client = new TaskClient({ ed, seed: workerSeed, publicKey: ed.publicKey(workerSeed), rpc: creator.rpc, now: Date.now })
    const deps = { client, renderer, blobs, scenes: new SceneCache({ blobs, dir: join(dir, 'scenes'), logger }), workDir: join(dir, 'tasks'), now: Date.now, logger, tamper: createCheat('half-res') }
    const lease = leaseFor(ed.publicKey(workerSeed), { frameStart: 1, frameEnd: 2 })
    creator.current = lease
    const outcome = await runTask(deps, { creator: creator.ref, announcement: announcement() }, lease, { signal: new AbortController().signal })
    expect(outcome.status).toBe('committed')
    expect(renderer.requests[0]!.settings).toMatchObject({ width: 4, height: 3 })
    const c = creator.commitments[0]!.payload
    for (const f of c.frames) {
      const png = blobs.blobs.get(toHex(f.blobId))!
      const decoded = await decodePng(png, { width: 8, height: 6 })
      expect(toHex(pixelHash(decoded))).toBe(toHex(f.pixelHash))
      expect(Buffer.from(decoded.pixels).equals(framePixels(f.frame, 8, 6))).toBe(false)
    }
  })
})
