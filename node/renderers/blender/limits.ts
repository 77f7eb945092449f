// Limits for untrusted scenes and job settings, and the caps put on each
// Blender process. Every default is overridable through BlenderRendererInit.
import { availableParallelism, totalmem } from 'node:os'

export const MAX_SIDE = 16_384
/** Cycles accepts more, but no job we price needs more and the wire field is a uint32. */
export const MAX_SAMPLES = 1 << 20
/** cycles.seed is a C int. */
export const MAX_SEED = 0x7fffffff
/** Blender's MAXFRAME. */
export const MAX_FRAME = 1_048_574
/** One Blender process per call: a bounded frame list keeps its JSON and our bookkeeping small. */
export const MAX_FRAMES_PER_CALL = 10_000
export const MAX_THREADS = 1024

export const ENGINES = ['CYCLES', 'BLENDER_EEVEE'] as const
/** 'GPU' means any GPU backend Blender offers here; the others pin one. */
export const GPU_BACKENDS = ['CUDA', 'OPTIX', 'HIP', 'METAL', 'ONEAPI'] as const

export interface BlenderLimits {
  /** Wall-clock cap of one Blender process (one renderFrames call), ms; the job's stop time usually comes as an AbortSignal sooner. */
  timeoutMs: number
  /**
   * RLIMIT_DATA of the process, bytes (prlimit --data). DATA rather than AS:
   * GPU drivers and glibc reserve large PROT_NONE address ranges that AS
   * would count and DATA does not, while every heap and anonymous mapping
   * Blender writes to is counted. 0 turns the cap off.
   */
  memoryBytes: number
  /** RLIMIT_CPU, seconds of CPU over all threads (prlimit --cpu); 0 derives it from timeoutMs and the core count. */
  cpuSeconds: number
  /** RLIMIT_FSIZE: the largest file Blender may write (an RGBA 16k x 16k PNG fits). */
  fileBytes: number
  /** Largest scene file accepted. */
  sceneBytes: number
  /** Largest decompressed size of a compressed .blend that is scanned. */
  sceneUncompressedBytes: number
}

export function defaultLimits(): BlenderLimits {
  return {
    timeoutMs: 4 * 3600_000,
    // Leave a quarter of the machine to the node and the OS.
    memoryBytes: Math.floor(totalmem() * 0.75),
    cpuSeconds: 0,
    fileBytes: 2 * 1024 ** 3,
    sceneBytes: 8 * 1024 ** 3,
    sceneUncompressedBytes: 32 * 1024 ** 3
  }
}

/** The CPU cap as a backstop for the wall clock: it still holds if the node dies and cannot kill the process. */
export function cpuSecondsFor(limits: BlenderLimits, timeoutMs: number): number {
  if (limits.cpuSeconds > 0) return limits.cpuSeconds
  return Math.ceil(timeoutMs / 1000) * availableParallelism() + 60
}
