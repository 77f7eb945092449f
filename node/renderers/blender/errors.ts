// Errors of the Blender renderer. The code tells the worker whose fault a
// failure is (a bad scene is the creator's, a crash or a missing Blender is
// ours); the message is one human line, never a stack trace or a Blender log.
import { RendererError } from '../errors.ts'

export type BlenderErrorCode =
  | 'BLENDER_NOT_FOUND'
  | 'SCENE_INVALID'
  | 'SETTINGS_INVALID'
  | 'RENDER_FAILED'
  | 'OUTPUT_INVALID'
  | 'TIMED_OUT'
  | 'CPU_LIMIT'
  | 'MEMORY_LIMIT'
  | 'ABORTED'
  | 'RENDERER_CLOSED'

export class BlenderError extends RendererError {
  declare readonly code: BlenderErrorCode
  constructor(code: BlenderErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

// Scene and settings errors are the same for every renderer.
export { SceneError, SettingsError } from '../errors.ts'
