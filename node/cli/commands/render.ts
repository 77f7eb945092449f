import { mkdir } from 'node:fs/promises'
import { LIMITS, parseFrameRange, parseResolution, ProtocolError } from '../../../protocol/index.ts'
import { createLogger } from '../../log.ts'
import { createBuiltinRenderer, SceneError } from '../../renderers/builtin/index.ts'
import { type Command, parseFlags, UsageError } from '../args.ts'

function int(value: unknown, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}`)
  return n
}

export const renderCommand: Command = {
  summary: 'render frames of a scene locally with the built-in renderer (the reference for network results)',
  usage: 'pictor render <scene.json> --frames 1-4 --out DIR [--resolution HD|WxH] [--samples N] [--seed S] [--threads N]',
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { frames: { type: 'string' }, out: { type: 'string' }, resolution: { type: 'string' }, samples: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' } },
      1
    )
    const scene = positionals[0]
    if (scene === undefined) throw new UsageError('render needs a scene file')
    if (typeof values.out !== 'string') throw new UsageError('--out DIR is required')
    let range: { frameStart: number; frameEnd: number }
    let res: { width: number; height: number }
    try {
      range = parseFrameRange((values.frames as string | undefined) ?? '1')
      res = parseResolution((values.resolution as string | undefined) ?? 'HD')
    } catch (err) {
      if (err instanceof ProtocolError) throw new UsageError(err.message)
      throw err
    }
    const settings = { ...res, samples: int(values.samples, '--samples', 128, 1, LIMITS.maxSamples), seed: int(values.seed, '--seed', 0, 0, 0xffffffff) }
    const threads = values.threads === undefined ? undefined : int(values.threads, '--threads', 1, 1, 256)
    const renderer = createBuiltinRenderer({ threads, logger: createLogger('render', { level: 'warn' }) })
    await mkdir(values.out, { recursive: true })
    const frames = Array.from({ length: range.frameEnd - range.frameStart + 1 }, (_, i) => range.frameStart + i)
    const started = performance.now()
    try {
      const done = await renderer.renderFrames({ scenePath: scene, frames, settings, outDir: values.out, onProgress: (p) => process.stderr.write(`\rframe ${p.frame} (${p.framesDone}/${p.framesTotal})`) })
      process.stderr.write('\n')
      console.log(`${done.length} frames in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${values.out}`)
    } catch (err) {
      if (err instanceof SceneError) throw new UsageError(`scene ${scene}: ${err.message}`)
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`scene ${scene} not found`)
      throw err
    } finally {
      await renderer.close()
    }
    return 0
  }
}
