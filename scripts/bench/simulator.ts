// The network simulator's own figures (issue 16):
// - scale: testnet/scenarios/scale-1000.json (1,000 nodes, a 10,000-frame
//   job) and scale-10000.json (10,000 nodes, 10 creators' 720p jobs), as
//   simulated seconds per wall second (the goal: faster than real time, and
//   10,000 nodes done within 10 minutes), and the same network on 1080p
//   frames at 128 samples (scale-10000-1080p.json), whose slowest workers
//   make it last longer;
// - detection: cheaters faking each frame with probability f, checked over
//   many seeds, against docs/verification.md's 1 - (1 - f)^k from each
//   check's own sample size k (the goal: within 2 points).
// PICTOR_BENCH_SIM_SCALE=0 skips the scale runs (they take minutes).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runScenario } from '../../testnet/sim/run.ts'
import { parseScenario } from '../../testnet/sim/scenario.ts'
import type { ResultLine } from '../../testnet/sim/study.ts'
import { progress, runBench } from './lib/report.ts'
import { round } from './lib/stats.ts'

const BENCH = 'simulator'
/** About 3,000 checks: a standard error near 0.9 points, against the 2-point goal (at 20 seeds, 1.5). */
const DETECTION_SEEDS = Number(process.env.PICTOR_BENCH_SIM_SEEDS ?? 60)
const FAKE_RATE = 0.2

/** A shipped scale scenario (testnet/scenarios/scale-*.json), its progress on stderr. */
async function scale(name: string): Promise<ResultLine> {
  progress(BENCH, name)
  const path = join(import.meta.dirname, '../../testnet/scenarios', `${name}.json`)
  const { line } = await runScenario(parseScenario(readFileSync(path, 'utf8'), path), {
    onProgress: (p) => progress(BENCH, `${Math.round(p.simulatedS)} s simulated in ${p.wallS.toFixed(1)} s, ${p.framesVerified} frames verified`)
  })
  progress(BENCH, JSON.stringify(line))
  return line!
}

/** Every worker cheats; one 8-frame task per job, so each job is checked until a cheater slips through. */
async function detection(): Promise<{ checks: number; observed: number; formula: number }> {
  let checks = 0
  let rejected = 0
  let expected = 0
  for (let seed = 1; seed <= DETECTION_SEEDS; seed++) {
    const jobs = Array.from({ length: 20 }, () => ({ frames: 8, framesPerTask: 8, width: 96, height: 54, samples: 8, maxPrice: 1000 }))
    const scenario = { seed, nodes: { creators: 1, workers: 10, checkers: 3 }, jobs, cheaters: { share: 1, strategy: 'noise', fakeRate: FAKE_RATE }, maxSimulatedS: 600 }
    const { line } = await runScenario(parseScenario(JSON.stringify(scenario)))
    checks += line!.sampling.checks
    rejected += line!.sampling.rejected
    expected += line!.sampling.expected
  }
  return { checks, observed: rejected / checks, formula: expected / checks }
}

await runBench(BENCH, async () => {
  const found = await detection()
  const figures: Record<string, unknown> = {
    detection: { fakeRate: FAKE_RATE, seeds: DETECTION_SEEDS, checks: found.checks, observed: round(found.observed), formula: round(found.formula), differencePoints: round(100 * Math.abs(found.observed - found.formula)) }
  }
  if (process.env.PICTOR_BENCH_SIM_SCALE !== '0') {
    const summary = (l: ResultLine) => ({ completed: l.jobs.completed === l.jobs.submitted, simulatedS: l.simulatedS, wallS: l.wallS, simulatedSPerWallS: l.simulatedSPerWallS, events: l.events, makespanOverIdeal: l.makespanOverIdeal })
    figures.nodes1000 = summary(await scale('scale-1000'))
    figures.nodes10000 = summary(await scale('scale-10000'))
    figures.nodes10000at1080p = summary(await scale('scale-10000-1080p'))
  }
  return {
    bench: BENCH,
    ...figures,
    baseline: { realTime: 'simulatedSPerWallS = 1', formula: 'docs/verification.md: 1 - (1 - f)^k' },
    goals: { 'nodes1000.simulatedSPerWallS': '>= 1', 'nodes10000.wallS': '<= 600', 'detection.differencePoints': '<= 2' }
  }
})
