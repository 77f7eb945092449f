// The renderer seam: the worker and the checker only see this interface.
// `builtin` (a deterministic TypeScript ray tracer) and `blender` implement it.
import type { OutputFormat } from '../../protocol/index.ts'
import { FRAME_FORMATS } from '../images/frame-format.ts'

export interface RendererCapabilities {
  name: string
  version: string
  engines: string[]
  /** Where it renders: 'CPU', and 'GPU' only when a usable GPU backend exists (then the backends too). */
  devices: string[]
  /** The GPU cards it can render on, by name; the worker reports them when the OS names none. */
  gpus?: string[]
  /** The most samples per pixel it renders; a job asking more fails every task, so workers do not bid on it. */
  maxSamples?: number
}

export interface RenderSettings {
  width: number
  height: number
  samples: number
  seed: number
  engine?: string
  device?: string
  /** The frame file format; absent means PNG. The builtin renderer writes PNG only. */
  format?: OutputFormat
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
  /** A project scene's folder, holding scenePath: its relative paths resolve here, and it may read nothing outside (the Blender renderer). */
  jobDir?: string
  frames: number[]
  settings: RenderSettings
  /** Frames are written here as frameFileName(frame, settings.format); nothing else is written. */
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
  /** Writes one frame file of exactly crop.width x crop.height pixels, equal to that region of the full frame. */
  renderCrop(request: RenderCropRequest): Promise<RenderedFrame>
  close(): Promise<void>
}

/** `<frame, zero-padded to 6>.<png|jpg|exr>`. */
export function frameFileName(frame: number, format: OutputFormat = 'PNG'): string {
  return `${String(frame).padStart(6, '0')}.${FRAME_FORMATS[format].extension}`
}
