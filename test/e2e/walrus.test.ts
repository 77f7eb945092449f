// The job flow through Walrus, end to end: real node processes on 127.0.0.1
// with `--blobs walrus` against the testnet's embedded Walrus server. The
// scene and every task's frames are published there and read back from the
// aggregator; with the aggregator serving corrupted bytes, or the publisher
// failing, readers fall back to peers and the job still completes verified.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../node/api/client.ts'
import { downloadFrames, prepareJob, submitJob, waitForJob } from '../../node/cli/job-client.ts'
import type { NodeStatus } from '../../node/node-status.ts'
import type { JobView } from '../../node/roles/creator/index.ts'
import { Testnet } from '../../testnet/launcher.ts'

const SCENE = join(import.meta.dirname, '..', '..', 'testnet', 'scenes', 'tiny.json')
let testnet: Testnet
let scratch: string

const client = () => ApiClient.fromDataDir(testnet.node('creator').dataDir)

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pictor-walrus-e2e-'))
  testnet = new Testnet({ workers: 2, checkers: 1, blobs: 'walrus', extraArgs: { worker: ['--threads', '1'], creator: ['--verification', 'full'] } })
  await testnet.start()
  await testnet.waitReady()
})

afterAll(async () => {
  await testnet?.stop()
  await rm(scratch, { recursive: true, force: true })
})

async function runJob(seed: number): Promise<JobView> {
  const spec = await prepareJob(SCENE, { renderer: 'builtin', frameStart: 1, frameEnd: 6, framesPerTask: 2, width: 48, height: 32, samples: 2, seed, maxPrice: 1000 })
  const job = await submitJob(await client(), SCENE, spec)
  const done = await Promise.race([
    waitForJob(await client(), job.id, () => {}),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`job ${job.id} not done in 120 s`)), 120_000))
  ])
  expect(done.status).toBe('completed')
  expect(done.counts.succeeded).toBe(6)
  // Every frame verified by the checker, none accepted on integrity alone.
  expect(done.unchecked).toBe(0)
  return done
}

describe('job flow through Walrus', () => {
  it('status names the backend and says it answers', async () => {
    const status = await (await client()).request<NodeStatus>('GET', '/api/status')
    expect(status.blobs).toMatchObject({ backend: 'walrus', ok: true })
  })

  it('publishes the scene and each task\'s frames, and the aggregator serves exactly the downloaded frames', async () => {
    const walrus = testnet.walrus!
    const before = { ...walrus.requests }
    const done = await runJob(1)
    expect(done.spec.sceneWalrus?.blobId).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(done.frames.every((f) => f.walrus !== undefined)).toBe(true)
    // One Walrus object per task of two frames.
    expect(new Set(done.frames.map((f) => f.walrus!.blobId)).size).toBe(3)
    expect(walrus.requests.publisher - before.publisher).toBeGreaterThanOrEqual(4)
    // Workers read the scene, the creator and the checker read frames, from the aggregator.
    expect(walrus.requests.aggregator - before.aggregator).toBeGreaterThanOrEqual(3 + 6)

    const paths = await downloadFrames(await client(), done, join(scratch, 'frames'))
    const f = done.frames[3]!
    const local = await readFile(paths[3]!)
    const res = await fetch(`${walrus.url}/v1/blobs/${f.walrus!.blobId}`, { headers: { range: `bytes=${f.walrus!.offset}-${f.walrus!.offset + local.byteLength - 1}` } })
    expect(res.status).toBe(206)
    expect(Buffer.from(await res.arrayBuffer()).equals(local)).toBe(true)
  })

  it('completes, every frame verified, while the aggregator serves corrupted bytes: readers fall back to peers', async () => {
    const walrus = testnet.walrus!
    walrus.faults.set({ aggregator: { corrupt: true } })
    try {
      const before = walrus.requests.aggregator
      const done = await runJob(2)
      expect(walrus.requests.aggregator).toBeGreaterThan(before)
      expect(done.frames.every((f) => f.walrus !== undefined)).toBe(true)
    } finally {
      walrus.faults.clear()
    }
  })

  it('completes when the publisher fails: refused uploads are retried; frames it never takes are served by peers; a live scene is not sent again', async () => {
    const walrus = testnet.walrus!
    walrus.faults.set({ publisher: { status: 503, count: 2 } })
    const retried = await runJob(3)
    expect(retried.spec.sceneWalrus).toBeDefined()
    walrus.faults.set({ publisher: { status: 500 } })
    try {
      const unpublished = await runJob(4)
      // The scene was published for an earlier job and is still live: not sent again, its ref reused.
      expect(unpublished.spec.sceneWalrus).toEqual(retried.spec.sceneWalrus)
      expect(unpublished.frames.every((f) => f.walrus === undefined)).toBe(true)
    } finally {
      walrus.faults.clear()
    }
  })
})
