// Errors of the built-in renderer. Each carries a `code` so callers can map
// it (a bad scene is the creator's fault, a crashed worker is ours) and a
// message that is one human line, never a stack trace.

import { RendererError } from '../errors.ts'

export type BuiltinErrorCode = 'SCENE_INVALID' | 'SETTINGS_INVALID' | 'WORKER_FAILED' | 'RENDERER_CLOSED'

export class BuiltinRendererError extends RendererError {
  declare readonly code: BuiltinErrorCode
  constructor(code: BuiltinErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

// Scene and settings errors are the same for every renderer.
export { SceneError, SettingsError } from '../errors.ts'
