// The runner's human summary: one row per group of figures (a bench's
// top level, each nested object, each baseline object), figures as k=v.
// Settings under `params` and arrays of per-run values are left out.
import type { BenchResult } from './report.ts'

interface SummaryRun {
  name: string
  result: BenchResult
  wallMs: number
  exitedCleanly: boolean
}

function groups(value: Record<string, unknown>, path: string, out: Map<string, string[]>): void {
  for (const [key, v] of Object.entries(value)) {
    if (key === 'bench' || key === 'params') continue
    if (typeof v === 'number' || typeof v === 'boolean') {
      const row = out.get(path) ?? []
      row.push(`${key}=${v}`)
      out.set(path, row)
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      groups(v as Record<string, unknown>, path === '' ? key : `${path}.${key}`, out)
    }
  }
}

export function formatSummary(runs: readonly SummaryRun[]): string {
  const rows: Array<[string, string, string]> = []
  for (const run of runs) {
    const { result } = run
    const wall = `${(run.wallMs / 1000).toFixed(1)} s${run.exitedCleanly ? '' : ', did not exit by itself'}`
    if (typeof result.error === 'string') rows.push([run.name, 'ERROR', `${result.error} (${wall})`])
    else if (typeof result.skipped === 'string') rows.push([run.name, 'skipped', result.skipped])
    else {
      const out = new Map<string, string[]>()
      groups(result, '', out)
      for (const [path, figures] of out) rows.push([run.name, path === '' ? '-' : path, figures.join(' ')])
      rows.push([run.name, 'wall', wall])
    }
  }
  const w0 = Math.max(5, ...rows.map((r) => r[0].length))
  const w1 = Math.max(5, ...rows.map((r) => r[1].length))
  const line = (r: [string, string, string]) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`
  return [line(['bench', 'group', 'figures']), ...rows.map(line)].join('\n')
}
