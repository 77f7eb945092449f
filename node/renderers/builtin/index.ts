// The built-in renderer's public surface: a deterministic path tracer in
// TypeScript, so the testnet runs on any machine without Blender.

import { createLogger, type Logger } from '../../log.ts'
import { BuiltinRenderer, defaultThreads } from './builtin-renderer.ts'

export interface BuiltinRendererInit {
  /** Render worker threads; default os.availableParallelism() - 1 (at least 1), leaving a core for the node. */
  threads?: number
  logger?: Logger
}

export function createBuiltinRenderer(init: BuiltinRendererInit = {}): BuiltinRenderer {
  const threads = init.threads ?? defaultThreads()
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError('threads must be a positive integer')
  return new BuiltinRenderer({ threads, logger: init.logger ?? createLogger('renderer:builtin') })
}

export { BUILTIN_CAPABILITIES, BuiltinRenderer, loadScene } from './builtin-renderer.ts'
export { BuiltinRendererError, type BuiltinErrorCode, SceneError, SettingsError } from './errors.ts'
export type { Background, Camera, Light, Material, Scene, SceneObject, Track } from './scene.ts'
export { parseScene, sceneFromJson } from './scene.ts'
export { renderFramePixels } from './tracer.ts'
