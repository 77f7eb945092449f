// What `pictor start --role worker` loads before it has work: the modules a
// node's start path imports, recorded by a resolve hook in a child process.
// sharp (libvips), execa, the Blender renderer, Walrus, the Sui SDK and the
// other roles' code load only when used; each was megabytes of resident
// memory in every idle worker (README "Performance", idle RSS).
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..', '..', '..')
const HOOK = `
import { registerHooks } from 'node:module'
const seen = new Set()
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r } })
process.on('exit', () => process.stdout.write(JSON.stringify([...seen]) + '\\n'))
`
/** Never loaded by a builtin-renderer worker's start path. */
const NOT_AT_START = [
  '/node_modules/sharp/',
  '/node_modules/execa/',
  '/node_modules/@mysten/sui/',
  '/node/renderers/blender/',
  '/node/roles/creator/',
  '/node/roles/checker/',
  '/node/blobs/walrus/walrus-blobs.ts',
  '/node/cli/commands/job.ts'
]

/** Every module URL a child resolves while running `script` (an ES module body). */
async function resolvedBy(hook: string, script: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', pathToFileURL(hook).href, '--input-type=module', '-e', script], { cwd: ROOT })
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[]
}

const url = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href)

describe("a worker node's start path", () => {
  let dir: string
  let hook: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-start-imports-'))
    hook = join(dir, 'hook.mjs')
    await writeFile(hook, HOOK)
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('loads none of the code only other roles, renderers or commands use', async () => {
    const modules = ['node/cli/main.ts', 'node/cli/commands/start.ts', 'node/node.ts', 'node/roles/index.ts', 'node/roles/worker/index.ts', 'node/images/index.ts', 'node/renderers/builtin/index.ts']
    // main.ts runs its command as it loads: an unknown one loads no command module (and sets exit code 2, reset here).
    const imports = modules.map((m) => `await import(${url(m)})`).join('; ')
    const resolved = await resolvedBy(hook, `process.argv.splice(1, Infinity, 'main.ts', 'no-such-command'); ${imports}; setTimeout(() => { process.exitCode = 0 })`)
    expect(resolved.some((u) => u.endsWith('/node/roles/worker/index.ts'))).toBe(true)
    expect(NOT_AT_START.filter((part) => resolved.some((u) => u.includes(part)))).toEqual([])
  }, 60_000)

  it('loads sharp on the first image operation', async () => {
    const resolved = await resolvedBy(hook, `const { loadSharp } = await import(${url('node/images/sharp.ts')}); await loadSharp()`)
    expect(resolved.some((u) => u.includes('/node_modules/sharp/'))).toBe(true)
  }, 60_000)
})
