// The one check a scene passes before anyone uploads, stores or announces
// it: the CLI runs it on the creator's file before upload, the creator node
// again on the stored blob before the job is announced (a foreign API
// client may have skipped the CLI). Workers re-check at render time.
import { readFile } from 'node:fs/promises'
import { PictorError } from '../errors.ts'
import { checkBlendFile, defaultLimits } from './blender/index.ts'
import { parseScene } from './builtin/scene.ts'

export class InvalidSceneError extends PictorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCENE_INVALID', message, options)
  }
}

/** Resolves when the file at `path` is a scene `renderer` will accept; throws InvalidSceneError with one line otherwise. */
export async function validateScene(renderer: string, path: string): Promise<void> {
  try {
    if (renderer === 'builtin') parseScene(await readFile(path))
    else if (renderer === 'blender') await checkBlendFile(path, defaultLimits())
    else throw new Error(`unknown renderer ${renderer}`)
  } catch (err) {
    throw new InvalidSceneError((err as Error).message, { cause: err })
  }
}
