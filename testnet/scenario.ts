// A job run on a live testnet, checked against a local reference render:
// the adversarial scenarios (cheating workers, colluding checkers) and the
// researcher's `--job` run use it.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiClient } from '../node/api/client.ts'
import { downloadFrames, prepareJob, progressLine, submitJob, waitForJob } from '../node/cli/job-client.ts'
import { decodePng } from '../node/images/png.ts'
import { silentLogger } from '../node/log.ts'
import { createBuiltinRenderer } from '../node/renderers/builtin/index.ts'
import type { JobView } from '../node/roles/creator/index.ts'
import type { Testnet } from './launcher.ts'

export const SCENARIO_SCENE = join(import.meta.dirname, 'scenes', 'tiny.json')
export const SCENARIO_JOB = { renderer: 'builtin', frameStart: 1, frameEnd: 24, framesPerTask: 2, width: 96, height: 54, samples: 8, seed: 11, maxPrice: 1000 }

export interface ScenarioReport {
  job: JobView
  wallS: number
  /** Frames whose pixels differ from the local reference render. */
  dishonestFrames: number[]
  /** Testnet node names the creator excluded for cheating. */
  caught: string[]
}

export async function runScenarioJob(testnet: Testnet, log: (line: string) => void = () => {}): Promise<ScenarioReport> {
  const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
  const spec = await prepareJob(SCENARIO_SCENE, SCENARIO_JOB)
  const started = Date.now()
  const submitted = await submitJob(client, SCENARIO_SCENE, spec)
  let last = ''
  const job = await waitForJob(client, submitted.id, (view) => {
    const line = progressLine(view)
    if (line !== last) log(line)
    last = line
  })
  const wallS = (Date.now() - started) / 1000
  const scratch = await mkdtemp(join(tmpdir(), 'pictor-scenario-'))
  const renderer = createBuiltinRenderer({ threads: 1, logger: silentLogger })
  try {
    const paths = await downloadFrames(client, job, join(scratch, 'network'))
    const frames = job.frames.map((f) => f.frame)
    const reference = await renderer.renderFrames({ scenePath: SCENARIO_SCENE, frames, settings: { width: spec.width, height: spec.height, samples: spec.samples, seed: spec.seed }, outDir: join(scratch, 'reference') })
    const dishonestFrames: number[] = []
    for (const [i, ref] of reference.entries()) {
      const got = paths[i] === undefined ? undefined : await decodePng(await readFile(paths[i]), spec)
      const want = await decodePng(await readFile(ref.path), spec)
      if (got === undefined || !Buffer.from(got.pixels).equals(Buffer.from(want.pixels))) dishonestFrames.push(ref.frame)
    }
    const names = new Map(testnet.nodes.map((n) => [n.peerId, n.name]))
    const caught = job.workers.filter((w) => w.banned).map((w) => names.get(w.peerId) ?? w.peerId)
    return { job, wallS, dishonestFrames, caught }
  } finally {
    await renderer.close()
    await rm(scratch, { recursive: true, force: true })
  }
}
