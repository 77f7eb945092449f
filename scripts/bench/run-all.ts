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
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchResult } from './lib/report.ts'
import { formatSummary } from './lib/summary.ts'

interface BenchSpec {
  name: string
  /** Kill after this long; the suite is meant to stay under ~4 minutes. */
  timeoutMs: number
}

const BENCHES: BenchSpec[] = [
  { name: 'gossip-propagation', timeoutMs: 120_000 },
  { name: 'rpc-roundtrip', timeoutMs: 60_000 },
  { name: 'idle-rss', timeoutMs: 60_000 },
  { name: 'scheduling', timeoutMs: 240_000 },
  { name: 'blob-throughput', timeoutMs: 90_000 },
  { name: 'verification', timeoutMs: 120_000 },
  { name: 'blender-overhead', timeoutMs: 180_000 },
  // Six `npm start` demos (~25 s each) are most of it.
  { name: 'walrus', timeoutMs: 300_000 }
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

function parseLine(line: string): BenchResult | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const value = JSON.parse(line) as unknown
    if (typeof value === 'object' && value !== null && typeof (value as { bench?: unknown }).bench === 'string') return value as BenchResult
  } catch {}
  return undefined
}

function runOne(spec: BenchSpec): Promise<BenchRun> {
  const start = performance.now()
  const child = spawn(process.execPath, [join(HERE, `${spec.name}.ts`)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PICTOR_LOG: process.env.PICTOR_LOG ?? 'error' }
  })
  let result: BenchResult | undefined
  let killedAfterResult = false
  let timedOut = false
  let buffered = ''
  let stderrTail = ''
  let grace: ReturnType<typeof setTimeout> | undefined
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      const parsed = parseLine(line.trim())
      if (parsed === undefined) continue
      result = parsed
      grace ??= setTimeout(() => {
        killedAfterResult = true
        child.kill('SIGKILL')
      }, EXIT_GRACE_MS)
    }
  })
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk)
    stderrTail = (stderrTail + chunk.toString()).slice(-500)
  })
  const limit = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, spec.timeoutMs)
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(limit)
      clearTimeout(grace)
      const last = parseLine(buffered.trim())
      if (last !== undefined) result = last
      const wallMs = Math.round(performance.now() - start)
      const lastErr = stderrTail.trim().split('\n').at(-1) ?? ''
      const error = timedOut && result === undefined ? `timed out after ${spec.timeoutMs / 1000} s` : `exited with ${code} and no JSON result: ${lastErr}`
      resolve({
        name: spec.name,
        result: result ?? { bench: spec.name, error },
        wallMs,
        exitCode: code,
        exitedCleanly: !killedAfterResult && !timedOut
      })
    })
  })
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
