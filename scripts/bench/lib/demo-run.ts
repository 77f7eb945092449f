// One `npm start` demo (testnet/demo.ts) in a child process, for the walrus
// and demo-overhead benches: the job wall time it prints, submission to last
// accepted frame. demoSettings() reads the demo's job and worker threads from
// testnet/demo.ts itself, so a bench that renders the same frames another way
// cannot drift from it.
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const DEMO = join(ROOT, 'testnet', 'demo.ts')
const DEMO_TIMEOUT_MS = 90_000

/** `blobs` undefined: no flag, what `npm start` runs. */
export function demoJobWallS(blobs?: 'walrus' | 'p2p'): Promise<number> {
  const flags = blobs === undefined ? [] : ['--blobs', blobs]
  const child = spawn(process.execPath, [DEMO, ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PICTOR_LOG: 'error' }
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-500)
  })
  // SIGTERM lets the demo stop its testnet's nodes before it exits.
  const timer = setTimeout(() => child.kill('SIGTERM'), DEMO_TIMEOUT_MS)
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      clearTimeout(timer)
      const wall = /job wall time ([\d.]+) s/.exec(out)?.[1]
      if (code === 0 && wall !== undefined) resolve(Number(wall))
      else reject(new Error(`demo ${flags.join(' ') || '(npm start)'} exited ${code} without a job wall time: ${(err || out).trim().split('\n').at(-1) ?? ''}`))
    })
  })
}

export interface DemoSettings {
  /** The scene file, absolute. */
  scene: string
  frameStart: number
  frameEnd: number
  width: number
  height: number
  samples: number
  seed: number
  workers: number
  threadsPerWorker: number
}

/** The demo's job, as testnet/demo.ts declares it; a changed declaration is an error here, not a silent drift. */
export async function demoSettings(): Promise<DemoSettings> {
  const source = await readFile(DEMO, 'utf8')
  const job = /const DEMO_JOB = (\{[^}]*\})/.exec(source)?.[1]
  const scene = /const SCENE = join\(import\.meta\.dirname, ([^)]*)\)/.exec(source)?.[1]
  const workers = /new Testnet\(\{ workers: (\d+)/.exec(source)?.[1]
  const threads = /worker: \['--threads', '(\d+)'\]/.exec(source)?.[1]
  if (job === undefined || scene === undefined || workers === undefined || threads === undefined) {
    throw new Error('testnet/demo.ts no longer declares DEMO_JOB, SCENE, its workers and their --threads as this bench reads them (lib/demo-run.ts)')
  }
  const spec = JSON.parse(job.replace(/([{,]\s*)(\w+):/g, '$1"$2":').replaceAll("'", '"')) as Record<string, unknown>
  const num = (key: string): number => {
    const v = spec[key]
    if (typeof v !== 'number') throw new Error(`testnet/demo.ts: DEMO_JOB.${key} is not a number literal`)
    return v
  }
  const parts = [...scene.matchAll(/'([^']+)'/g)].map((m) => m[1] as string)
  return {
    scene: join(ROOT, 'testnet', ...parts),
    frameStart: num('frameStart'),
    frameEnd: num('frameEnd'),
    width: num('width'),
    height: num('height'),
    samples: num('samples'),
    seed: num('seed'),
    workers: Number(workers),
    threadsPerWorker: Number(threads)
  }
}
