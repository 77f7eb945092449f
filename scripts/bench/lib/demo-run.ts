// One `npm start` demo (testnet/demo.ts) in a child process, for the walrus
// bench: the job wall time it prints, submission to last accepted frame.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const DEMO_TIMEOUT_MS = 90_000

export function demoJobWallS(blobs: 'walrus' | 'p2p'): Promise<number> {
  const child = spawn(process.execPath, [join(ROOT, 'testnet', 'demo.ts'), '--blobs', blobs], {
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
      else reject(new Error(`demo --blobs ${blobs} exited ${code} without a job wall time: ${(err || out).trim().split('\n').at(-1) ?? ''}`))
    })
  })
}
