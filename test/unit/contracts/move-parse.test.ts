// No Sui binary here (no `sui move build`), so CI checks what it can: every
// Move file parses with the tree-sitter Move grammar of
// @mysten/prettier-plugin-move and is formatted as it prints. The same
// check run on a broken file must fail, or passing it would mean nothing.

import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../../..')
const PRETTIER = join(ROOT, 'node_modules/.bin/prettier')
const PLUGIN = ['--plugin', '@mysten/prettier-plugin-move']

// Always from the repository root: prettier resolves the plugin from its cwd.
async function prettierCheck(...files: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(PRETTIER, [...PLUGIN, '--check', ...files], { cwd: ROOT })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-move-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('Move sources', () => {
  it('all parse and are formatted (npm run lint:move)', async () => {
    const result = await prettierCheck('contracts/**/*.move')
    expect(result.output).toContain('All matched files use Prettier code style!')
    expect(result.code).toBe(0)
  }, 60_000)

  it.each([
    ['a Move file with a syntax error', 'broken.move', 'module pictor::broken;\n\npublic fun f(x: u64): u64 {\n    x + + ; let\n}\n'],
    ['a missing brace too, not only on garbage tokens', 'unclosed.move', 'module pictor::unclosed;\n\npublic fun f(x: u64): u64 {\n    x + 1\n']
  ])('the check fails on %s', async (_what, name, source) => {
    const broken = join(dir, name)
    await writeFile(broken, source)
    const result = await prettierCheck(broken)
    expect(result.code).toBe(2)
    expect(result.output).toMatch(/tree-sitter failure/)
  }, 60_000)

  it('and passes the same file once it is fixed', async () => {
    const fixed = join(dir, 'fixed.move')
    await writeFile(fixed, 'module pictor::fixed;\n\npublic fun f(x: u64): u64 { x + 1 }\n')
    expect((await prettierCheck(fixed)).code).toBe(0)
  }, 60_000)
})
