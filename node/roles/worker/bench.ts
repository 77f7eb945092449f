// The bench score advertised in offers and bids. Measuring it costs render
// time, so it is measured once per renderer build and kept: a new Blender or
// a new pictor version gets a fresh measurement.
import type { Logger } from '../../log.ts'
import type { Renderer, RendererCapabilities } from '../../renderers/types.ts'
import type { WorkerKv } from './kv.ts'

interface StoredBench {
  score: number
  measuredMs: number
}

export function benchKey(caps: RendererCapabilities): string {
  return `bench:${caps.name}@${caps.version}`
}

/** bench_score is a uint32 on the wire. */
export function toBenchScore(raw: number): number {
  if (!Number.isFinite(raw) || raw <= 0) return 0
  return Math.min(0xffffffff, Math.round(raw))
}

export async function cachedBenchScore(
  kv: WorkerKv,
  renderer: Renderer,
  caps: RendererCapabilities,
  opts: { now: () => number; logger: Logger; signal?: AbortSignal; remeasure?: boolean }
): Promise<number> {
  const key = benchKey(caps)
  const stored = (await kv.get(key)) as StoredBench | undefined
  if (!opts.remeasure && typeof stored?.score === 'number' && stored.score > 0) return stored.score
  const started = opts.now()
  const score = toBenchScore(await renderer.benchmark(opts.signal))
  opts.logger.info('benchmark measured', { renderer: caps.name, version: caps.version, score, ms: opts.now() - started })
  await kv.put(key, { score, measuredMs: started } satisfies StoredBench)
  return score
}
