// A Renderer for scheduling and per-task CPU benchmarks: each frame takes a
// fixed time and comes out as a tiny valid PNG of the job's exact size, so
// what is measured is the network's bookkeeping, not ray tracing. Every
// frame's pixels differ (seed and frame number are written into them), so
// each frame is its own blob and the creator really fetches every one.
//
// The renderer costs (almost) no CPU: the PNG is built by hand with
// node:zlib (no sharp pipeline), cached per frame (SyntheticFrames, whose prime() builds
// them all before a timed run). What CPU it still uses (encoding, the
// synchronous file write) is timed and added to a shared meter, so a bench
// can subtract it from the process's CPU and keep only the pipeline's cost.
// With `offLoop` the file is written from the thread pool instead, untimed:
// a real renderer is its own process and creates its files off our event
// loop, where a scheduling bench of 50 workers in one process must not pay
// for them (creating a file can take ~1 ms on a disk without a journal).
import { writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import { BUILTIN_CAPABILITIES } from '../../../node/renderers/builtin/index.ts'
import { frameFileName, type RenderCropRequest, type RenderedFrame, type Renderer, type RendererCapabilities, type RenderFramesRequest } from '../../../node/renderers/types.ts'

export interface RenderSpan {
  startMs: number
  endMs: number
  frames: number
}

export interface SyntheticRenderer extends Renderer {
  /** One entry per renderFrames call, performance.now() times. */
  readonly spans: RenderSpan[]
}

export interface SyntheticRendererInit {
  frameMs: number
  /** PNG cache and CPU meter, shared by a run's renderers; a private one if absent. */
  frames?: SyntheticFrames
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/**
 * An 8-bit RGBA PNG of width x height, white but for its first 8 bytes of
 * pixels: `seed` and `frame`, big-endian (so frames and jobs differ).
 */
export function syntheticPng(width: number, height: number, seed: number, frame: number): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8 bits, RGBA, deflate, filter method 0, no interlace
  const stride = width * 4 + 1
  const raw = Buffer.alloc(stride * height, 0xff)
  for (let y = 0; y < height; y++) raw[y * stride] = 0 // each row: filter type None
  const first = Buffer.alloc(8)
  first.writeUInt32BE(seed >>> 0, 0)
  first.writeUInt32BE(frame >>> 0, 4)
  // The first 8 pixel bytes, wrapping onto the next rows when a row is narrower.
  for (let i = 0; i < Math.min(8, width * height * 4); i++) raw[Math.floor(i / (width * 4)) * stride + 1 + (i % (width * 4))] = first[i] as number
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))])
}

/** The frames' PNGs, built once each, and the CPU the renderers spent on them. */
export class SyntheticFrames {
  private readonly pngs = new Map<string, Buffer>()
  /** Milliseconds of CPU spent encoding and writing frames (not priming); writes off the loop are not counted. */
  cpuMs = 0
  private readonly offLoop: boolean

  constructor(options: { offLoop?: boolean } = {}) {
    this.offLoop = options.offLoop ?? false
  }

  png(width: number, height: number, seed: number, frame: number): Buffer {
    const key = `${width}x${height}/${seed}/${frame}`
    let bytes = this.pngs.get(key)
    if (bytes === undefined) {
      bytes = syntheticPng(width, height, seed, frame)
      this.pngs.set(key, bytes)
    }
    return bytes
  }

  /** Encodes these frames now, so a timed run only writes them. */
  prime(width: number, height: number, seed: number, frames: Iterable<number>): void {
    for (const frame of frames) this.png(width, height, seed, frame)
  }

  /** Synchronous unless offLoop: its wall time is then the renderer's own CPU (a write of a few hundred bytes). */
  async write(path: string, width: number, height: number, seed: number, frame: number): Promise<void> {
    if (this.offLoop) return writeFile(path, this.png(width, height, seed, frame))
    const started = performance.now()
    writeFileSync(path, this.png(width, height, seed, frame))
    this.cpuMs += performance.now() - started
  }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', abort)
      resolve()
    }
    function abort() {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', abort, { once: true })
  })

/** Timers may fire a fraction of a millisecond early by performance.now(): a frame never ends before its time. */
async function sleepUntil(atMs: number, signal?: AbortSignal): Promise<void> {
  for (let left = atMs - performance.now(); left > 0; left = atMs - performance.now()) await sleep(left, signal)
}

/**
 * Frame i of a call ends frameMs x (i + 1) after the call started: a late
 * timer delays that frame, not every later one, so a task takes
 * frames x frameMs plus one timer's lateness at most.
 */
export function syntheticRenderer(init: SyntheticRendererInit): SyntheticRenderer {
  const { frameMs } = init
  const pngs = init.frames ?? new SyntheticFrames()
  const spans: RenderSpan[] = []
  // Claims as the built-in renderer, so jobs for `builtin` are bid on.
  const caps: RendererCapabilities = structuredClone(BUILTIN_CAPABILITIES)
  return {
    spans,
    capabilities: async () => structuredClone(caps),
    benchmark: async () => 1000,
    async renderFrames(request: RenderFramesRequest): Promise<RenderedFrame[]> {
      const startMs = performance.now()
      const { width, height, seed } = request.settings
      const out: RenderedFrame[] = []
      for (const [i, frame] of request.frames.entries()) {
        request.signal?.throwIfAborted()
        const path = join(request.outDir, frameFileName(frame))
        await pngs.write(path, width, height, seed, frame)
        await sleepUntil(startMs + frameMs * (i + 1), request.signal)
        out.push({ frame, path })
        request.onProgress?.({ frame, framesDone: i + 1, framesTotal: request.frames.length })
      }
      spans.push({ startMs, endMs: performance.now(), frames: request.frames.length })
      return out
    },
    async renderCrop(request: RenderCropRequest): Promise<RenderedFrame> {
      const path = join(request.outDir, frameFileName(request.frame))
      await pngs.write(path, request.crop.width, request.crop.height, request.settings.seed, request.frame)
      return { frame: request.frame, path }
    },
    close: async () => {}
  }
}
