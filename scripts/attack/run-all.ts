// `npm run attack [-- name-filter ...]`: the attack suite of issue 12, apart
// from `npm test`. Each scenario attacks real nodes on 127.0.0.1 from its own
// process, one after another (they would skew each other on 2 cores), under
// a time limit. Each prints one JSON line {"scenario", "pass", "bar", ...};
// this runner echoes it to stdout, writes all of them to
// attack-results/latest.json and a summary table to stderr, and exits 1 when
// any scenario fails its bar, crashes, outlives its limit or does not exit.
//
// Adding a scenario: write scripts/attack/<name>.ts that ends with
// `await runScenario('<name>', BAR, async () => ({ failures, ...figures }))`
// (lib/report.ts), and add it to SCENARIOS below with a time limit. The
// whole suite must stay under 10 minutes on a 2-core machine.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { runChild } from '../bench/lib/child-run.ts'
import type { AttackResult } from './lib/report.ts'
import { formatSummary, type SummaryRun } from './lib/summary.ts'

interface ScenarioSpec {
  name: string
  /** Kill after this long; a typical run takes about half of it. */
  timeoutMs: number
}

const SCENARIOS: ScenarioSpec[] = [
  { name: 'malformed', timeoutMs: 120_000 },
  { name: 'floods', timeoutMs: 120_000 },
  { name: 'gossip', timeoutMs: 120_000 },
  { name: 'forged-checks', timeoutMs: 150_000 },
  { name: 'dht', timeoutMs: 150_000 },
  // 20 kill rounds (~2 min), then up to 75 s for every job to complete and settle.
  { name: 'crashes', timeoutMs: 300_000 },
  { name: 'partition', timeoutMs: 200_000 }
]
/** How long a scenario may take to exit after printing its result (it stops its nodes first). */
const EXIT_GRACE_MS = 15_000

const HERE = import.meta.dirname
const ROOT = join(HERE, '..', '..')
const OUT = join(ROOT, 'attack-results', 'latest.json')

async function runOne(spec: ScenarioSpec): Promise<SummaryRun & { exitCode: number | null }> {
  const run = await runChild<AttackResult>(
    { file: join(HERE, `${spec.name}.ts`), timeoutMs: spec.timeoutMs, exitGraceMs: EXIT_GRACE_MS, cwd: ROOT, env: { ...process.env, PICTOR_LOG: process.env.PICTOR_LOG ?? 'error' } },
    'scenario'
  )
  const error = run.timedOut && run.result === undefined ? `timed out after ${spec.timeoutMs / 1000} s` : `exited with ${run.exitCode} and no JSON result: ${run.lastStderrLine}`
  return {
    name: spec.name,
    result: run.result ?? { scenario: spec.name, pass: false, bar: '', error },
    wallMs: run.wallMs,
    exitCode: run.exitCode,
    exitedCleanly: !run.killedAfterResult && !run.timedOut
  }
}

const filters = process.argv.slice(2)
const selected = SCENARIOS.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)))
if (selected.length === 0) {
  process.stderr.write(`no scenario matches ${filters.join(' ')}; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}\n`)
  process.exit(2)
}

const startedAt = new Date().toISOString()
const runs: Awaited<ReturnType<typeof runOne>>[] = []
for (const spec of selected) {
  process.stderr.write(`--- ${spec.name}\n`)
  const run = await runOne(spec)
  process.stdout.write(`${JSON.stringify(run.result)}\n`)
  runs.push(run)
}

await mkdir(dirname(OUT), { recursive: true })
const tmp = `${OUT}.tmp`
await writeFile(
  tmp,
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
await rename(tmp, OUT)
const totalS = runs.reduce((sum, r) => sum + r.wallMs, 0) / 1000
process.stderr.write(`\n${formatSummary(runs)}\ntotal ${totalS.toFixed(1)} s; results: ${OUT}\n`)
process.exitCode = runs.every((r) => r.result.pass && r.result.error === undefined && r.exitedCleanly) ? 0 : 1
