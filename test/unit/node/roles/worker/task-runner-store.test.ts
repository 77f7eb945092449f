// The task runner's side of the pipelined worker: frames stored a few at a
// time and without fsync, the commitment only after every frame is stored,
// the claim loop told when the renderer is free, a lease prefetched by the
// claim loop taken over with its keeper, and frame files moved into the
// blob store rather than copied.
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { memoryBlobIndex } from '../../../../../node/blobs/index.ts'
import { LocalBlobStore } from '../../../../../node/blobs/local-store.ts'
import type { BlobPutOptions } from '../../../../../node/blobs/types.ts'
import { frameFileName } from '../../../../../node/renderers/types.ts'
import { LeaseKeeper } from '../../../../../node/roles/worker/lease-keeper.ts'
import { SceneCache } from '../../../../../node/roles/worker/scene-cache.ts'
import { TaskClient } from '../../../../../node/roles/worker/task-client.ts'
import { type DiskFrameDeps, STORE_CONCURRENCY } from '../../../../../node/roles/worker/disk-frames.ts'
import { runTask, type TaskRunnerDeps } from '../../../../../node/roles/worker/task-runner.ts'
import { announcement, ed, FakeCreator, FakeRenderer, leaseFor, logger, MapBlobs, seedOf } from './fakes.ts'

const WORKER_SEED = seedOf(0x11)
const WORKER_KEY = ed.publicKey(WORKER_SEED)

/** A MapBlobs that records each put's options and how many puts ran at once. */
class CountingBlobs extends MapBlobs {
  inFlight = 0
  maxInFlight = 0
  stored = 0
  options: (BlobPutOptions | undefined)[] = []
  sizes: number[] = []
  /** The put that fails, counted from 1 in the order puts arrive. */
  failPut?: number

  override async put(bytes: Uint8Array, options?: BlobPutOptions) {
    const arrival = this.options.push(options)
    this.sizes.push(bytes.byteLength)
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      // Let the other puts start before this one ends.
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (arrival === this.failPut) throw new Error('disk full')
      const stat = await super.put(bytes)
      this.stored++
      return stat
    } finally {
      this.inFlight--
    }
  }
}

