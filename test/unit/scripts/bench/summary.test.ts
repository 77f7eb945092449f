// The bench runner's goal rows (scripts/bench/lib/summary.ts): each figure a
// bench names in `goals` beside its bar, met or missed.
import { describe, expect, it } from 'vitest'
import { figureAt, formatSummary, goalRows, meetsBar } from '../../../../scripts/bench/lib/summary.ts'

const run = (result: Record<string, unknown>) => ({ name: String(result.bench), result: { bench: String(result.bench), ...result }, wallMs: 1000, exitedCleanly: true })

describe('goals in the summary', () => {
  it('reads figures at dotted paths, numbers only', () => {
    const result = { efficiency: { w1: 0.98, w10: null }, label: 'x' }
    expect(figureAt(result, 'efficiency.w1')).toBe(0.98)
    expect(figureAt(result, 'efficiency.w10')).toBeUndefined()
    expect(figureAt(result, 'label')).toBeUndefined()
    expect(figureAt(result, 'missing.deeper')).toBeUndefined()
  })

  it('compares against <= and >= bars, inclusive', () => {
    expect(meetsBar(5, '<= 5')).toBe(true)
    expect(meetsBar(5.1, '<= 5')).toBe(false)
    expect(meetsBar(0.97, '>= 0.97')).toBe(true)
    expect(meetsBar(0.969, '>=0.97')).toBe(false)
    expect(meetsBar(1, '< 2')).toBeUndefined()
  })

  it('gives each goal a verdict and prints it beside its bar', () => {
    const runs = [
      run({ bench: 'scheduling', efficiency: { w1: 0.98, w10: 0.5 }, goals: { 'efficiency.w1': '>= 0.97', 'efficiency.w10': '>= 0.90', 'efficiency.w50': '>= 0.80' } }),
      run({ bench: 'task-cpu', cpuMsPerTask: { w1: 4 }, goals: { 'cpuMsPerTask.w1': 'about 10' } })
    ]
    expect(goalRows(runs).map((g) => [g.bench, g.figure, g.verdict])).toEqual([
      ['scheduling', 'efficiency.w1', 'met'],
      ['scheduling', 'efficiency.w10', 'MISSED'],
      ['scheduling', 'efficiency.w50', 'no figure'],
      ['task-cpu', 'cpuMsPerTask.w1', 'bad bar']
    ])
    const text = formatSummary(runs)
    expect(text).toMatch(/scheduling\s+efficiency\.w10\s+0\.5\s+>= 0\.90\s+MISSED/)
    // Goals are not figures of the k=v rows.
    expect(text).not.toMatch(/goals/)
  })

  it('shows a figure a run could not measure as -', () => {
    expect(formatSummary([run({ bench: 'task-cpu', cpuMsPerTask: { w1: 4, w50: null } })])).toMatch(/task-cpu\s+cpuMsPerTask\s+w1=4 w50=-/)
  })

  it('prints no goal table when no bench declares goals', () => {
    expect(formatSummary([run({ bench: 'rpc', medianMs: 1 })])).not.toMatch(/verdict/)
  })
})
