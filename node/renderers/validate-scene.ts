// The one check a scene passes before anyone uploads, stores or announces
// it: the CLI runs it on the creator's file before upload, the creator node
// again on the stored blob before the job is announced (a foreign API
// client may have skipped the CLI). Workers re-check at render time.
import { readFile } from 'node:fs/promises'
import { parseScene } from './builtin/scene.ts'
import { SceneError } from './errors.ts'

/** Resolves when the file at `path` is a scene `renderer` will accept; throws SceneError with one line otherwise. */
export async function validateScene(renderer: string, path: string): Promise<void> {
  try {
    if (renderer === 'builtin') parseScene(await readFile(path))
    else if (renderer === 'blender') {
      // Loaded here, not at start: the Blender renderer's code and packages are several MiB a builtin-only node never uses.
      const { checkBlendFile, defaultLimits } = await import('./blender/index.ts')
      await checkBlendFile(path, defaultLimits())
    }
    else throw new SceneError(`no ${renderer} renderer`)
  } catch (err) {
    throw err instanceof SceneError ? err : new SceneError((err as Error).message, { cause: err })
  }
}
