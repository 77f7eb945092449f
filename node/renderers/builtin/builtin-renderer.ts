// The built-in renderer: loads a scene file, renders frames or a crop on the
// worker pool, writes PNGs. Deterministic: the same request gives the same
// pixels on any machine, which is what lets a checker verify a worker's crop.

import { mkdir, readFile, stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../../log.ts'
import {
  frameFileName,
  type RenderCropRequest,
  type RenderedFrame,
  type Renderer,
  type RendererCapabilities,
  type RenderFramesRequest,
  type RenderSettings
} from '../types.ts'
import { BENCH_REFERENCE_SECONDS } from './bench-scene.ts'
import { benchSecondsInChild } from './benchmark.ts'
import { BuiltinRendererError, SceneError } from './errors.ts'
import { MAX_SAMPLES, MAX_SCENE_BYTES } from './limits.ts'
import { writePng } from './png.ts'
import { RenderPool } from './pool.ts'
import { parseScene, type Scene } from './scene.ts'
import { checkCrop, checkFrame, checkSettings } from './settings.ts'

export const BUILTIN_CAPABILITIES: RendererCapabilities = { name: 'builtin', version: '1', engines: ['PATH'], devices: ['CPU'], maxSamples: MAX_SAMPLES }

export interface BuiltinRendererOptions {
  threads: number
  logger: Logger
}

export class BuiltinRenderer implements Renderer {
  private readonly pool: RenderPool
  private readonly log: Logger
  private readonly threads: number
  private closed = false

  constructor(options: BuiltinRendererOptions) {
    this.log = options.logger
    this.threads = options.threads
    this.pool = new RenderPool({ threads: options.threads, logger: options.logger })
  }

  /** Live render worker threads; 0 after close(). */
  get workerCount(): number {
    return this.pool.workerCount
  }

  async capabilities(): Promise<RendererCapabilities> {
    return structuredClone(BUILTIN_CAPABILITIES)
  }

  /**
   * 1000 x reference time / measured time, measured in a child process with
   * this renderer's threads (benchmark.ts says why), so the node keeps no
   * render thread from it.
   */
  async benchmark(signal?: AbortSignal): Promise<number> {
    this.assertOpen()
    const best = await benchSecondsInChild(this.threads, signal)
    const score = Math.max(1, Math.round((1000 * BENCH_REFERENCE_SECONDS) / best))
    this.log.info('benchmark', { seconds: best, score })
    return score
  }

  async renderFrames(request: RenderFramesRequest): Promise<RenderedFrame[]> {
    this.assertOpen()
    const { settings, outDir, signal, frames } = request
    checkSettings(settings)
    frames.forEach(checkFrame)
    signal?.throwIfAborted()
    const scene = await loadScene(request.scenePath)
    await mkdir(outDir, { recursive: true })
    const full = { x: 0, y: 0, width: settings.width, height: settings.height }
    const done: RenderedFrame[] = []
    // Encode and write frame n while frame n + 1 renders.
    let writing: Promise<void> = Promise.resolve()
    try {
      for (const frame of frames) {
        const started = performance.now()
        const pixels = await this.pool.render(scene, frame, settings, full, signal)
        await writing
        const path = join(outDir, frameFileName(frame))
        writing = writePng(pixels, settings.width, settings.height, path, signal).then(() => {
          done.push({ frame, path })
          this.log.debug('frame rendered', { frame, ms: Math.round(performance.now() - started) })
          request.onProgress?.({ frame, framesDone: done.length, framesTotal: frames.length })
        })
        // Handled by the next await; this keeps a failure meanwhile from counting as unhandled.
        writing.catch(() => {})
      }
      await writing
    } catch (err) {
      await writing.catch(() => {})
      throw err
    }
    return done
  }

  async renderCrop(request: RenderCropRequest): Promise<RenderedFrame> {
    this.assertOpen()
    const { settings, crop, frame, signal } = request
    checkSettings(settings)
    checkFrame(frame)
    checkCrop(crop, settings)
    signal?.throwIfAborted()
    const scene = await loadScene(request.scenePath)
    await mkdir(request.outDir, { recursive: true })
    const pixels = await this.pool.render(scene, frame, settings, crop, signal)
    const path = join(request.outDir, frameFileName(frame))
    await writePng(pixels, crop.width, crop.height, path, signal)
    return { frame, path }
  }

  async close(): Promise<void> {
    this.closed = true
    await this.pool.close()
  }

  private assertOpen(): void {
    if (this.closed) throw new BuiltinRendererError('RENDERER_CLOSED', 'renderer is closed')
  }
}

/** Reads and validates a scene file, refusing oversized files before reading them. */
export async function loadScene(path: string): Promise<Scene> {
  let bytes: Buffer
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new SceneError(`${path} is not a file`)
    if (info.size > MAX_SCENE_BYTES) throw new SceneError(`file is ${info.size} bytes, more than the limit of ${MAX_SCENE_BYTES}`)
    bytes = await readFile(path)
  } catch (err) {
    if (err instanceof SceneError) throw err
    throw new SceneError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err })
  }
  return parseScene(bytes)
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1)
}

export type { RenderSettings }