describe('task runner storing and hand-offs', () => {
  let dir: string
  let creator: FakeCreator
  let renderer: FakeRenderer
  let blobs: CountingBlobs
  let client: TaskClient
  let deps: TaskRunnerDeps & DiskFrameDeps

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-worker-store-'))
    creator = new FakeCreator()
    renderer = new FakeRenderer()
    blobs = new CountingBlobs()
    client = new TaskClient({ ed, seed: WORKER_SEED, publicKey: WORKER_KEY, rpc: creator.rpc, now: Date.now })
    const scenes = new SceneCache({ blobs, dir: join(dir, 'scenes'), logger })
    deps = { client, renderer, blobs, scenes, workDir: join(dir, 'tasks'), now: Date.now, logger, renewEveryMs: 60_000 }
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const job = () => ({ creator: creator.ref, announcement: announcement() })

  it('stores frames a few at a time without fsync, says when the render is over, and commits once every frame is stored', async () => {
    const lease = leaseFor(WORKER_KEY, { frameStart: 1, frameEnd: 6 })
    const events: string[] = []
    let storedAtCommit = -1
    creator.onCommit = () => {
      storedAtCommit = blobs.stored
      events.push('commit')
      return 'ok'
    }
    renderer.between = async (frame) => void events.push(`frame ${frame}`)
    const outcome = await runTask(deps, job(), lease, { signal: new AbortController().signal, onRendered: () => events.push('rendered') })
    expect(outcome.status).toBe('committed')
    expect(outcome.frames?.map((f) => f.frame)).toEqual([1, 2, 3, 4, 5, 6])
    expect(blobs.maxInFlight).toBe(STORE_CONCURRENCY)
    expect(blobs.options.every((o) => o?.durable === false && o.announce === false)).toBe(true)
    // Each put offers the frame file it was read from, with its stat from before the read.
    for (const [i, o] of blobs.options.entries()) {
      expect(o?.adopt?.path.startsWith(join(dir, 'tasks'))).toBe(true)
      expect(o?.adopt?.read.size).toBe(BigInt(blobs.sizes[i]!))
    }
    expect(storedAtCommit).toBe(6)
    expect(events).toEqual(['frame 1', 'frame 2', 'frame 3', 'frame 4', 'frame 5', 'frame 6', 'rendered', 'commit'])
  })

  it('moves each frame file into a local blob store (no copy) and removes the then empty task folder', async () => {
    const local = new LocalBlobStore({ dir: join(dir, 'store'), index: memoryBlobIndex(), logger })
    await local.start()
    deps.blobs = { put: (bytes, options) => local.put(bytes, options) }
    const inodes = new Map<number, bigint>()
    renderer.between = async (frame, request) => void inodes.set(frame, (await stat(join(request.outDir, frameFileName(frame)), { bigint: true })).ino)
    const outcome = await runTask(deps, job(), leaseFor(WORKER_KEY, { frameStart: 1, frameEnd: 5 }), { signal: new AbortController().signal })
    expect(outcome.status).toBe('committed')
    for (const f of outcome.frames!) {
      const id = Buffer.from(f.blobId).toString('hex')
      const path = local.pathOf(id)
      expect((await stat(path, { bigint: true })).ino).toBe(inodes.get(f.frame))
      expect(createHash('sha256').update(await readFile(path)).digest('hex')).toBe(id)
    }
    expect(await readdir(join(dir, 'tasks'))).toEqual([])
  })

  it('removes the task folder with the frames still in it when the task fails', async () => {
    renderer.skipFrame = 3
    const outcome = await runTask(deps, job(), leaseFor(WORKER_KEY, { frameStart: 1, frameEnd: 4 }), { signal: new AbortController().signal })
    expect(outcome.status).toBe('failed')
    expect(await readdir(join(dir, 'tasks'))).toEqual([])
  })

  it('fails the task on a frame it cannot store, commits nothing, and leaves no store running', async () => {
    blobs.failPut = 2
    let rendered = false
    const outcome = await runTask(deps, job(), leaseFor(WORKER_KEY, { frameStart: 1, frameEnd: 6 }), { signal: new AbortController().signal, onRendered: () => (rendered = true) })
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toMatch(/disk full/)
    expect(rendered).toBe(true)
    expect(blobs.inFlight).toBe(0)
    // No frame started after the failure: the ones already running finished, nothing more.
    expect(blobs.options.length).toBeLessThan(6)
    expect(creator.commitments).toHaveLength(0)
  })

  it('does not say the render is over when it failed', async () => {
    renderer.skipFrame = 2
    let rendered = false
    const outcome = await runTask(deps, job(), leaseFor(WORKER_KEY), { signal: new AbortController().signal, onRendered: () => (rendered = true) })
    expect(outcome.status).toBe('failed')
    expect(rendered).toBe(false)
  })

  it("takes over a prefetched lease's keeper: its renewals go on, its loss aborts the task, and it stops with the task", async () => {
    const lease = leaseFor(WORKER_KEY)
    creator.current = lease
    const keeper = new LeaseKeeper({ client, creator: creator.ref, lease, now: Date.now, logger, renewEveryMs: 5 })
    keeper.start()
    await creator.nextRenewal()
    // The render waits for one more renewal from the same keeper, now carrying progress.
    renderer.between = async (frame) => {
      if (frame === 1) await creator.nextRenewal()
    }
    const outcome = await runTask(deps, job(), lease, { signal: new AbortController().signal, keeper })
    expect(outcome.status).toBe('committed')
    expect(Math.max(...creator.renewals.map((r) => r.framesDone))).toBeGreaterThanOrEqual(1)
    const renewals = creator.renewals.length
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(creator.renewals.length).toBe(renewals)

    const lost = leaseFor(WORKER_KEY, { leaseId: new Uint8Array(16).fill(8) })
    creator.onRenew = () => 'notLeaseHolder'
    const losing = new LeaseKeeper({ client, creator: creator.ref, lease: lost, now: Date.now, logger, renewEveryMs: 5 })
    losing.start()
    // The keeper may lose the lease before the render gets here: a signal already aborted counts too.
    renderer.between = (_f, request) =>
      new Promise((_r, reject) => {
        const signal = request.signal!
        if (signal.aborted) reject(signal.reason)
        signal.addEventListener('abort', () => reject(signal.reason))
      })
    expect(await runTask(deps, job(), lost, { signal: new AbortController().signal, keeper: losing })).toMatchObject({ status: 'lost', code: 'notLeaseHolder' })
  })
})

