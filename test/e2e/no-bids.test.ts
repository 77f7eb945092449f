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
