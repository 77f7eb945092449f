// The render network end to end, with real node processes on 127.0.0.1:
// a creator and three workers finish a 24-frame job whose frames equal a
// local reference render; a worker SIGKILLed mid-task loses its lease and
// another finishes the task; a creator SIGKILLed mid-job resumes it.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../node/api/client.ts'
import { downloadFrames, prepareJob, submitJob, waitForJob } from '../../node/cli/job-client.ts'
import { decodePng } from '../../node/images/png.ts'
import { silentLogger } from '../../node/log.ts'
import { createBuiltinRenderer } from '../../node/renderers/builtin/index.ts'
import type { JobView } from '../../node/roles/creator/index.ts'
import { Testnet } from '../../testnet/launcher.ts'
import { pictor } from './helpers/cli.ts'
import { waitFor } from './helpers/nodes.ts'

const SCENE = join(import.meta.dirname, '..', '..', 'testnet', 'scenes', 'tiny.json')
const LEASE_MS = 5000
let testnet: Testnet
let scratch: string

const client = () => ApiClient.fromDataDir(testnet.node('creator').dataDir)

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pictor-render-e2e-'))
  testnet = new Testnet({ workers: 3, checkers: 0, logLevel: 'info', extraArgs: { creator: ['--lease-ms', String(LEASE_MS)], worker: ['--threads', '1'] } })
  await testnet.start()
  await testnet.waitReady()
})

afterAll(async () => {
  await testnet?.stop()
  await rm(scratch, { recursive: true, force: true })
})

async function waitJob(id: string, timeoutMs: number): Promise<JobView> {
  const c = await client()
  return Promise.race([
    waitForJob(c, id, () => {}),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`job ${id} not done in ${timeoutMs} ms`)), timeoutMs))
  ])
}

/** Waits until some task is being rendered, and returns the testnet node rendering it. */
async function nodeRendering(id: string): Promise<{ name: string; frame: number }> {
  let found: { name: string; frame: number } | undefined
  await waitFor(async () => {
    const view = await (await client()).request<JobView>('GET', `/api/jobs/${id}`)
    const busy = view.frames.find((f) => f.status === 'processing' && f.worker !== undefined)
    const peer = view.workers.find((w) => w.publicKey === busy?.worker)?.peerId
    const node = testnet.nodes.find((n) => n.peerId === peer)
    if (busy && node) found = { name: node.name, frame: busy.frame }
    return found !== undefined
  }, 60_000, 'a task being rendered')
  return found!
}

