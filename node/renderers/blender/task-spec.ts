// Pure pieces of a Blender task: checking job settings, the crop border,
// the JSON our fixed script reads, the command line and the environment.
// No I/O here, so all of it is unit-tested without Blender.
import type { CropRegion, RenderSettings } from '../types.ts'
import { SettingsError } from './errors.ts'
import { ENGINES, GPU_BACKENDS, MAX_FRAME, MAX_FRAMES_PER_CALL, MAX_SAMPLES, MAX_SEED, MAX_SIDE, MAX_THREADS } from './limits.ts'

export interface Border {
  minX: number
  maxX: number
  minY: number
  maxY: number
}

/** What render_task.py reads. Paths are absolute and all ours; the rest is checked job data. */
export interface TaskJson {
  nonce: string
  /** The scene Blender must have loaded; anything else (a failed load) is refused. */
  scenePath: string
  /** Directories the scene may read from; paths resolving elsewhere are neutralised. */
  readRoots: string[]
  outDir: string
  cacheDir: string
  engine: string
  device: string
  samples: number
  seed: number
  width: number
  height: number
  threads: number
  frames: number[]
  border: Border | null
  /** What Blender writes (blenderFileFormat); the node re-encodes it into the job's format. */
  fileFormat: BlenderFileFormat
}

/**
 * Blender writes lossless files only: PNG (8-bit RGBA) for PNG and JPEG
 * jobs, the node encoding the JPEG itself (jpeg.ts: one encode, fixed
 * settings, the same a checker reproduces), and OpenEXR for EXR jobs: FLOAT
 * (32-bit) RGBA with ZIP compression, what exr-read.ts reads. FLOAT, not
 * HALF: a half tops out at 65504 (a light seen directly overflows to
 * infinity, which no comparison can use) and rounds to 11 bits, so FLOAT
 * keeps exactly what Cycles computed; the price is twice the bytes.
 */
export type BlenderFileFormat = 'PNG' | 'OPEN_EXR'

export function blenderFileFormat(format: string | undefined): BlenderFileFormat {
  if (format === undefined || format === 'PNG' || format === 'JPEG') return 'PNG'
  if (format === 'EXR') return 'OPEN_EXR'
  throw new SettingsError(`format ${JSON.stringify(format)} is not one of PNG, JPEG, EXR`)
}

export interface ResolvedSettings {
  engine: string
  device: string
  width: number
  height: number
  samples: number
  seed: number
}

const int = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

/** Checks settings against our limits and what this Blender offers; fills the defaults (Cycles on the CPU). */
export function resolveSettings(s: RenderSettings, offered: { engines: string[]; devices: string[] }): ResolvedSettings {
  if (!int(s.width, 1, MAX_SIDE) || !int(s.height, 1, MAX_SIDE)) throw new SettingsError(`size must be 1..${MAX_SIDE} pixels a side, got ${s.width}x${s.height}`)
  if (!int(s.samples, 1, MAX_SAMPLES)) throw new SettingsError(`samples must be an integer from 1 to ${MAX_SAMPLES}, got ${s.samples}`)
  if (!int(s.seed, 0, MAX_SEED)) throw new SettingsError(`seed must be an integer from 0 to ${MAX_SEED}, got ${s.seed}`)
  const engine = s.engine ?? 'CYCLES'
  if (!(ENGINES as readonly string[]).includes(engine) || !offered.engines.includes(engine)) {
    throw new SettingsError(`engine ${JSON.stringify(engine)} is not offered here (${offered.engines.join(', ')})`)
  }
  const device = s.device ?? 'CPU'
  const gpus = offered.devices.filter((d) => (GPU_BACKENDS as readonly string[]).includes(d))
  const ok = device === 'CPU' || (device === 'GPU' ? gpus.length > 0 : gpus.includes(device))
  if (!ok) throw new SettingsError(`device ${JSON.stringify(device)} is not available here (${offered.devices.join(', ')})`)
  if (engine !== 'CYCLES' && device !== 'CPU' && device !== 'GPU') throw new SettingsError(`device ${device} applies to Cycles only`)
  return { engine, device, width: s.width, height: s.height, samples: s.samples, seed: s.seed }
}

export function checkFrames(frames: readonly number[]): void {
  if (frames.length === 0) throw new SettingsError('no frames to render')
  if (frames.length > MAX_FRAMES_PER_CALL) throw new SettingsError(`${frames.length} frames in one call, more than ${MAX_FRAMES_PER_CALL}`)
  const seen = new Set<number>()
  for (const f of frames) {
    if (!int(f, 0, MAX_FRAME)) throw new SettingsError(`frame must be an integer from 0 to ${MAX_FRAME}, got ${f}`)
    if (seen.has(f)) throw new SettingsError(`frame ${f} listed twice`)
    seen.add(f)
  }
}

