// One `pictor render` (node/cli/commands/render.ts) in a child process, run
// as a node runs (the same V8 flags): the render time it prints, and the
// process's wall time with start-up and exit.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { NODE_V8_FLAGS } from '../../../node/cli/v8-flags.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const CLI = join(ROOT, 'node', 'cli', 'main.ts')
const RENDER_TIMEOUT_MS = 180_000

export interface LocalRenderTimes {
  /** What the command prints: renderer start -> last frame written. */
  renderS: number
  processS: number
}

export function pictorRender(args: readonly string[]): Promise<LocalRenderTimes> {
  const started = performance.now()
  const child = spawn(process.execPath, [...NODE_V8_FLAGS, CLI, 'render', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PICTOR_LOG: 'error' } })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-5_000)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-500)
  })
  const timer = setTimeout(() => child.kill('SIGTERM'), RENDER_TIMEOUT_MS)
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      clearTimeout(timer)
      const processS = (performance.now() - started) / 1000
      const render = /(\d+) frames in ([\d.]+) s/.exec(out)?.[2]
      if (code === 0 && render !== undefined) resolve({ renderS: Number(render), processS })
      else reject(new Error(`pictor render exited ${code}: ${(err || out).trim().split(/[\r\n]/).at(-1) ?? ''}`))
    })
  })
}
