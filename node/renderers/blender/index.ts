// The Blender renderer's public surface: a real Blender behind the renderer
// interface, with hardened intake of untrusted scenes (SECURITY.md).

import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, type Logger } from '../../log.ts'
import { BlenderRenderer } from './blender-renderer.ts'
import { type BlenderLimits, defaultLimits } from './limits.ts'
import { checkThreads } from './task-spec.ts'

export interface BlenderRendererInit {
  /** Blender's executable; default $PICTOR_BLENDER, then `blender` on PATH. */
  binary?: string
  logger?: Logger
  limits?: Partial<BlenderLimits>
  /** Render threads; default all cores but one, which stays with the node. */
  threads?: number
  /** Parent of per-task folders; default the OS temp dir. */
  workDir?: string
  /** Where the generated bench scene is kept (the node passes its data dir); default a folder in the OS temp dir. */
  cacheDir?: string
  /** Confine Blender with Landlock where the kernel supports it (default true); see SECURITY.md. */
  sandbox?: boolean
}

export function createBlenderRenderer(init: BlenderRendererInit = {}): BlenderRenderer {
  const threads = init.threads ?? Math.max(1, availableParallelism() - 1)
  checkThreads(threads)
  return new BlenderRenderer({
    binary: init.binary,
    threads,
    limits: { ...defaultLimits(), ...init.limits },
    workDir: init.workDir ?? tmpdir(),
    cacheDir: init.cacheDir ?? join(tmpdir(), 'pictor-blender-cache'),
    sandbox: init.sandbox ?? true,
    logger: init.logger ?? createLogger('renderer:blender')
  })
}

export { BENCH_FRAMES, BENCH_REFERENCE_SECONDS, BENCH_SETTINGS, benchScenePath, benchScore } from './bench.ts'
export { type BlendFileInfo, checkBlendFile } from './blend-file.ts'
export { BlenderRenderer, type BlenderRenderCropRequest, type BlenderRenderFramesRequest, type BlenderTaskOptions } from './blender-renderer.ts'
export { type BlenderDevices, type BlenderGpu, type BlenderInstall, blenderVersion, detectBlender, findBlenderBinary, findExecutable, gpuNamesOf, parseDeviceReport } from './detect.ts'
export { BlenderError, type BlenderErrorCode, SceneError, SettingsError } from './errors.ts'
export { type BlenderLimits, defaultLimits, ENGINES, GPU_BACKENDS } from './limits.ts'
export { type Protection, probeProtections } from './protections.ts'
export { probeSandbox, type Sandbox, type SandboxPolicy, sandboxPolicy } from './sandbox.ts'
