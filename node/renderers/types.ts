// The renderer seam: the worker and the checker only see this interface.
// `builtin` (a deterministic TypeScript ray tracer) and `blender` implement it.

export interface RendererCapabilities {
  name: string
  version: string
  engines: string[]
  devices: string[]
}

export interface RenderSettings {
  width: number
  height: number
  samples: number
  seed: number
  engine?: string
  device?: string
}

/** A pixel rectangle inside the full frame; x/y from the top-left corner. */
export interface CropRegion {
  x: number
  y: number
  width: number
  height: number
}

export interface RenderProgress {
  frame: number
  framesDone: number
  framesTotal: number
}

export interface RenderFramesRequest {
  /** The scene file, already on local disk (fetched from its blob). */
  scenePath: string
  frames: number[]
  settings: RenderSettings
  /** Frames are written here as `<frame, zero-padded to 6>.png`; nothing else is written. */
  outDir: string
  signal?: AbortSignal
  onProgress?: (progress: RenderProgress) => void
}

export interface RenderedFrame {
  frame: number
  path: string
}

export interface RenderCropRequest extends Omit<RenderFramesRequest, 'frames' | 'onProgress'> {
  frame: number
  crop: CropRegion
}

export interface Renderer {
  capabilities(): Promise<RendererCapabilities>
  /** Renders a fixed reference scene; higher is faster. Comparable across machines. */
  benchmark(signal?: AbortSignal): Promise<number>
  renderFrames(request: RenderFramesRequest): Promise<RenderedFrame[]>
  /** Writes one PNG of exactly crop.width x crop.height pixels, equal to that region of the full frame. */
  renderCrop(request: RenderCropRequest): Promise<RenderedFrame>
  close(): Promise<void>
}

export function frameFileName(frame: number): string {
  return `${String(frame).padStart(6, '0')}.png`
}
