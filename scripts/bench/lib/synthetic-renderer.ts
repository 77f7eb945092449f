// A Renderer for scheduling benchmarks: each frame takes a fixed time and
// comes out as a tiny valid PNG of the job's exact size, so what is measured
// is the network's bookkeeping, not ray tracing. Every frame's pixels differ
// (seed and frame number are written into them), so each frame is its own
// blob and the creator really fetches every one.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
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

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (ms <= 0) return resolve()
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

async function encodeFrame(width: number, height: number, seed: number, frame: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4, 0xff)
  pixels.writeUInt32BE(seed >>> 0, 0)
  if (pixels.length >= 8) pixels.writeUInt32BE(frame >>> 0, 4)
  return sharp(pixels, { raw: { width, height, channels: 4 } }).png({ compressionLevel: 1 }).toBuffer()
}

/**
 * `frameMs` per frame, measured from the frame's start: encoding the PNG
 * happens inside that time, so a frame never takes less than frameMs.
 */
export function syntheticRenderer(frameMs: number): SyntheticRenderer {
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
        const frameStart = performance.now()
        const path = join(request.outDir, frameFileName(frame))
        await writeFile(path, await encodeFrame(width, height, seed, frame))
        await sleep(frameMs - (performance.now() - frameStart), request.signal)
        out.push({ frame, path })
        request.onProgress?.({ frame, framesDone: i + 1, framesTotal: request.frames.length })
      }
      spans.push({ startMs, endMs: performance.now(), frames: request.frames.length })
      return out
    },
    async renderCrop(request: RenderCropRequest): Promise<RenderedFrame> {
      const path = join(request.outDir, frameFileName(request.frame))
      await writeFile(path, await encodeFrame(request.crop.width, request.crop.height, request.settings.seed, request.frame))
      return { frame: request.frame, path }
    },
    close: async () => {}
  }
}
