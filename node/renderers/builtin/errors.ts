// Errors of the built-in renderer. Each carries a `code` so callers can map
// it (a bad scene is the creator's fault, a crashed worker is ours) and a
// message that is one human line, never a stack trace.

import { PictorError } from '../../errors.ts'

export type BuiltinErrorCode = 'SCENE_INVALID' | 'SETTINGS_INVALID' | 'WORKER_FAILED' | 'RENDERER_CLOSED'

export class BuiltinRendererError extends PictorError {
  declare readonly code: BuiltinErrorCode
  constructor(code: BuiltinErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** The scene file is unreadable, too big, or breaks a rule of the format. */
export class SceneError extends BuiltinRendererError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCENE_INVALID', `scene: ${message}`, options)
  }
}

/** Width, height, samples, seed or crop are out of range. */
export class SettingsError extends BuiltinRendererError {
  constructor(message: string) {
    super('SETTINGS_INVALID', `render settings: ${message}`)
  }
}