describe('render network', () => {
  it('renders a 24-frame job across three workers, pixel-identical to a local render', async () => {
    const spec = await prepareJob(SCENE, { renderer: 'builtin', frameStart: 1, frameEnd: 24, framesPerTask: 2, width: 64, height: 36, samples: 4, seed: 3, maxPrice: 1000 })
    const job = await submitJob(await client(), SCENE, spec)
    const done = await waitJob(job.id, 90_000)
    expect(done.status).toBe('completed')
    expect(done.counts.succeeded).toBe(24)
    const paths = await downloadFrames(await client(), done, join(scratch, 'network'))
    expect(paths).toHaveLength(24)

    const renderer = createBuiltinRenderer({ threads: 1, logger: silentLogger })
    try {
      const frames = Array.from({ length: 24 }, (_, i) => i + 1)
      const local = await renderer.renderFrames({ scenePath: SCENE, frames, settings: { width: 64, height: 36, samples: 4, seed: 3 }, outDir: join(scratch, 'local') })
      for (const [i, frame] of local.entries()) {
        const a = await decodePng(await readFile(frame.path), spec)
        const b = await decodePng(await readFile(paths[i]), spec)
        expect(Buffer.from(b.pixels).equals(Buffer.from(a.pixels)), `frame ${frame.frame}`).toBe(true)
      }
    } finally {
      await renderer.close()
    }
    const paid = done.workers.reduce((sum, w) => sum + BigInt(w.paid), 0n)
    expect(paid).toBeGreaterThan(0n)
    expect(done.workers.reduce((n, w) => n + w.frames, 0)).toBe(24)
  })

  it('requeues the task of a worker killed mid-render, and the job still completes', async () => {
    const spec = await prepareJob(SCENE, { renderer: 'builtin', frameStart: 1, frameEnd: 12, framesPerTask: 2, width: 320, height: 180, samples: 24, seed: 5, maxPrice: 1000 })
    const job = await submitJob(await client(), SCENE, spec)
    const victim = await nodeRendering(job.id)
    await testnet.kill(victim.name, 'SIGKILL')
    const done = await waitJob(job.id, 120_000)
    expect(done.status).toBe('completed')
    expect(done.counts.succeeded).toBe(12)
    const retried = done.frames.find((f) => f.frame === victim.frame)!
    expect(retried.attempts).toBeGreaterThanOrEqual(2)
    const victimKey = done.workers.find((w) => w.peerId === testnet.node(victim.name).peerId)?.publicKey
    expect(retried.worker).not.toBe(victimKey)
    testnet.restart(victim.name)
  })

  it('resumes a job after the creator is killed and restarted', async () => {
    const spec = await prepareJob(SCENE, { renderer: 'builtin', frameStart: 1, frameEnd: 16, framesPerTask: 2, width: 320, height: 180, samples: 16, seed: 9, maxPrice: 1000 })
    const job = await submitJob(await client(), SCENE, spec)
    await nodeRendering(job.id)
    await testnet.kill('creator', 'SIGKILL')
    testnet.restart('creator')
    await waitFor(async () => (await testnet.status(testnet.node('creator'))) !== undefined, 30_000, 'creator back')
    const done = await waitJob(job.id, 120_000)
    expect(done.status).toBe('completed')
    expect(done.counts.succeeded).toBe(16)
  })

  it('stops leasing at the job\'s deadline (--timeout-stop), stops renders running then, and alerts on long tasks (--timeout-alert)', async () => {
    const data = testnet.node('creator').dataDir
    // Far more work than 8 s on three single-threaded workers: the deadline, not completion, ends this job.
    const submitted = await pictor(['job', 'submit', SCENE, '--frames', '1-48', '--frames-per-task', '1', '--resolution', '320x180', '--samples', '64', '--max-price', '1000', '--timeout-stop', '8s', '--timeout-alert', '1s', '--data-dir', data])
    expect(submitted.code, submitted.stderr).toBe(0)
    const id = submitted.stdout.trim()
    // Renders running at the deadline are stopped, so their leases run out and nothing stays in flight.
    const watched = await pictor(['job', 'watch', id, '--data-dir', data])
    expect(watched.code).toBe(1)
    expect(watched.stdout).toMatch(/job (active|expired), deadline passed at .*: no new leases; \d+ frames undone/)
    const view = await (await client()).request<JobView>('GET', `/api/jobs/${id}`)
    expect(view.timeoutAlertS).toBe(1)
    expect(view.deadline.passed).toBe(true)
    expect(view.deadline.undone.length).toBeGreaterThan(0)
    expect(view.deadline.undone).toEqual(view.frames.filter((f) => f.status !== 'succeeded').map((f) => f.frame))
    // A lease ends by expiry no sooner than its 5 s: every render stopped at the deadline ran over the 1 s alert.
    expect(view.alerts.length).toBeGreaterThan(0)
    expect(view.timing.long.some((a) => a.overAlert)).toBe(true)
    // Stopped renders commit nothing: their leases ran out.
    expect(view.timing.workers.reduce((n, w) => n + w.expired, 0)).toBeGreaterThan(0)
    const status = await pictor(['job', 'status', id, '--data-dir', data])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/deadline passed at .*frames undone/)
    expect(status.stdout).toMatch(/alerts +tasks over 1\.0s \(--timeout-alert\): [1-9]/)
    expect(status.stdout).toMatch(/timing +/)
    // No lease after the deadline: nothing is picked up again.
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS))
    const later = await (await client()).request<JobView>('GET', `/api/jobs/${id}`)
    expect(later.counts.processing).toBe(0)
    expect(later.frames.map((f) => f.attempts)).toEqual(view.frames.map((f) => f.attempts))
    // Nothing in flight past the deadline: the job has ended, its undone tasks cancelled (R53 7a).
    expect(later.status).toBe('expired')
  })
})
