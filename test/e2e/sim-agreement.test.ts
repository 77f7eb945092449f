// The simulator against the real testnet, same small scenario (1 creator,
// 3 workers, 1 checker, the scenario job; then worker 3 cheating): both
// verify every frame and catch the cheater. The makespans are printed side
// by side (the simulator's frames take the bench-score estimate, the
// testnet's a real render plus a process's overheads).
import { afterEach, describe, expect, it } from 'vitest'
import { Testnet } from '../../testnet/launcher.ts'
import { runScenarioJob, SCENARIO_JOB } from '../../testnet/scenario.ts'
import { runScenario } from '../../testnet/sim/run.ts'
import { parseScenario } from '../../testnet/sim/scenario.ts'

let testnet: Testnet | undefined
afterEach(async () => {
  await testnet?.stop()
  testnet = undefined
})

const { frameEnd, framesPerTask, width, height, samples, maxPrice } = SCENARIO_JOB

async function both(cheat: string | undefined) {
  testnet = new Testnet({ workers: 3, checkers: 1, logLevel: 'warn', extraArgs: { worker: ['--threads', '1'], checker: ['--threads', '1'] }, nodeArgs: cheat === undefined ? {} : { 'worker-3': ['--cheat', cheat] } })
  await testnet.start()
  await testnet.waitReady()
  const real = await runScenarioJob(testnet)
  const scenario = { seed: 1, nodes: { creators: 1, workers: 3, checkers: 1 }, jobs: [{ frames: frameEnd, framesPerTask, width, height, samples, maxPrice }], cheaters: { share: cheat === undefined ? 0 : 0.34, strategy: 'noise', fakeRate: 1 } }
  const sim = (await runScenario(parseScenario(JSON.stringify(scenario)))).line!
  process.stdout.write(`${JSON.stringify({ cheat: cheat ?? null, testnetMakespanS: real.wallS, simMakespanS: sim.makespanS })}\n`)
  return { real, sim }
}

describe('the simulator agrees with the testnet', () => {
  it('honest: every frame verified in both', async () => {
    const { real, sim } = await both(undefined)
    expect(real.job.status).toBe('completed')
    expect(sim.jobs.completed).toBe(1)
    expect(sim.frames.verified).toBe(real.job.counts.succeeded)
    expect(sim.honestRejected).toBe(0)
    expect(real.caught).toEqual([])
  })

  it('one cheater: both catch it and still verify every frame', async () => {
    const { real, sim } = await both('noise')
    expect(real.caught).toEqual(['worker-3'])
    expect(sim.cheats.caught).toBeGreaterThan(0)
    // A check may sample no frame of a task (its k drawn as 0) and accept it;
    // the ban that follows revokes it, so no faked task is kept, as on the testnet.
    expect(sim.cheats.kept).toBe(0)
    expect(sim.frames.verified).toBe(real.job.counts.succeeded)
  })
})