export function checkCrop(crop: CropRegion, s: { width: number; height: number }): void {
  const { x, y, width, height } = crop
  if (!int(x, 0, s.width - 1) || !int(y, 0, s.height - 1) || !int(width, 1, s.width - x) || !int(height, 1, s.height - y)) {
    throw new SettingsError(`crop ${x},${y} ${width}x${height} is not inside the ${s.width}x${s.height} frame`)
  }
}

/**
 * Blender turns the border into pixels by truncation (border * size, cast to
 * int) after storing it as a float, so x / size can land a hair under x and
 * lose a pixel. Half a pixel of margin makes the truncation land exactly on
 * x for any size we allow. Blender's y axis points up; ours points down.
 */
export function cropBorder(crop: CropRegion, s: { width: number; height: number }): Border {
  const edge = (px: number, size: number) => Math.min(1, (px + 0.5) / size)
  return {
    minX: edge(crop.x, s.width),
    maxX: edge(crop.x + crop.width, s.width),
    minY: edge(s.height - crop.y - crop.height, s.height),
    maxY: edge(s.height - crop.y, s.height)
  }
}

/** What Blender's truncation makes of a border: the pixel rectangle actually rendered (for tests). */
export function borderPixels(b: Border, s: { width: number; height: number }): CropRegion {
  const f32 = Math.fround
  const x0 = Math.trunc(f32(b.minX) * s.width)
  const x1 = Math.trunc(f32(b.maxX) * s.width)
  const y0 = Math.trunc(f32(b.minY) * s.height)
  const y1 = Math.trunc(f32(b.maxY) * s.height)
  return { x: x0, y: s.height - y1, width: x1 - x0, height: y1 - y0 }
}

/**
 * The command line: options first (they apply in order), then the scene,
 * then our script with the JSON after `--`, where Blender stops parsing.
 * The scene path is absolute, so it can never read as an option.
 */
export function blenderArgs(o: { scenePath: string; scriptPath: string; taskJsonPath: string }): string[] {
  if (!o.scenePath.startsWith('/')) throw new Error('scene path must be absolute')
  return [
    '-b',
    '--factory-startup',
    '--disable-autoexec',
    '-noaudio',
    '--python-exit-code',
    '3',
    o.scenePath,
    '--python',
    o.scriptPath,
    '--',
    o.taskJsonPath
  ]
}

/**
 * prlimit in front of Blender. The CPU hard limit sits a little above the
 * soft one: at the soft limit the kernel sends SIGXCPU, which names the cause;
 * with equal limits it sends a bare SIGKILL. --core=0: a crash must not drop
 * a core file holding scene data in the task folder.
 */
export function prlimitArgs(caps: { memoryBytes: number; cpuSeconds: number; fileBytes: number }): string[] {
  const args = [`--cpu=${caps.cpuSeconds}:${caps.cpuSeconds + 5}`, `--fsize=${caps.fileBytes}`, '--core=0']
  if (caps.memoryBytes > 0) args.unshift(`--data=${caps.memoryBytes}`)
  return [...args, '--']
}

/** Variables a GPU render may need from the operator's environment; nothing else is inherited. */
const PASS_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES', 'NVIDIA_VISIBLE_DEVICES', 'HIP_VISIBLE_DEVICES', 'ROCR_VISIBLE_DEVICES', 'ONEAPI_DEVICE_SELECTOR']

/**
 * A fresh environment: Blender's user config, scripts, data files, home and
 * temp all point into the task folder, and Python sees no PYTHONPATH,
 * PYTHONHOME, PYTHONSTARTUP or user site-packages of the operator.
 */
export function blenderEnv(base: NodeJS.ProcessEnv, home: string, tmp: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of PASS_THROUGH) {
    const value = base[key]
    if (value !== undefined) env[key] = value
  }
  env.PATH ??= '/usr/bin:/bin'
  return {
    ...env,
    HOME: home,
    TMPDIR: tmp,
    TMP: tmp,
    TEMP: tmp,
    BLENDER_USER_CONFIG: `${home}/config`,
    BLENDER_USER_SCRIPTS: `${home}/scripts`,
    BLENDER_USER_DATAFILES: `${home}/datafiles`,
    PYTHONNOUSERSITE: '1',
    PYTHONDONTWRITEBYTECODE: '1'
  }
}

export function checkThreads(threads: number): void {
  if (!int(threads, 1, MAX_THREADS)) throw new RangeError(`threads must be an integer from 1 to ${MAX_THREADS}`)
}
