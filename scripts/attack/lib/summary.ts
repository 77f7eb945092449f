// The attack runner's human summary: one row per scenario (pass or FAIL, its
// figures as k=v), then each broken part of a bar on its own line.
import type { AttackResult } from './report.ts'

export interface SummaryRun {
  name: string
  result: AttackResult
  wallMs: number
  exitedCleanly: boolean
}

const SKIP = new Set(['scenario', 'pass', 'bar', 'error', 'failures', 'params'])

/** Top-level and nested numbers and booleans as `a.b=v`; arrays and strings are left to the JSON. */
export function figuresOf(value: Record<string, unknown>, path = ''): string[] {
  const out: string[] = []
  for (const [key, v] of Object.entries(value)) {
    if (path === '' && SKIP.has(key)) continue
    const name = path === '' ? key : `${path}.${key}`
    if (typeof v === 'number' || typeof v === 'boolean') out.push(`${name}=${v}`)
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(...figuresOf(v as Record<string, unknown>, name))
  }
  return out
}

export function formatSummary(runs: readonly SummaryRun[]): string {
  const rows = runs.map((run) => {
    const wall = `${(run.wallMs / 1000).toFixed(1)} s${run.exitedCleanly ? '' : ', did not exit by itself'}`
    const status = run.result.error !== undefined ? 'ERROR' : run.result.pass ? 'pass' : 'FAIL'
    return { name: run.name, status, wall, figures: run.result.error ?? figuresOf(run.result).join(' '), failures: run.result.failures ?? [] }
  })
  const w0 = Math.max(8, ...rows.map((r) => r.name.length))
  const lines = [`${'scenario'.padEnd(w0)}  status  ${'wall'.padEnd(8)}  figures`]
  for (const r of rows) {
    lines.push(`${r.name.padEnd(w0)}  ${r.status.padEnd(6)}  ${r.wall.padEnd(8)}  ${r.figures}`)
    for (const f of r.failures) lines.push(`${''.padEnd(w0)}  - ${f}`)
  }
  return lines.join('\n')
}
