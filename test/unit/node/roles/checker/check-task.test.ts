// The checker pipeline on real built-in renders: every cheat strategy is
// caught, honest work never is, a copying worker always is.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../../../node/log.ts'
import { type CheckTaskDeps, checkTask, escalationFrames } from '../../../../../node/roles/checker/check-task.ts'
import { CheckerError } from '../../../../../node/roles/checker/errors.ts'
import { createCheat, fakedFrames } from '../../../../../testnet/cheat.ts'
import { createBuiltinRenderer } from '../../../../../node/renderers/builtin/index.ts'
import type { Renderer } from '../../../../../node/renderers/types.ts'
import { BeaconStream } from '../../../../../protocol/index.ts'
import { beaconOf, Files, jobFor, opened, requestBytes, workerRenders } from './fixtures.ts'

let renderer: Renderer
let root: string
let dirs = 0
const dir = () => join(root, `d${dirs++}`)

beforeAll(async () => {
  renderer = createBuiltinRenderer({ threads: 2 })
  root = await mkdtemp(join(tmpdir(), 'pictor-check-'))
})
afterAll(async () => {
  await renderer.close()
  await rm(root, { recursive: true, force: true })
})

function deps(files: Files, over: Partial<CheckTaskDeps> = {}): CheckTaskDeps {
  return { fetcher: files.fetcher(), rendererFor: (name) => (name === 'builtin' ? renderer : undefined), workDir: dir(), logger: silentLogger, ...over }
}

const signal = () => AbortSignal.timeout(60_000)

