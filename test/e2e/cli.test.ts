// The `pictor` binary and the testnet launcher as a user runs them.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const run = promisify(execFile)

async function pictor(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin', 'pictor.mjs'), ...args], { env: { ...process.env, ...env }, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-cli-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('pictor CLI', () => {
  it('--help lists the commands', async () => {
    const { code, stdout } = await pictor(['--help'])
    expect(code).toBe(0)
    for (const name of ['init', 'start', 'status', 'peers', 'keys', 'job', 'render', 'worker']) expect(stdout).toContain(`  ${name}`)
  })

  it('bad input prints one line and exits 2, and stores nothing', async () => {
    const data = join(dir, 'node')
    expect((await pictor(['init', '--data-dir', data])).code).toBe(0)
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['start', '--role', 'miner', '--data-dir', data], /--role: must be one of creator, worker, checker/],
      [['start', '--slots', '0', '--data-dir', data], /--slots: must be an integer from 1 to 1024/],
      [['start', '--bogus', '--data-dir', data], /Unknown option '--bogus'/],
      // Research-only switches live in testnet/adversarial-node.ts, not in production config.
      [['start', '--role', 'worker', '--cheat', 'black', '--data-dir', data], /Unknown option '--cheat'/],
      [['start', '--role', 'checker', '--checker-colludes', '--data-dir', data], /Unknown option '--checker-colludes'/],
      [['status', '--data-dir', join(dir, 'nothing')], /is not initialised/],
      [['status', '--data-dir', data], /no node is running/],
      [['keys', 'import', 'suiprivkey1bad', '--data-dir', data], /not a valid suiprivkey/],
      [['job', 'status', 'xyz', '--data-dir', data], /a job id is 64 hex characters/],
      [['job', 'submit', join(dir, 'missing.json'), '--frames', '1-4', '--max-price', '10', '--data-dir', data], /not found/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '9-4', '--max-price', '10', '--data-dir', data], /frame/i],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--resolution', '16000x9000', '--max-price', '10', '--data-dir', data], /8K|7680|4320/],
      [['job', 'submit', join(ROOT, 'testnet/scenes/tiny.json'), '--frames', '1-4', '--max-price', '-5', '--data-dir', data], /--max-price/],
      [['render', join(dir, 'bad.json'), '--out', join(dir, 'out')], /scene/]
    ]
    await writeFile(join(dir, 'bad.json'), '{"version": 1, "camera": 5}')
    for (const [args, message] of cases) {
      const { code, stderr } = await pictor(args)
      expect(code, args.join(' ')).toBe(2)
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(stderr, args.join(' ')).toMatch(message)
    }
  })

  it('keys export/import round-trips through suiprivkey and never overwrites a key', async () => {
    const a = join(dir, 'a')
    await pictor(['init', '--data-dir', a])
    const exported = (await pictor(['keys', 'export', '--data-dir', a])).stdout.trim()
    expect(exported).toMatch(/^suiprivkey1/)
    const b = join(dir, 'b')
    expect((await pictor(['keys', 'import', exported, '--data-dir', b])).code).toBe(0)
    const [showA, showB] = await Promise.all([pictor(['keys', 'show', '--data-dir', a]), pictor(['keys', 'show', '--data-dir', b])])
    expect(JSON.parse(showB.stdout)).toEqual(JSON.parse(showA.stdout))
    const again = await pictor(['keys', 'import', exported, '--data-dir', a])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/never overwritten/)
  })
})

describe('testnet launcher', () => {
  it('--smoke starts every node, checks they see each other, and stops them all', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'testnet', 'cli.ts'), '--smoke', '--workers', '2', '--checkers', '1', '--log-level', 'warn'], { timeout: 90_000 })
    expect(stdout).toMatch(/ready in [\d.]+ s/)
    expect(stdout).toContain('every node exited cleanly')
  })
})
