// The benchmark's timing: the fixed scene (bench-scene.ts) on a pool of the
// renderer's threads, run in a short-lived child process (bench-child.ts).
// A thread's memory is not returned to the system when the thread ends
// (measured: a worker that benchmarked in-process at start and never
// rendered again stayed ~40 MiB larger with one thread, ~120 MiB with four,
// threads terminated or not); a child's is, when it exits.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { BENCH_FRAME, BENCH_SETTINGS, benchScene } from './bench-scene.ts'
import { BuiltinRendererError } from './errors.ts'
import type { RenderPool } from './pool.ts'

const CHILD = fileURLToPath(new URL('./bench-child.ts', import.meta.url))

/**
 * Seconds of the best of two timed renders, after a warm-up render that
 * starts the threads and lets the JIT optimise: a brief hiccup on a busy
 * machine does not halve the score.
 */
export async function timeBenchScene(pool: RenderPool, signal?: AbortSignal): Promise<number> {
  const scene = benchScene()
  const full = { x: 0, y: 0, width: BENCH_SETTINGS.width, height: BENCH_SETTINGS.height }
  await pool.render(scene, BENCH_FRAME, { ...BENCH_SETTINGS, samples: 4 }, full, signal)
  let best = Infinity
  for (let run = 0; run < 2; run++) {
    const start = performance.now()
    await pool.render(scene, BENCH_FRAME, BENCH_SETTINGS, full, signal)
    best = Math.min(best, (performance.now() - start) / 1000)
  }
  return best
}

/** timeBenchScene with `threads` threads in a child process; rejects with signal.reason on abort. */
export function benchSecondsInChild(threads: number, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CHILD, String(threads)], { signal, encoding: 'utf8', maxBuffer: 64 * 1024 }, (err, stdout, stderr) => {
      if (signal?.aborted) return reject(signal.reason)
      if (err) {
        const why = stderr.trim().split('\n').at(-1) || err.message
        return reject(new BuiltinRendererError('WORKER_FAILED', `benchmark failed: ${why}`, { cause: err }))
      }
      const seconds = secondsOf(stdout)
      if (seconds === undefined) return reject(new BuiltinRendererError('WORKER_FAILED', `benchmark printed no time: ${JSON.stringify(stdout.slice(0, 200))}`))
      resolve(seconds)
    })
  })
}

/** The child's {"seconds": n} line, when it printed a positive time. */
function secondsOf(stdout: string): number | undefined {
  try {
    const seconds = (JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { seconds?: unknown }).seconds
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined
  } catch {
    return undefined
  }
}
