// Following a job on a testnet whose creator may be down or restarting, for
// research runs that kill or cut off nodes: the creator's view when it
// answers, polling with a deadline, and the frames downloaded and decoded.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiClient } from '../node/api/client.ts'
import { downloadFrames, prepareJob, submitJob } from '../node/cli/job-client.ts'
import { decodePng } from '../node/images/png.ts'
import type { JobView } from '../node/roles/creator/index.ts'
import type { Testnet } from './launcher.ts'

const TINY_SCENE = join(import.meta.dirname, 'scenes', 'tiny.json')

/** Submits a job on testnet/scenes/tiny.json; returns its id once the creator acknowledged it. */
export async function submitTestnetJob(testnet: Testnet, fields: Record<string, unknown>): Promise<string> {
  const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
  const spec = await prepareJob(TINY_SCENE, fields)
  return (await submitJob(client, TINY_SCENE, spec)).id
}

/** The creator's view of a job, or undefined while the creator is down or restarting. */
export async function jobView(testnet: Testnet, id: string): Promise<JobView | undefined> {
  try {
    const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
    return await client.request<JobView>('GET', `/api/jobs/${id}`)
  } catch {
    return undefined
  }
}

/** Polls until `done` holds for the job's view, or the deadline passes (then the last view, maybe undefined). */
export async function watchJob(testnet: Testnet, id: string, deadline: number, done: (view: JobView) => boolean): Promise<JobView | undefined> {
  let last: JobView | undefined
  while (Date.now() < deadline) {
    last = (await jobView(testnet, id)) ?? last
    if (last !== undefined && done(last)) return last
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return last
}

/** Frames of the view downloaded from the creator that decode as the job's images. */
export async function intactFrames(testnet: Testnet, view: JobView): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-frames-'))
  try {
    const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
    let intact = 0
    for (const path of await downloadFrames(client, view, dir)) {
      await decodePng(await readFile(path), view.spec)
      intact++
    }
    return intact
  } catch {
    return 0
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
