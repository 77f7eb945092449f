// The runner's human summary: one row per group of figures (a bench's
// top level, each nested object, each baseline object), figures as k=v.
// Settings under `params` and arrays of per-run values are left out.
// Then the goals: each figure a bench names in `goals`, beside its bar.
import type { BenchResult } from './report.ts'

interface SummaryRun {
  name: string
  result: BenchResult
  wallMs: number
  exitedCleanly: boolean
}

function groups(value: Record<string, unknown>, path: string, out: Map<string, string[]>): void {
  for (const [key, v] of Object.entries(value)) {
    if (key === 'bench' || key === 'params' || key === 'goals') continue
    // A figure a run could not measure (null) shows as `-` rather than vanishing.
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) {
      const row = out.get(path) ?? []
      row.push(`${key}=${v ?? '-'}`)
      out.set(path, row)
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      groups(v as Record<string, unknown>, path === '' ? key : `${path}.${key}`, out)
    }
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

export interface GoalRow {
  bench: string
  figure: string
  /** The figure's value; undefined when the result has no number there. */
  value: number | undefined
  bar: string
  verdict: 'met' | 'MISSED' | 'no figure' | 'bad bar'
}

/** The number at a dotted path of a result, if there is one. */
export function figureAt(result: unknown, path: string): number | undefined {
  let at: unknown = result
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined
    at = (at as Record<string, unknown>)[key]
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined
}

/** `<= 10`, `>= 0.97`: whether `value` meets it; undefined for a bar that is neither. */
export function meetsBar(value: number, bar: string): boolean | undefined {
  const m = /^\s*(<=|>=)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(bar)
  if (m === null) return undefined
  const limit = Number(m[2])
  return m[1] === '<=' ? value <= limit : value >= limit
}

export function goalRows(runs: readonly SummaryRun[]): GoalRow[] {
  const rows: GoalRow[] = []
  for (const run of runs) {
    for (const [figure, bar] of Object.entries(run.result.goals ?? {})) {
      const value = figureAt(run.result, figure)
      const met = value === undefined ? undefined : meetsBar(value, bar)
      const verdict = value === undefined ? 'no figure' : met === undefined ? 'bad bar' : met ? 'met' : 'MISSED'
      rows.push({ bench: run.name, figure, value, bar, verdict })
    }
  }
  return rows
}

export function formatSummary(runs: readonly SummaryRun[]): string {
  const rows: string[][] = []
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
  const summary = table(['bench', 'group', 'figures'], rows)
  const goals = goalRows(runs)
  if (goals.length === 0) return summary
  const goalTable = table(
    ['bench', 'goal figure', 'value', 'bar', 'verdict'],
    goals.map((g) => [g.bench, g.figure, g.value === undefined ? '-' : String(g.value), g.bar, g.verdict])
  )
  return `${summary}\n\n${goalTable}`
}
