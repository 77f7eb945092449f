import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bytesEqual, merkleRoot, toHex } from '../../../../../protocol/index.ts'
import { SceneCache } from '../../../../../node/roles/worker/scene-cache.ts'
import { TaskClient } from '../../../../../node/roles/worker/task-client.ts'
import { renderCap, runTask, type TaskRunnerDeps } from '../../../../../node/roles/worker/task-runner.ts'
import { announcement, ed, FakeCreator, FakeRenderer, framePixels, leaseFor, logger, MapBlobs, seedOf, sha256 } from './fakes.ts'

const WORKER_SEED = seedOf(0x11)
const WORKER_KEY = ed.publicKey(WORKER_SEED)

describe('task runner', () => {
  let dir: string
  let creator: FakeCreator
  let renderer: FakeRenderer
  let blobs: MapBlobs
  let deps: TaskRunnerDeps

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-worker-'))
    creator = new FakeCreator()
    renderer = new FakeRenderer()
    blobs = new MapBlobs()
    const client = new TaskClient({ ed, seed: WORKER_SEED, publicKey: WORKER_KEY, rpc: creator.rpc, now: Date.now })
    const scenes = new SceneCache({ blobs, dir: join(dir, 'scenes'), logger })
    deps = { client, renderer, blobs, scenes, workDir: join(dir, 'tasks'), now: Date.now, logger, renewEveryMs: 20 }
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const job = () => ({ creator: creator.ref, announcement: announcement() })

  it('renders the leased frames once, renews with framesDone, and commits a correct Merkle root', async () => {
    const lease = leaseFor(WORKER_KEY, { frameStart: 3, frameEnd: 5 })
    creator.current = lease
    // Hold the render after frame 3 until a renewal reached the creator, so the heartbeat must carry progress.
    renderer.between = async (frame) => {
      if (frame === 3) await creator.nextRenewal()
    }
    const outcome = await runTask(deps, job(), lease, { signal: new AbortController().signal })

    expect(outcome.status).toBe('committed')
    expect(renderer.requests).toHaveLength(1)
    expect(renderer.requests[0]!.frames).toEqual([3, 4, 5])
    expect(renderer.requests[0]!.settings).toEqual({ width: 8, height: 6, samples: 4, seed: 3 })
    expect(creator.renewals.length).toBeGreaterThanOrEqual(1)
    expect(Math.max(...creator.renewals.map((r) => r.framesDone))).toBeGreaterThanOrEqual(1)
    expect(toHex(creator.renewals[0]!.leaseId)).toBe(toHex(lease.leaseId))
    // The scene came from the job's creator first.
    expect(blobs.fetched).toEqual([{ id: toHex(announcement().sceneBlob), peers: [creator.ref.peerId] }])

    expect(creator.commitments).toHaveLength(1)
    const { payload: c, signer } = creator.commitments[0]!
    expect(bytesEqual(signer, WORKER_KEY)).toBe(true)
    expect(c.taskIndex).toBe(lease.taskIndex)
    expect(c.frames.map((f) => f.frame)).toEqual([3, 4, 5])
    for (const f of c.frames) {
      // pixelHash is over decoded RGBA, blobId over the stored PNG bytes, and the blob is kept for the creator to fetch.
      expect(toHex(f.pixelHash)).toBe(toHex(sha256(framePixels(f.frame, 8, 6))))
      const png = blobs.blobs.get(toHex(f.blobId))
      expect(png).toBeDefined()
      expect(toHex(sha256(png!))).toBe(toHex(f.blobId))
    }
    expect(toHex(c.merkleRoot)).toBe(toHex(merkleRoot(c.frames)))
    expect(outcome.merkleRoot).toBe(toHex(c.merkleRoot))
    // Scratch output is gone; the blobs stay.
    expect(await readdir(join(dir, 'tasks'))).toEqual([])
  })

  it('aborts the render and commits nothing when a renewal says notLeaseHolder', async () => {
    const lease = leaseFor(WORKER_KEY)
    creator.onRenew = () => 'notLeaseHolder'
    let aborted = false
    renderer.between = (_frame, request) =>
      new Promise((_resolve, reject) => {
        request.signal!.addEventListener('abort', () => {
          aborted = true
          reject(request.signal!.reason)
        })
      })
    const outcome = await runTask(deps, job(), lease, { signal: new AbortController().signal })
    expect(outcome).toMatchObject({ status: 'lost', code: 'notLeaseHolder', framesDone: 1 })
    expect(aborted).toBe(true)
    expect(creator.commitments).toHaveLength(0)
  })

  it.each(['leaseExpired', 'jobDone'] as const)('drops the task on %s', async (code) => {
    creator.onRenew = () => code
    renderer.between = (_f, request) => new Promise((_r, reject) => request.signal!.addEventListener('abort', () => reject(request.signal!.reason)))
    const outcome = await runTask(deps, job(), leaseFor(WORKER_KEY), { signal: new AbortController().signal })
    expect(outcome).toMatchObject({ status: 'lost', code })
  })

  it('keeps rendering through a busy renewal and updates the lease from an ok one', async () => {
    const lease = leaseFor(WORKER_KEY)
    creator.current = lease
    let n = 0
    const onRenew = creator.onRenew
    creator.onRenew = (r) => (++n === 1 ? 'busy' : onRenew(r))
    renderer.between = async () => {
      while (n < 2) await creator.nextRenewal()
    }
    const outcome = await runTask(deps, job(), lease, { signal: new AbortController().signal })
    expect(outcome.status).toBe('committed')
  })

  it('stops when the worker stops', async () => {
    const stop = new AbortController()
    renderer.between = async () => {
      stop.abort(new Error('bye'))
    }
    const outcome = await runTask(deps, job(), leaseFor(WORKER_KEY), { signal: stop.signal })
    expect(outcome.status).toBe('stopped')
    expect(creator.commitments).toHaveLength(0)
  })

  it('aborts a render that runs into the job\'s deadline, with the reason, and commits nothing', async () => {
    let aborted: unknown
    renderer.between = (_f, request) =>
      new Promise((_r, reject) =>
        request.signal!.addEventListener('abort', () => {
          aborted = request.signal!.reason
          reject(request.signal!.reason)
        })
      )
    // Far enough off for the scene fetch to finish first: the cap must reach the renderer.
    const deadlineMs = Date.now() + 300
    const outcome = await runTask(deps, { ...job(), deadlineMs }, leaseFor(WORKER_KEY), { signal: new AbortController().signal })
    expect(outcome).toMatchObject({ status: 'timedOut', code: 'jobDone' })
    expect(outcome.reason).toBe(`render stopped at the job's deadline, ${new Date(deadlineMs).toISOString()} (timeout_stop 3600s): the creator leases no more of it`)
    expect(aborted).toBeInstanceOf(DOMException)
    expect(creator.commitments).toHaveLength(0)
  })

  it('caps the render only when the deadline is within a timer\'s reach', () => {
    expect(renderCap(undefined, 0)).toBeUndefined()
    expect(renderCap(2 ** 31, 0)).toBeUndefined()
    expect(renderCap(1_000, 0)).toBeInstanceOf(AbortSignal)
  })

  it('fails a task whose renderer skipped a frame', async () => {
    renderer.skipFrame = 2
    const outcome = await runTask(deps, job(), leaseFor(WORKER_KEY), { signal: new AbortController().signal })
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toMatch(/frame 2/)
    expect(creator.commitments).toHaveLength(0)
  })

  it('reports a refused commitment with its code', async () => {
    creator.onCommit = () => 'leaseExpired'
    const outcome = await runTask(deps, job(), leaseFor(WORKER_KEY), { signal: new AbortController().signal })
    expect(outcome).toMatchObject({ status: 'rejected', code: 'leaseExpired' })
  })

  it('fetches a shared scene once for many tasks', async () => {
    await Promise.all([0, 1, 2].map((i) => runTask(deps, job(), leaseFor(WORKER_KEY, { taskIndex: i, leaseId: new Uint8Array(16).fill(i + 1) }), { signal: new AbortController().signal })))
    expect(blobs.fetched).toHaveLength(1)
  })

  it('commits the remote refs the blob store gives for the frames, and goes on without them when publishing fails', async () => {
    const ref = { blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: false, offset: 0 }
    const published: string[][] = []
    const publishing = { ...deps, blobs: Object.assign(blobs, { publish: async (ids: string[]) => { published.push(ids); return new Map(ids.map((id, i) => [id, { ...ref, offset: i * 10 }])) } }) }
    const lease = leaseFor(WORKER_KEY, { frameStart: 1, frameEnd: 2 })
    const located = await runTask(publishing, job(), lease, { signal: new AbortController().signal })
    expect(located.status).toBe('committed')
    expect(published).toHaveLength(1)
    expect(published[0]).toHaveLength(2)
    expect(located.frames?.map((f) => f.walrus)).toEqual([{ ...ref, offset: 0 }, { ...ref, offset: 10 }])
    expect(located.frames?.every((f) => f.size !== undefined && f.size > 0)).toBe(true)

    const failing = { ...deps, blobs: Object.assign(new MapBlobs(), { publish: async () => { throw new Error('publisher down') } }) }
    const plain = await runTask(failing, job(), leaseFor(WORKER_KEY, { frameStart: 1, frameEnd: 2, leaseId: new Uint8Array(16).fill(9) }), { signal: new AbortController().signal })
    expect(plain.status).toBe('committed')
    expect(plain.frames?.every((f) => f.walrus === undefined)).toBe(true)
  })
})
