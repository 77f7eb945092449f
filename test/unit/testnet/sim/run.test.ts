// Whole simulated runs: the same seed gives the same result line, and the
// roles' own verification catches cheats at the rate docs/verification.md
// gives (1 - (1 - f)^k per task, k the frames sampled).
import { describe, expect, it } from 'vitest'
import { runScenario } from '../../../../testnet/sim/run.ts'
import { parseScenario } from '../../../../testnet/sim/scenario.ts'
import type { ResultLine } from '../../../../testnet/sim/study.ts'

const SMALL = { nodes: { creators: 1, workers: 3, checkers: 1 }, jobs: [{ frames: 24, framesPerTask: 2, width: 96, height: 54, samples: 8, maxPrice: 1000 }] }

/** The line without what depends on the machine's speed. */
function simulated(line: ResultLine) {
  const { wallS: _w, simulatedSPerWallS: _s, ...rest } = line
  return rest
}

describe('simulated runs', () => {
  it('the same seed gives the same result line, another seed another', async () => {
    const text = JSON.stringify({ ...SMALL, seed: 7, cheaters: { share: 0.34, strategy: 'noise', fakeRate: 0.5 } })
    const [a, b] = [await runScenario(parseScenario(text)), await runScenario(parseScenario(text))]
    expect(simulated(a.line!)).toEqual(simulated(b.line!))
    expect(a.curves).toEqual(b.curves)
    const other = await runScenario(parseScenario(JSON.stringify({ ...SMALL, seed: 8, cheaters: { share: 0.34, strategy: 'noise', fakeRate: 0.5 } })))
    expect(simulated(other.line!)).not.toEqual(simulated(a.line!))
  })

  it('an honest network verifies every frame, pays every worker and rejects nothing', async () => {
    const { line } = await runScenario(parseScenario(JSON.stringify({ ...SMALL, seed: 3 })))
    expect(line!.jobs).toEqual({ submitted: 1, completed: 1 })
    expect(line!.frames).toEqual({ total: 24, verified: 24 })
    expect(line!.honestRejected).toBe(0)
    expect(line!.earnings.workersPaid).toBe(3)
    expect(line!.pricePaidOverCap).toBeLessThanOrEqual(1)
  })

  it('a cheater faking whole tasks is caught and excluded, and the job still completes', async () => {
    const { line } = await runScenario(parseScenario(JSON.stringify({ ...SMALL, seed: 4, cheaters: { share: 0.34, strategy: 'black', fakeRate: 1 } })))
    expect(line!.jobs.completed).toBe(1)
    expect(line!.frames.verified).toBe(24)
    expect(line!.cheats.caught).toBeGreaterThan(0)
    expect(line!.cheats.missed).toBe(0)
    expect(line!.cheats.kept).toBe(0)
    expect(line!.honestRejected).toBe(0)
  })
})

describe('detection in the simulator', () => {
  it("honest checkers reject cheaters' tasks at the rate 1 - (1 - f)^k of each check's sample", async () => {
    // Every worker fakes each frame with probability 0.3; 12 one-task jobs of 8 frames, checked until a cheater slips
    // through (a job whose every worker was excluded stays open: the run stops at 10 simulated minutes).
    const jobs = Array.from({ length: 12 }, () => ({ frames: 8, framesPerTask: 8, width: 96, height: 54, samples: 8, maxPrice: 1000 }))
    const { line } = await runScenario(parseScenario(JSON.stringify({ seed: 2, nodes: { creators: 1, workers: 10, checkers: 3 }, jobs, cheaters: { share: 1, strategy: 'noise', fakeRate: 0.3 }, maxSimulatedS: 600 })))
    const { checks, rejected, expected } = line!.sampling
    expect(checks).toBeGreaterThan(20)
    // One seed's worth: within 0.15 of the formula (npm run bench -- simulator measures many seeds against 2 points).
    expect(Math.abs(rejected / checks - expected / checks)).toBeLessThan(0.15)
    expect(line!.cheats.caught + line!.cheats.missed).toBe(line!.cheats.tasks)
    expect(line!.cheats.kept).toBeLessThanOrEqual(line!.cheats.missed)
  }, 120_000)
})
