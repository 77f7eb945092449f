// `npm run sim` as a researcher runs it: a shipped scenario by its short
// path, the result as one JSON line on stdout and a table on stderr, the
// line and an SVG written with --out; a bad scenario is one line, exit 2.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/cli.ts'

const run = promisify(execFile)
let dir: string

async function sim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'testnet', 'sim', 'cli.ts'), ...args], { cwd: dir, timeout: 120_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-sim-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('npm run sim', () => {
  it('runs a scenario file: one JSON line, a table, and with --out the line and an SVG', async () => {
    await writeFile(join(dir, 'small.json'), JSON.stringify({ name: 'small', seed: 9, jobs: [{ frames: 12, framesPerTask: 2, width: 96, height: 54, samples: 8, maxPrice: 1000 }] }))
    const { code, stdout, stderr } = await sim(['small.json', '--out', 'out'])
    expect(code).toBe(0)
    const line = JSON.parse(stdout.trim())
    expect(line).toMatchObject({ scenario: 'small', seed: 9, jobs: { submitted: 1, completed: 1 }, frames: { total: 12, verified: 12 } })
    expect(stderr).toMatch(/jobs completed\s+1 of 1/)
    expect(JSON.parse(await readFile(join(dir, 'out', 'small.json'), 'utf8')).line).toEqual(line)
    expect(await readFile(join(dir, 'out', 'small.svg'), 'utf8')).toMatch(/^<svg[\s\S]*frames verified \(of 12\)[\s\S]*<\/svg>$/)
  })

  it('finds a shipped scenario under testnet/, and refuses a bad one in one line', async () => {
    const churn = await sim(['scenarios/churn.json'])
    expect(churn.code).toBe(0)
    expect(JSON.parse(churn.stdout.trim())).toMatchObject({ scenario: 'churn-20-per-hour', jobs: { submitted: 1, completed: 1 } })
    const shipped = await sim(['scenarios/no-such.json'])
    expect(shipped.code).toBe(2)
    expect(shipped.stderr.trim()).toBe('pictor sim: scenarios/no-such.json: no such scenario file (looked here and under testnet/)')
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ nodes: { workers: 0 } }))
    const bad = await sim(['bad.json'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toEqual(['pictor sim: bad.json: nodes.workers must be a number from 1 to 100000'])
    expect((await sim([])).stderr.trim()).toBe('pictor sim: usage: npm run sim -- <scenario.json> [--out <folder>]')
  })
})
