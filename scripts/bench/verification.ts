// Verification at the default level, on the built-in renderer:
//   overhead        checker time / worker time for one job (every task
//                   checked once: integrity on every frame plus the sampled
//                   tiles), and re-rendered pixels / rendered pixels.
//   detection       per cheat strategy, the share of task checks that
//                   rejected it (whole-task cheats are caught whenever a
//                   frame is sampled; fraction:0.1 should be ~1 - 0.9^k).
//   falseRejection  honest tasks over many seeds and beacons: rejections.
// Baseline: the analytic figures the level was designed to (levels.ts).
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeEd25519 as ed } from '../../node/identity/ed25519.ts'
import { decodePng, pixelHash } from '../../node/images/png.ts'
import { silentLogger } from '../../node/log.ts'
import { checkTask } from '../../node/roles/checker/check-task.ts'
import { type Cheat, createCheat, fakedFrames } from '../../testnet/cheat.ts'
import { createBuiltinRenderer } from '../../node/renderers/builtin/index.ts'
import type { Renderer } from '../../node/renderers/types.ts'
import { announcementOf, checkOverhead, detectionProbability, type FrameResult, type JobAnnouncement, type JobSpec, merkleRoot, openCheckRequest, parseEnvelope, type ResultCommitment, sampleFor, signEnvelope, taskAt, taskCount, validateJobSpec, VERIFICATION_LEVELS } from '../../protocol/index.ts'
import { progress, runBench } from './lib/report.ts'
import { round } from './lib/stats.ts'

const BENCH = 'verification'
const SCENE = join(import.meta.dirname, '../../testnet/scenes/tiny.json')
const LEVEL = 'standard'
/** An established worker: the level's own rate, no newcomer factor. */
const REPUTATION = { verifiedFrames: 10_000, rejectedTasks: 0 }
const OVERHEAD_JOB = { frames: 32, framesPerTask: 8, width: 256, height: 144, samples: 8 }
const SCENARIO_JOB = { frames: 32, framesPerTask: 4, width: 64, height: 36, samples: 4 }
const STRATEGIES = ['black', 'previous-frame', 'fewer-samples', 'half-res', 'noise', 'copy', 'fraction:0.1']
const BEACONS_PER_TASK = 3
/** PICTOR_BENCH_HONEST_SEEDS raises the false-rejection sample (docs/verification.md used 130). */
const HONEST_SEEDS = Number(process.env.PICTOR_BENCH_HONEST_SEEDS ?? 8)

const creatorSeed = new Uint8Array(32).fill(41)
const workerSeed = new Uint8Array(32).fill(42)
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest()

interface Job {
  announcement: JobAnnouncement
  envelope: Uint8Array
  files: Map<string, string>
}

async function makeJob(over: typeof SCENARIO_JOB, seed: number): Promise<Job> {
  const scene = await readFile(SCENE)
  const spec: JobSpec = validateJobSpec({ renderer: 'builtin', sceneBlob: sha(scene).toString('hex'), sceneSize: (await stat(SCENE)).size, frameStart: 1, frameEnd: over.frames, framesPerTask: over.framesPerTask, width: over.width, height: over.height, samples: over.samples, seed, maxPrice: 1000 })
  const announcement = announcementOf(spec, { creatorPublicKey: ed.publicKey(creatorSeed), nonce: new Uint8Array(16).fill(seed & 255), addrs: [], timestampMs: Date.now() })
  return { announcement, envelope: signEnvelope(ed, creatorSeed, 'JobAnnouncement', announcement), files: new Map([[spec.sceneBlob, SCENE]]) }
}

/** The worker's path (task-runner.ts): render, apply any cheat, commit to the pixels. */
async function render(renderer: Renderer, job: Job, taskIndex: number, dir: string, cheat?: Cheat): Promise<{ commitment: ResultCommitment; envelope: Uint8Array }> {
  const a = job.announcement
  const task = taskAt(a, taskIndex)!
  const frames = Array.from({ length: task.frameEnd - task.frameStart + 1 }, (_, i) => task.frameStart + i)
  const settings = { width: a.width, height: a.height, samples: a.samples, seed: a.seed }
  const outputs = (await renderer.renderFrames({ scenePath: SCENE, frames, settings: cheat?.renderSettings(settings) ?? settings, outDir: join(dir, `t${taskIndex}`) })).sort((x, y) => x.frame - y.frame)
  await cheat?.apply(outputs, { jobId: a.jobId, width: a.width, height: a.height })
  const results: FrameResult[] = []
  for (const out of outputs) {
    const bytes = await readFile(out.path)
    const id = sha(bytes)
    job.files.set(id.toString('hex'), out.path)
    results.push({ frame: out.frame, blobId: id, pixelHash: pixelHash(await decodePng(bytes, a)) as Uint8Array<ArrayBuffer> })
  }
  const commitment: ResultCommitment = { jobId: a.jobId, taskIndex, leaseId: new Uint8Array(16).fill(1), merkleRoot: merkleRoot(results) as Uint8Array<ArrayBuffer>, frames: results, timestampMs: Date.now() }
  return { commitment, envelope: signEnvelope(ed, workerSeed, 'ResultCommitment', commitment) }
}

