// CPU per task beyond the render, creator and worker together: one job of
// short synthetic frames (FRAME_MS each, 4 frames of 16x16 per task) over
// W = 1, 10, 50 workers, all nodes in this process (lib/synthetic-job.ts).
// The synthetic renderer costs almost nothing (its PNGs are built before
// the run; the write it still does is timed and subtracted), so process CPU
// per task is what the pipeline costs: gossip, claim / commit RPCs, job
// storage, blob store and transfer, the creator's verification. Goals:
// <= 10 ms at W = 1, and no growth with W up to 50.
//
// cpuMsPerTask is read in the steady part of the run: process CPU between
// the acceptance of the first tenth of the results and the last acceptance
// before the last render ended, over the results accepted in between (a run
// cut at its cap is measured the same way). Left out: the start
// (announcement, bids, admission, scene fetches) and the end, where the
// creator drains results rendered and committed earlier: with the last
// acceptance as its end, the window counted those results without the CPU
// that made them, and W = 50 showed 1.7 ms per task against 21 over the
// whole run. Results still in flight when the window ends cost CPU in it
// but do not count, so the figure errs high. Every worker gets at least
// MIN_TASKS_PER_WORKER tasks (more frames for large W), so the window is
// long against what is in flight.
// cpuMsPerTaskWholeRun is submit -> end over all accepted results. The idle
// swarm's own CPU, measured before submission, is reported beside it: it is
// part of each figure, and how much of it per task is idleCpuMsPerTask.
//
// Baseline in the same run: W = 1 again with the data folders in memory
// (/dev/shm, where there is one). The difference is what the disk's file
// system costs per task: each task creates files (the worker's task folder,
// the creator's copies of the frames), and on a file system without a
// journal ext4 skips every inode freed in the last one to five minutes
// before it hands out a new one (perf: find_inode_bit, recently_deleted).
// The report names each data folder's file system (dataFs: type, journal).
//
// W = 1 is short and this machine's CPU figures vary by +-15% from run to
// run, so W = 1 runs W1_RUNS times, on disk and in memory in turn, and its
// figures are the medians (each run's figure is listed beside them).
//
// `node scripts/bench/task-cpu.ts [--frames N] [--frame-ms N] [W ...]`; the
// data folders go to the system temp folder (TMPDIR to put them elsewhere).
import { accessSync, constants } from 'node:fs'
import { parseArgs } from 'node:util'
import { tmpdir } from 'node:os'
import { OFFER_JOIN_DELAY_MS } from '../../node/roles/worker/offers.ts'
import { dataFsOf } from './lib/data-fs.ts'
import { tolerateKnownFaults } from './lib/known-faults.ts'
import { progress, runBench } from './lib/report.ts'
import { round, summarise } from './lib/stats.ts'
import { type CpuSample, runSyntheticJob, type SyntheticJobRun } from './lib/synthetic-job.ts'

const BENCH = 'task-cpu'
const FRAMES_PER_TASK = 4
const SIZE = 16
const IDLE_MS = 2_000
/**
 * A swarm of more than two nodes is still busy with its own start for a few
 * seconds after its mesh forms: peers that join the offers topic hear from
 * every worker OFFER_JOIN_DELAY_MS later. That traffic is not the tasks'
 * and once cost W = 10 as much CPU per task as the tasks did, so the job
 * waits for it to pass.
 */
const SETTLE_MS = OFFER_JOIN_DELAY_MS + 1_000
/** The steady window starts once this share of the results were accepted. */
const WARMUP_SHARE = 0.1
/** The job has at least this many tasks per worker. */
const MIN_TASKS_PER_WORKER = 20
/** Fewer results than this in the window give no figure. */
const MIN_WINDOW_TASKS = 5
/** W = 1 runs (on disk, and again in memory) whose medians are its figures. */
const W1_RUNS = 3

const { values: flags, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { frames: { type: 'string' }, 'frame-ms': { type: 'string' } },
  allowPositionals: true,
  strict: true
})
const FRAME_MS = Number(flags['frame-ms'] ?? 5)
const FRAMES = Number(flags.frames ?? 1000)
const WORKER_COUNTS = positionals.length > 0 ? positionals.map(Number) : [1, 10, 50]
/** W = 1 at ~10 ms per task beyond a 20 ms render ends in ~8 s; larger swarms are cut here... */
const CAP_W1_MS = 30_000
const CAP_MS = 20_000
/** ...unless fewer results than this were accepted by then: then they run on until there are, or this long. */
const MIN_TASKS = 25
const MAX_MS = 60_000

