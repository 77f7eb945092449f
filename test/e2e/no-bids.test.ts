// Version requests and silent jobs on a real testnet (node processes on
// 127.0.0.1, built-in workers, version "1"): a range the workers meet gets
// bids and completes; a request none meets gets no bid, and after the grace
// period the creator says why, in the API view and in `pictor job status`.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../node/api/client.ts'
import { prepareJob, submitJob, waitForJob } from '../../node/cli/job-client.ts'
import type { JobView } from '../../node/roles/creator/index.ts'
import { Testnet } from '../../testnet/launcher.ts'
import { pictor } from './helpers/cli.ts'
import { waitFor } from './helpers/nodes.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const SCENE = join(ROOT, 'testnet', 'scenes', 'tiny.json')
const tiny = { renderer: 'builtin', frameStart: 1, frameEnd: 2, framesPerTask: 1, width: 32, height: 18, samples: 2, maxPrice: 1000 }
let testnet: Testnet

beforeAll(async () => {
  testnet = new Testnet({ workers: 2, checkers: 0, logLevel: 'warn', extraArgs: { worker: ['--threads', '1'] } })
  await testnet.start()
  await testnet.waitReady()
})

afterAll(async () => {
  await testnet?.stop()
})

const client = () => ApiClient.fromDataDir(testnet.node('creator').dataDir)

describe('renderer version requests', () => {
  it('a range the workers meet gets bids and the job completes', async () => {
    const c = await client()
    const job = await submitJob(c, SCENE, await prepareJob(SCENE, { ...tiny, rendererVersion: '>=1 <2' }))
    const done = await Promise.race([
      waitForJob(c, job.id, () => {}),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('job not done in 90 s')), 90_000))
    ])
    expect(done.status).toBe('completed')
    expect(done.noBids).toBeUndefined()
  })

  it('a request no worker meets says why in the API view and in job status', async () => {
    const c = await client()
    const job = await submitJob(c, SCENE, await prepareJob(SCENE, { ...tiny, rendererVersion: '>=9' }))
    let view: JobView | undefined
    await waitFor(async () => {
      view = await c.request<JobView>('GET', `/api/jobs/${job.id}`)
      return view.noBids !== undefined
    }, 60_000, 'the no-bid reasons')
    expect(view!.noBids).toEqual(['no worker runs builtin >=9 (workers run 1)'])
    expect(view!.workers).toEqual([])

    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'pictor.mjs'), 'job', 'status', job.id, '--data-dir', testnet.node('creator').dataDir])
    expect(stdout).toContain('no bids  no worker runs builtin >=9 (workers run 1)')
  })
})

describe('pictor job plan', () => {
  it("prints tasks, escrow and the fitting workers' asks before anything is uploaded, and why none would bid", async () => {
    const data = testnet.node('creator').dataDir
    // Offers arrive every few seconds: wait until both workers are heard.
    let out = ''
    await waitFor(async () => {
      out = (await pictor(['job', 'plan', SCENE, '--frames', '1-8', '--frames-per-task', '3', '--resolution', '32x18', '--samples', '2', '--max-price', '5000', '--data-dir', data])).stdout
      return out.includes('2 of 2 heard from would bid')
    }, 60_000, 'both workers in the plan')
    expect(out).toMatch(/frames +8 in 3 task\(s\)/)
    expect(out).toMatch(/escrow +\d+\.\d{6} PIC locked at submit/)
    expect(out).toMatch(/asks +\d+ to \d+ µPIC per reference frame/)
    expect(out).toMatch(/estimate +\d+\.\d{6} PIC at the lowest ask/)

    const none = await pictor(['job', 'plan', SCENE, '--frames', '1-2', '--max-price', '1', '--data-dir', data, '--json'])
    expect(none.code).toBe(0)
    const plan = JSON.parse(none.stdout)
    expect(plan.workers).toMatchObject({ heard: 2, fitting: 0 })
    expect(plan.noBids.join(' ')).toMatch(/price cap/)

    // Worker filters: the workers run with the default region "unknown" and no GPU.
    const filtered = JSON.parse((await pictor(['job', 'plan', SCENE, '--frames', '1-2', '--max-price', '5000', '--region', 'mars', '--gpus', '1', '--data-dir', data, '--json'])).stdout)
    expect(filtered.workers.fitting).toBe(0)
    expect(filtered.noBids.join(' ')).toMatch(/mars/)
  })
})
