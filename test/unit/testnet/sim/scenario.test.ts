// Scenario files: defaults for what is left out, one clear line for the
// first field that is wrong, and no field accepted past its limits.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseScenario, ScenarioError } from '../../../../testnet/sim/scenario.ts'

describe('parseScenario', () => {
  it('fills what is left out with the defaults: the demo-sized job on one region', () => {
    const s = parseScenario('{}', 'empty.json')
    expect(s).toMatchObject({ name: 'empty.json', seed: 1, nodes: { creators: 1, workers: 3, checkers: 1 }, colludingCheckers: 0 })
    expect(s.jobs).toEqual([{ submitAtS: 0, frames: 24, framesPerTask: 2, width: 320, height: 180, samples: 16, maxPrice: 5_000 }])
    expect(s.network.regions).toEqual([{ name: 'local', share: 1 }])
  })

  it('reads a full scenario', () => {
    const s = parseScenario(
      JSON.stringify({
        name: 'price war',
        seed: 42,
        nodes: { creators: 2, workers: 1_000, checkers: 20 },
        jobs: [{ frames: 10_000, framesPerTask: 10, width: 1920, height: 1080, samples: 128, maxPrice: 2_000 }],
        price: { policy: 'undercut', min: 200, max: 2_000 },
        network: { regions: [{ name: 'eu', share: 0.5 }, { name: 'us', share: 0.5 }], partitions: [{ atS: 60, forS: 30, regions: ['eu'] }] },
        churn: { joinPerHour: 0.2, leavePerHour: 0.2, crashShare: 0.5 },
        cheaters: { share: 0.1, strategy: 'noise', fakeRate: 0.1 },
        colludingCheckers: 2
      })
    )
    expect(s.price).toEqual({ policy: 'undercut', min: 200, max: 2_000 })
    expect(s.network.partitions).toEqual([{ atS: 60, forS: 30, regions: ['eu'] }])
    expect(s.cheaters).toEqual({ share: 0.1, strategy: 'noise', fakeRate: 0.1 })
  })

  it.each([
    ['not json', 'x.json: not JSON'],
    ['[]', 'x.json: the scenario must be an object'],
    ['{"workers": 3}', 'x.json: workers is not a scenario field'],
    ['{"nodes": {"workers": 0}}', 'x.json: nodes.workers must be a number from 1 to 100000'],
    ['{"nodes": {"workers": 2.5}}', 'x.json: nodes.workers must be an integer from 1 to 100000'],
    ['{"jobs": []}', 'x.json: jobs must be a list of 1 to 1000 jobs'],
    ['{"jobs": [{"frames": 4, "framesPerTask": 5}]}', 'x.json: jobs[0].framesPerTask must be a number from 1 to 4'],
    ['{"network": {"loss": 2}}', 'x.json: network.loss must be a number from 0 to 1'],
    ['{"network": {"regions": [{"name": "eu", "share": 0.4}]}}', 'x.json: network.regions shares must add up to 1, not 0.4'],
    ['{"network": {"partitions": [{"atS": 1, "forS": 1, "regions": ["mars"]}]}}', 'x.json: network.partitions[0] names region "mars"'],
    ['{"cheaters": {"strategy": "bribe"}}', 'x.json: cheaters.strategy must be one of black, previous-frame'],
    ['{"price": {"min": 5, "max": 1}}', 'x.json: price.min must not be above price.max'],
    ['{"nodes": {"checkers": 1}, "colludingCheckers": 2}', 'x.json: colludingCheckers must not be more than nodes.checkers']
  ])('%s is refused in one line', (text, message) => {
    expect(() => parseScenario(text, 'x.json')).toThrow(ScenarioError)
    expect(() => parseScenario(text, 'x.json')).toThrow(message)
  })

  it('any number in a numeric field is accepted exactly within its limits and refused with the field named outside them', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: -10, max: 2_000_000 })), (loss) => {
        const text = JSON.stringify({ network: { loss } })
        if (Number.isFinite(loss) && loss >= 0 && loss <= 1) expect(parseScenario(text).network.loss).toBe(loss + 0)
        else expect(() => parseScenario(text)).toThrow(/network.loss must be a number from 0 to 1|not JSON/)
      })
    )
  })

  it('every error is one line', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseScenario(JSON.stringify({ nodes: value, network: { regions: [{ name: 'a', share: 1 }], [JSON.stringify(value) ?? "x"]: 1 } }))
        } catch (err) {
          expect(err).toBeInstanceOf(ScenarioError)
          expect((err as Error).message).not.toContain('\n')
        }
      })
    )
  })

  it('parses every shipped scenario (testnet/scenarios), and their names differ', () => {
    const dir = join(import.meta.dirname, '../../../../testnet/scenarios')
    const names = readdirSync(dir).map((f) => parseScenario(readFileSync(join(dir, f), 'utf8'), f).name)
    expect(names).toEqual(expect.arrayContaining(['baseline', 'churn-20-per-hour', 'cheaters-10-percent', 'colluding-checker', 'price-war']))
    expect(new Set(names).size).toBe(names.length)
  })
})
