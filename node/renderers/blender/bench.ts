// The Blender benchmark: a fixed scene that Blender generates from our
// script (nothing downloaded), cached per Blender version and script hash,
// rendered with fixed settings; its frame time becomes a score on the same
// scale as the built-in renderer (about 1000 on the reference machine,
// higher is faster).
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RenderSettings } from '../types.ts'
import { BlenderError } from './errors.ts'
import { runBlender } from './process.ts'
import { blenderEnv } from './task-spec.ts'

export const BENCH_SCRIPT = fileURLToPath(new URL('../../../scripts/blender/make_bench_scene.py', import.meta.url))
export const BENCH_SETTINGS: RenderSettings = { width: 160, height: 90, samples: 16, seed: 1, engine: 'CYCLES', device: 'CPU' }
/** Two frames: the first also pays for kernel and BVH set-up, so the faster one counts. */
export const BENCH_FRAMES = [1, 2]
/**
 * Seconds per bench frame on the reference machine (2 shared cores, one
 * render thread: the default there leaves the other core to the node), so
 * that machine scores about what the built-in renderer's bench gives it
 * (~930-1000, measured side by side).
 */
export const BENCH_REFERENCE_SECONDS = 0.6

export function benchScore(frameSeconds: readonly number[]): number {
  const best = Math.min(...frameSeconds.filter((s) => s > 0))
  if (!Number.isFinite(best)) return 0
  return Math.max(1, Math.round((1000 * BENCH_REFERENCE_SECONDS) / best))
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** The bench .blend, generated on first use. Concurrent callers may both generate; the rename makes that harmless. */
export async function benchScenePath(o: { blender: string; version: string; cacheDir: string; signal?: AbortSignal }): Promise<string> {
  const hash = createHash('sha256').update(await readFile(BENCH_SCRIPT)).digest('hex').slice(0, 12)
  const path = join(o.cacheDir, `bench-${o.version}-${hash}.blend`)
  if (await exists(path)) return path
  await mkdir(o.cacheDir, { recursive: true })
  const work = await mkdtemp(join(o.cacheDir, 'make-bench-'))
  try {
    const out = join(work, 'bench.blend')
    const lines: string[] = []
    const run = await runBlender({
      command: o.blender,
      args: ['-b', '--factory-startup', '--disable-autoexec', '-noaudio', '--python-exit-code', '3', '--python', BENCH_SCRIPT, '--', out],
      env: blenderEnv(process.env, work, work),
      cwd: work,
      timeoutMs: 120_000,
      signal: o.signal,
      onLine: (line) => lines.push(line)
    })
    if (run.exitCode !== 0 || !(await exists(out))) {
      throw new BlenderError('RENDER_FAILED', `cannot generate the bench scene (exit ${run.exitCode ?? run.signal}): ${lines.slice(-3).join(' | ')}`)
    }
    await rename(out, path)
    return path
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