/** A memory file system for the baseline run, if this machine has one we may write to. */
const MEMORY_FS = '/dev/shm'

function memoryFs(): string | undefined {
  try {
    accessSync(MEMORY_FS, constants.W_OK)
    return MEMORY_FS
  } catch {
    return undefined
  }
}

const framesFor = (workers: number) => Math.max(FRAMES, workers * MIN_TASKS_PER_WORKER * FRAMES_PER_TASK)

/** Process CPU less the renderers', per accepted result, between two samples: the steady window (see the top). */
function window(samples: readonly CpuSample[], rendersEndMs: number) {
  const first = samples[Math.max(0, Math.ceil(samples.length * WARMUP_SHARE) - 1)]
  const last = samples.findLast((sample) => sample.atMs <= rendersEndMs)
  if (first === undefined || last === undefined || last.accepted - first.accepted < MIN_WINDOW_TASKS) return undefined
  const tasks = last.accepted - first.accepted
  return {
    tasks,
    ms: last.atMs - first.atMs,
    cpuMsPerTask: (last.cpuMs - first.cpuMs - (last.rendererCpuMs - first.rendererCpuMs)) / tasks,
    rendererCpuMsPerTask: (last.rendererCpuMs - first.rendererCpuMs) / tasks
  }
}

function summariseRun(r: SyntheticJobRun) {
  const steady = window(r.cpuSamples, Math.max(...r.probes.flatMap((probe) => probe.renders.map((span) => span.endMs))))
  return {
    workers: r.workers,
    tasks: r.tasks,
    completed: r.completed,
    verifiedTasks: r.verifiedTasks,
    elapsedMs: r.elapsedMs,
    /** Steady window: process CPU (less the renderers') per accepted result. */
    cpuMsPerTask: steady === undefined ? null : round(steady.cpuMsPerTask, 2),
    windowTasks: steady?.tasks ?? 0,
    tasksPerS: steady === undefined ? null : round((steady.tasks / steady.ms) * 1000, 1),
    /** Submit -> end, over every accepted result. */
    cpuMsPerTaskWholeRun: r.verifiedTasks === 0 ? null : round((r.cpuMs - r.rendererCpuMs) / r.verifiedTasks, 2),
    /** What the idle swarm would have spent per task in the window anyway. */
    idleCpuMsPerTask: steady === undefined || r.idleCpuCores === null ? null : round((r.idleCpuCores * steady.ms) / steady.tasks, 2),
    idleCpuCores: r.idleCpuCores === null ? null : round(r.idleCpuCores, 3),
    /** The synthetic renderers' own CPU per task, already subtracted above. */
    rendererCpuMsPerTask: steady === undefined ? null : round(steady.rendererCpuMsPerTask, 3),
    cpuCores: round(r.cpuMs / r.elapsedMs, 2),
    eventLoopUtilization: round(r.eventLoopUtilization, 3),
    nodesStartMs: r.nodesStartMs
  }
}

async function measure(workers: number, parentDir?: string) {
  const run = await runSyntheticJob({
    bench: BENCH,
    workers,
    frameMs: FRAME_MS,
    frames: framesFor(workers),
    framesPerTask: FRAMES_PER_TASK,
    size: SIZE,
    seed: 0xc9a + workers,
    capMs: workers === 1 ? CAP_W1_MS : CAP_MS,
    minVerified: MIN_TASKS,
    maxMs: MAX_MS,
    settleMs: workers > 1 ? SETTLE_MS : 0,
    idleMs: IDLE_MS,
    parentDir
  })
  const summary = summariseRun(run)
  progress(
    BENCH,
    `W=${workers}${parentDir === undefined ? '' : ` in ${parentDir}`}: ${run.completed ? 'completed' : 'cut'} after ${run.elapsedMs} ms at ${run.verifiedTasks}/${run.tasks} tasks; ${summary.cpuMsPerTask} ms CPU per task (whole run ${summary.cpuMsPerTaskWholeRun}), idle swarm ${summary.idleCpuCores} cores`
  )
  return summary
}