/** The creator's request, opened as the checker opens it, then checked. */
async function check(renderer: Renderer, job: Job, committed: { commitment: ResultCommitment; envelope: Uint8Array }, beaconIndex: number, workDir: string) {
  const c = committed.commitment
  const beacon = sha(new TextEncoder().encode(`bench-beacon-${beaconIndex}`))
  const sample = sampleFor({ beacon, ...c, frames: c.frames.map((f) => f.frame), width: job.announcement.width, height: job.announcement.height, level: LEVEL, reputation: REPUTATION })
  const env = parseEnvelope(committed.envelope)
  const payload = {
    jobAnnouncement: Uint8Array.from(job.envelope),
    commitment: { type: env.type, payload: Uint8Array.from(env.payloadBytes), publicKey: Uint8Array.from(env.publicKey), signature: Uint8Array.from(env.signature) },
    beacon,
    frames: sample.frames,
    tiles: sample.tiles,
    redundancyIndex: 0,
    timestampMs: Date.now()
  }
  const request = parseEnvelope(signEnvelope(ed, creatorSeed, 'CheckRequest', payload), 'CheckRequest')
  const fetcher = { fetch: async (id: string) => job.files.get(id) ?? Promise.reject(new Error(`no blob ${id}`)) }
  const deps = { fetcher, rendererFor: () => renderer, workDir, logger: silentLogger }
  return checkTask(deps, openCheckRequest(ed, request.payload, request.publicKey), AbortSignal.timeout(120_000))
}

await runBench(BENCH, async () => {
  const renderer = createBuiltinRenderer({ threads: 1 })
  const dir = await mkdtemp(join(tmpdir(), 'pictor-bench-verify-'))
  try {
    // Overhead: one job rendered by an honest worker, each task checked once.
    progress(BENCH, `overhead: ${OVERHEAD_JOB.frames} frames at ${OVERHEAD_JOB.width}x${OVERHEAD_JOB.height}`)
    const job = await makeJob(OVERHEAD_JOB, 1)
    const tasks = taskCount(job.announcement)
    let started = performance.now()
    const committed = []
    for (let t = 0; t < tasks; t++) committed.push(await render(renderer, job, t, join(dir, 'overhead')))
    const workerMs = performance.now() - started
    started = performance.now()
    let pixels = 0
    for (const [t, c] of committed.entries()) {
      const outcome = await check(renderer, job, c, t, join(dir, 'check'))
      if (!outcome.accepted) throw new Error(`honest task ${t} rejected: ${outcome.reason}`)
      pixels += outcome.pixelsRendered
    }
    const checkerMs = performance.now() - started

    // Detection: each cheat on every task of a small job, checked on several beacons.
    const detection: Record<string, { checks: number; caught: number; rate: number; fakedShare?: number }> = {}
    for (const strategy of STRATEGIES) {
      const cheatJob = await makeJob(SCENARIO_JOB, 2)
      const cheat = createCheat(strategy)
      let caught = 0
      let checks = 0
      for (let t = 0; t < taskCount(cheatJob.announcement); t++) {
        const c = await render(renderer, cheatJob, t, join(dir, strategy), cheat)
        for (let b = 0; b < BEACONS_PER_TASK; b++, checks++) if (!(await check(renderer, cheatJob, c, t * 10 + b, join(dir, 'check'))).accepted) caught++
      }
      detection[strategy] = { checks, caught, rate: round(caught / checks) }
      // fraction:f fakes a fixed set of this job's frames; with one sampled frame per task, expect rate ~ that share.
      if (strategy.startsWith('fraction:')) {
        const all = Array.from({ length: SCENARIO_JOB.frames }, (_, i) => i + 1)
        detection[strategy].fakedShare = round(fakedFrames(Number(strategy.slice(9)), cheatJob.announcement.jobId, all).length / all.length)
      }
      progress(BENCH, `${strategy}: caught ${caught}/${checks}`)
    }

    // False rejections: honest work over many seeds and beacons.
    let honestChecks = 0
    let falseRejections = 0
    for (let seed = 10; seed < 10 + HONEST_SEEDS; seed++) {
      const honestJob = await makeJob(SCENARIO_JOB, seed)
      for (let t = 0; t < taskCount(honestJob.announcement); t++) {
        const c = await render(renderer, honestJob, t, join(dir, `honest-${seed}`))
        for (let b = 0; b < BEACONS_PER_TASK; b++, honestChecks++) if (!(await check(renderer, honestJob, c, seed * 1000 + t * 10 + b, join(dir, 'check'))).accepted) falseRejections++
      }
    }
    progress(BENCH, `honest: ${falseRejections} false rejections in ${honestChecks} checks`)

    const level = VERIFICATION_LEVELS[LEVEL]
    const k = level.frameRate * SCENARIO_JOB.framesPerTask
    return {
      bench: BENCH,
      params: { level: LEVEL, overheadJob: OVERHEAD_JOB, scenarioJob: SCENARIO_JOB, beaconsPerTask: BEACONS_PER_TASK, honestSeeds: HONEST_SEEDS, renderThreads: 1 },
      overhead: { workerMs: Math.round(workerMs), checkerMs: Math.round(checkerMs), timeRatio: round(checkerMs / workerMs, 4), pixelRatio: round(pixels / (OVERHEAD_JOB.frames * OVERHEAD_JOB.width * OVERHEAD_JOB.height), 4) },
      detection,
      falseRejection: { checks: honestChecks, rejected: falseRejections, rate: round(falseRejections / honestChecks, 4) },
      baseline: {
        pixelOverhead: round(checkOverhead(level), 4),
        blenderTimeOverhead: round(checkOverhead(level, { tileCost: 0.1 }), 4),
        sampledFramesPerTask: k,
        wholeTaskCheatDetection: round(detectionProbability(1, k), 4),
        fraction01Detection: round(detectionProbability(0.1, k), 4)
      }
    }
  } finally {
    await renderer.close()
    await rm(dir, { recursive: true, force: true })
  }
})
