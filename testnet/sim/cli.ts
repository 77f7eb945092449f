// `npm run sim -- <scenario.json> [--out <folder>]`: runs one scenario and
// prints its result as one JSON line (stdout) and a table (stderr); with
// --out it also writes <name>.json and <name>.svg there. A path that does
// not exist as given is looked up under testnet/ too, so
// `scenarios/baseline.json` names a shipped scenario.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { plot, table } from './report.ts'
import { runScenario } from './run.ts'
import { parseScenario, ScenarioError } from './scenario.ts'

const TESTNET = dirname(dirname(fileURLToPath(import.meta.url)))
const MAX_SCENARIO_BYTES = 1 << 20

export function scenarioPath(given: string): string {
  if (existsSync(given)) return given
  const shipped = join(TESTNET, given)
  if (existsSync(shipped)) return shipped
  throw new ScenarioError(`${given}: no such scenario file (looked here and under testnet/)`)
}

async function main(args: string[]): Promise<void> {
  const outAt = args.indexOf('--out')
  const out = outAt === -1 ? undefined : args[outAt + 1]
  const files = args.filter((_, i) => outAt === -1 || (i !== outAt && i !== outAt + 1))
  if (files.length !== 1 || (outAt !== -1 && out === undefined)) throw new ScenarioError('usage: npm run sim -- <scenario.json> [--out <folder>]')
  const path = scenarioPath(files[0]!)
  if (statSync(path).size > MAX_SCENARIO_BYTES) throw new ScenarioError(`${path}: larger than ${MAX_SCENARIO_BYTES} bytes`)
  const scenario = parseScenario(readFileSync(path, 'utf8'), path)
  const study = await runScenario(scenario, {
    onProgress: (p) => process.stderr.write(`[sim] ${Math.round(p.simulatedS)} s simulated in ${p.wallS.toFixed(1)} s, ${p.framesVerified} frames verified\n`)
  })
  const line = study.line!
  process.stdout.write(`${JSON.stringify(line)}\n`)
  process.stderr.write(`${table(line)}\n`)
  if (out !== undefined) {
    mkdirSync(out, { recursive: true })
    const name = line.scenario.replace(/[^A-Za-z0-9._-]/g, '_')
    writeFileSync(join(out, `${name}.json`), `${JSON.stringify({ line, curves: study.curves })}\n`)
    writeFileSync(join(out, `${name}.svg`), plot(line, study.curves!))
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`pictor sim: ${err instanceof ScenarioError ? err.message : (err as Error).message}\n`)
  process.exit(2)
})