type RunSummary = ReturnType<typeof summariseRun>

/** The run whose cpuMsPerTask is the median of `runs` (the lower middle of an even count), listing every run's figure. */
function medianRun(runs: RunSummary[]): RunSummary & { cpuMsPerTaskRuns: (number | null)[] } {
  const figures = runs.map((r) => r.cpuMsPerTask)
  const measured = runs.filter((r) => r.cpuMsPerTask !== null).sort((a, b) => a.cpuMsPerTask! - b.cpuMsPerTask!)
  const middle = measured[Math.floor((measured.length - 1) / 2)] ?? runs[0]!
  return { ...middle, cpuMsPerTaskRuns: figures }
}

await runBench(BENCH, async () => {
  const runs: RunSummary[] = []
  const faults = tolerateKnownFaults()
  const memoryDir = WORKER_COUNTS.includes(1) ? memoryFs() : undefined
  const onDisk: RunSummary[] = []
  const inMemory: RunSummary[] = []
  try {
    for (const workers of WORKER_COUNTS) {
      if (workers !== 1) {
        runs.push(await measure(workers))
        continue
      }
      // In turn, so a slow spell of the machine falls on both.
      for (let i = 0; i < W1_RUNS; i++) {
        onDisk.push(await measure(1))
        if (memoryDir !== undefined) inMemory.push(await measure(1, memoryDir))
      }
      runs.push(medianRun(onDisk))
    }
  } finally {
    faults.dispose()
  }
  const byW = <T>(pick: (r: RunSummary) => T) => Object.fromEntries(runs.map((r) => [`w${r.workers}`, pick(r)]))
  const w1 = runs.find((r) => r.workers === 1)?.cpuMsPerTask
  const memory = inMemory.length > 0 ? medianRun(inMemory) : undefined
  const diskMsPerTask = summarise(onDisk.flatMap((disk, i) => (disk.cpuMsPerTask === null || inMemory[i]?.cpuMsPerTask == null ? [] : [disk.cpuMsPerTask - inMemory[i].cpuMsPerTask])))
  return {
    bench: BENCH,
    params: { settleMs: SETTLE_MS, frameMs: FRAME_MS, frames: FRAMES, framesPerTask: FRAMES_PER_TASK, size: `${SIZE}x${SIZE}`, slotsPerWorker: 1, workerCounts: WORKER_COUNTS, framesByW: Object.fromEntries(WORKER_COUNTS.map((w) => [`w${w}`, framesFor(w)])), w1Runs: W1_RUNS, capMs: { w1: CAP_W1_MS, other: CAP_MS, untilTasks: MIN_TASKS, atMost: MAX_MS }, warmupShare: WARMUP_SHARE },
    /** Process CPU per task beyond the render, steady window, per worker count (W = 1: the median run). */
    cpuMsPerTask: byW((r) => r.cpuMsPerTask),
    /** Each worker count's cpuMsPerTask over W = 1's. */
    growthOverW1: byW((r) => (r.cpuMsPerTask === null || w1 === undefined || w1 === null ? null : round(r.cpuMsPerTask / w1, 2))),
    runs,
    /** Where the data folders were, and on what file system. */
    dataFs: dataFsOf(tmpdir()),
    /** Node faults survived (lib/known-faults.ts); each would have crashed the process. */
    knownFaults: faults.counts,
    goals: { 'cpuMsPerTask.w1': '<= 10', 'growthOverW1.w10': '<= 1.1', 'growthOverW1.w50': '<= 1.1' },
    baseline: {
      rendererCpuMsPerTask: byW((r) => r.rendererCpuMsPerTask),
      idleCpuCores: byW((r) => r.idleCpuCores),
      /** W = 1 with the data folders in memory (the median run), and what the disk added per task over it (median of the pairs). */
      memoryFs:
        memory === undefined
          ? { dir: null, why: `no writable ${MEMORY_FS}, or W = 1 not run` }
          : {
              dir: memoryDir,
              dataFs: dataFsOf(memoryDir!),
              cpuMsPerTask: memory.cpuMsPerTask,
              diskMsPerTask: diskMsPerTask.n === 0 ? null : round(diskMsPerTask.median, 2),
              run: memory
            }
    }
  }
})
