// Errors of the Blender renderer. The code tells the worker whose fault a
// failure is (a bad scene is the creator's, a crash or a missing Blender is
// ours); the message is one human line, never a stack trace or a Blender log.
import { PictorError } from '../../errors.ts'

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

export class BlenderError extends PictorError {
  declare readonly code: BlenderErrorCode
  constructor(code: BlenderErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** The scene file is not a usable .blend, or asks for something we refuse (a library outside the job). */
export class SceneError extends BlenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCENE_INVALID', `scene: ${message}`, options)
  }
}

/** Size, samples, seed, engine, device, frames or crop are out of range or not offered here. */
export class SettingsError extends BlenderError {
  constructor(message: string) {
    super('SETTINGS_INVALID', `render settings: ${message}`)
  }
}
