// `npm run bench [-- name-filter ...]`: runs each bench file in its own
// process, one after another (they would skew each other on 2 cores).
// Each bench prints one JSON line on stdout; this runner echoes it to stdout,
// writes all of them to bench-results/latest.json and a summary table to
// stderr. A bench that crashes, prints no JSON or outlives its time limit
// still gets a line: {"bench": name, "error": ...}. A bench that printed its
// line but did not exit by itself (a dangling handle) is killed and flagged.
//
// Adding a bench: write scripts/bench/<name>.ts that ends with
// `await runBench('<name>', async () => ({ bench: '<name>', ...figures, baseline: {...} }))`
// (lib/report.ts), and add its name to BENCHES below.
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runChild } from './lib/child-run.ts'
import type { BenchResult } from './lib/report.ts'
import { formatSummary } from './lib/summary.ts'

interface BenchSpec {
  name: string
  /** Kill after this long: past what the bench takes when every run of it hits its own cap. */
  timeoutMs: number
}

const BENCHES: BenchSpec[] = [
  { name: 'gossip-propagation', timeoutMs: 120_000 },
  { name: 'rpc-roundtrip', timeoutMs: 60_000 },
  { name: 'idle-rss', timeoutMs: 60_000 },
  { name: 'swarm-start', timeoutMs: 240_000 },
  // 200 ms frames: W=1 over 400 frames is 80 s ideal, W=10 and W=50 over 2,000 are 40 s and 8 s;
  // each run is cut at max(1.5x its ideal, ideal + 10 s), and a 51-node swarm must start first.
  { name: 'scheduling', timeoutMs: 480_000 },
  // W = 1, 10, 50 cut at 30 / 20 / 20 s (60 s at most while under 25 results), plus swarm start-up and 2 s idle each.
  { name: 'task-cpu', timeoutMs: 300_000 },
  // The creator's job store, per-task keys against the old whole-record layout, 250 and 2,500 tasks.
  { name: 'job-store', timeoutMs: 120_000 },
  { name: 'blob-throughput', timeoutMs: 180_000 },
  { name: 'verification', timeoutMs: 120_000 },
  { name: 'blender-overhead', timeoutMs: 180_000 },
  // Six `npm start` demos (~25 s each) are most of it.
  { name: 'walrus', timeoutMs: 300_000 },
  // Three `npm start` demos and three `pictor render`s of the same frames.
  { name: 'demo-overhead', timeoutMs: 300_000 },
  // 20 detection seeds (~2 min), then 1,000 and 10,000 simulated nodes.
  { name: 'simulator', timeoutMs: 1_800_000 }
]
/** How long a bench may take to exit after printing its result. */
const EXIT_GRACE_MS = 10_000

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..')
const OUT = join(ROOT, 'bench-results', 'latest.json')

export interface BenchRun {
  name: string
  result: BenchResult
  wallMs: number
  exitCode: number | null
  /** False when the bench had to be killed after printing its result. */
  exitedCleanly: boolean
}

async function runOne(spec: BenchSpec): Promise<BenchRun> {
  const run = await runChild<BenchResult>(
    { file: join(HERE, `${spec.name}.ts`), timeoutMs: spec.timeoutMs, exitGraceMs: EXIT_GRACE_MS, cwd: ROOT, env: { ...process.env, PICTOR_LOG: process.env.PICTOR_LOG ?? 'error' } },
    'bench'
  )
  const error = run.timedOut && run.result === undefined ? `timed out after ${spec.timeoutMs / 1000} s` : `exited with ${run.exitCode} and no JSON result: ${run.lastStderrLine}`
  return {
    name: spec.name,
    result: run.result ?? { bench: spec.name, error },
    wallMs: run.wallMs,
    exitCode: run.exitCode,
    exitedCleanly: !run.killedAfterResult && !run.timedOut
  }
}

const filters = process.argv.slice(2)
const selected = BENCHES.filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)))
if (selected.length === 0) {
  process.stderr.write(`no bench matches ${filters.join(' ')}; benches: ${BENCHES.map((b) => b.name).join(', ')}\n`)
  process.exit(2)
}

const startedAt = new Date().toISOString()
const runs: BenchRun[] = []
for (const spec of selected) {
  process.stderr.write(`--- ${spec.name}\n`)
  const run = await runOne(spec)
  process.stdout.write(`${JSON.stringify(run.result)}\n`)
  runs.push(run)
}

await mkdir(dirname(OUT), { recursive: true })
await writeFile(
  OUT,
  `${JSON.stringify(
    {
      startedAt,
      node: process.version,
      cpus: availableParallelism(),
      results: runs.map((r) => r.result),
      runs: runs.map(({ name, wallMs, exitCode, exitedCleanly }) => ({ name, wallMs, exitCode, exitedCleanly }))
    },
    null,
    2
  )}\n`
)
process.stderr.write(`\n${formatSummary(runs)}\nresults: ${OUT}\n`)
process.exitCode = runs.some((r) => r.result.error !== undefined || !r.exitedCleanly) ? 1 : 0