describe('checkTask', () => {
  it('accepts honest work: zero false rejections across seeds and beacons, every pixel compared', async () => {
    let checks = 0
    for (let seed = 1; seed <= 6; seed++) {
      const files = new Files()
      const job = await jobFor(files, { seed })
      const committed = await workerRenders(renderer, files, job.announcement, seed % 2, dir())
      // The full level compares every tile of every frame; standard samples on four beacons.
      const levels = [{ level: 'full' as const, beacon: beaconOf(seed) }, ...[1, 2, 3, 4].map((b) => ({ level: 'standard' as const, beacon: beaconOf(seed * 10 + b) }))]
      for (const opts of levels) {
        const outcome = await checkTask(deps(files), opened(requestBytes(job, committed, opts)), signal())
        expect(outcome, outcome.reason).toMatchObject({ accepted: true })
        expect(outcome.scores.every((s) => s === 100)).toBe(true)
        checks++
      }
    }
    expect(checks).toBe(30)
  })

  it.each(['black', 'previous-frame', 'fewer-samples', 'half-res', 'noise', 'copy', 'fraction:0.5'])('rejects the %s cheat', async (strategy) => {
    const files = new Files()
    const job = await jobFor(files, { seed: 3 })
    const cheat = createCheat(strategy)
    // copy needs a frame from an earlier task of the same job.
    if (strategy === 'copy') await workerRenders(renderer, files, job.announcement, 0, dir(), cheat)
    const committed = await workerRenders(renderer, files, job.announcement, 1, dir(), cheat)
    const outcome = await checkTask(deps(files), opened(requestBytes(job, committed, { level: 'full' })), signal())
    expect(outcome.accepted).toBe(false)
    expect(outcome.reason).toMatch(/frame \d+/)
  })

  it('catches fraction:f exactly when the sample or an escalation hits a faked frame', async () => {
    const files = new Files()
    const job = await jobFor(files, { seed: 4, frames: 8, framesPerTask: 8 })
    const committed = await workerRenders(renderer, files, job.announcement, 0, dir(), createCheat('fraction:0.3'))
    const faked = new Set(fakedFrames(0.3, job.announcement.jobId, [1, 2, 3, 4, 5, 6, 7, 8]))
    expect(faked.size).toBeGreaterThan(0)
    for (let b = 0; b < 8; b++) {
      const req = opened(requestBytes(job, committed, { beacon: beaconOf(100 + b) }))
      const outcome = await checkTask(deps(files), req, signal())
      expect(outcome.accepted).toBe(!req.sample.frames.some((f) => faked.has(f)))
    }
  })

  it('rejects a copying worker every time, whatever the beacon', async () => {
    const files = new Files()
    const job = await jobFor(files, { seed: 5, frames: 12 })
    const cheat = createCheat('copy')
    const tasks = []
    for (let t = 0; t < 3; t++) tasks.push(await workerRenders(renderer, files, job.announcement, t, dir(), cheat))
    for (const committed of tasks) {
      for (let b = 0; b < 4; b++) {
        const outcome = await checkTask(deps(files), opened(requestBytes(job, committed, { beacon: beaconOf(200 + b) })), signal())
        expect(outcome.accepted).toBe(false)
      }
    }
  })

  it('re-renders blank and repeated frames in full instead of rejecting them on sight', async () => {
    const files = new Files()
    const job = await jobFor(files, { seed: 6 })
    const committed = await workerRenders(renderer, files, job.announcement, 0, dir(), createCheat('black'))
    // No sampled tiles at all: the escalation alone catches the blank frames.
    const outcome = await checkTask(deps(files), opened(requestBytes(job, committed, { sample: { frames: [], tiles: [] } })), signal())
    expect(outcome).toMatchObject({ accepted: false, reason: expect.stringMatching(/full frame/) })
    expect(outcome.pixelsRendered).toBe(2 * 64 * 36)
  })

  it('rejects frames the worker serves that are not what it committed', async () => {
    const files = new Files()
    const job = await jobFor(files, { seed: 7 })
    const committed = await workerRenders(renderer, files, job.announcement, 0, dir())
    const other = await workerRenders(renderer, files, (await jobFor(new Files(), { seed: 8 })).announcement, 0, dir())
    // The blob for frame 2 now holds another render: the store would refuse it by hash, so must we.
    files.paths.set(Buffer.from(committed.commitment.frames[1]!.blobId).toString('hex'), files.paths.get(Buffer.from(other.commitment.frames[1]!.blobId).toString('hex'))!)
    const outcome = await checkTask(deps(files), opened(requestBytes(job, committed)), signal())
    expect(outcome).toMatchObject({ accepted: false, reason: expect.stringMatching(/frame 2: file does not hash/) })
  })

  it('cannot check without the frames, the scene or the renderer: unavailable, not a rejection', async () => {
    const files = new Files()
    const job = await jobFor(files, { seed: 9 })
    const committed = await workerRenders(renderer, files, job.announcement, 0, dir())
    const req = opened(requestBytes(job, committed, { level: 'full' }))
    await expect(checkTask(deps(new Files()), req, signal())).rejects.toMatchObject({ code: 'FETCH_FAILED' })
    await expect(checkTask(deps(files, { rendererFor: () => undefined }), req, signal())).rejects.toBeInstanceOf(CheckerError)
  })
})

describe('escalationFrames', () => {
  const stream = () => new BeaconStream(new Uint8Array(32).fill(1), 'escalate/0')

  it('takes two members of a group first, so a frame reused once is always re-rendered', () => {
    for (let i = 0; i < 20; i++) {
      const s = new BeaconStream(new Uint8Array(32).fill(i), 'escalate/0')
      expect(escalationFrames(s, [], [[1, 2], [3, 4], [5, 6]], 2).sort()).toSatisfy((f: number[]) => ['1,2', '3,4', '5,6'].includes(f.join()))
    }
  })

  it('includes lone blank frames, respects the cap, and is deterministic', () => {
    expect(escalationFrames(stream(), [7], [], 2)).toEqual([7])
    expect(escalationFrames(stream(), [1, 2, 3], [[1, 2, 3]], 4)).toHaveLength(2)
    expect(escalationFrames(stream(), [], [[1, 2], [3, 4]], 0)).toEqual([])
    expect(escalationFrames(stream(), [9], [[1, 2], [3, 4]], 5)).toEqual(escalationFrames(stream(), [9], [[1, 2], [3, 4]], 5))
  })
})
