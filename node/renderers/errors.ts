// Errors every renderer shares. The code tells the worker whose fault a
// failure is (a bad scene or bad settings are the creator's; a crash, a
// limit or a missing renderer are ours); the message is one human line,
// never a stack trace or a renderer's log.
import { PictorError } from '../errors.ts'

export class RendererError extends PictorError {}

/** The scene file is unusable, or asks for something we refuse. */
export class SceneError extends RendererError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCENE_INVALID', `scene: ${message}`, options)
  }
}

/** Size, samples, seed, engine, device, frames or crop are out of range or not offered here. */
export class SettingsError extends RendererError {
  constructor(message: string) {
    super('SETTINGS_INVALID', `render settings: ${message}`)
  }
}
