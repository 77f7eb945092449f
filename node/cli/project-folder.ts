// A scene project on the creator's disk, as a folder: every regular file
// below it, by relative '/'-separated path. Links are never followed (a link
// could reach anything this user can read), and the caps on files and bytes
// hold while walking, so a huge tree is refused before anything is read or
// uploaded.
import { createReadStream } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { LIMITS, ProtocolError, validateProjectPath } from '../../protocol/index.ts'
import { MAX_SCENE_UPLOAD_BYTES } from '../roles/creator/job-api.ts'
import { UsageError } from './args.ts'

export interface ProjectLimits {
  maxFiles: number
  /** One file: what the node's blob upload takes. */
  maxFileBytes: number
  maxTotalBytes: number
}

export const PROJECT_LIMITS: ProjectLimits = { maxFiles: LIMITS.maxProjectFiles, maxFileBytes: MAX_SCENE_UPLOAD_BYTES, maxTotalBytes: LIMITS.maxProjectBytes }

/** One file of a project on the creator's side, wherever its bytes come from (a folder or a zip). */
export interface ProjectSourceFile {
  path: string
  size: number
  /** The file on disk, when there is one (a folder); a zip's entries have none. */
  localPath?: string
  /** The file's bytes; for a zip entry, checked against its size and CRC as they are read. */
  open(): AsyncIterable<Uint8Array>
}

/** validateProjectPath with the refusal as a usage line naming `where`. */
export function checkProjectPath(path: string, where: string): void {
  try {
    validateProjectPath(path)
  } catch (err) {
    if (err instanceof ProtocolError) throw new UsageError(`${where}: ${err.message}`)
    throw err
  }
}

export async function walkProjectFolder(root: string, limits: ProjectLimits = PROJECT_LIMITS): Promise<ProjectSourceFile[]> {
  const files: ProjectSourceFile[] = []
  let total = 0
  const visit = async (dir: string, prefix: string): Promise<void> => {
    let names: string[]
    try {
      names = (await readdir(dir)).sort()
    } catch (err) {
      throw new UsageError(`cannot read folder ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
    }
    for (const name of names) {
      const full = join(dir, name)
      const path = prefix === '' ? name : `${prefix}/${name}`
      checkProjectPath(path, full)
      const st = await lstat(full)
      if (st.isSymbolicLink()) throw new UsageError(`${full} is a symbolic link: pictor does not follow links in a project, copy the file in instead`)
      if (st.isDirectory()) {
        await visit(full, path)
        continue
      }
      if (!st.isFile()) throw new UsageError(`${full} is not a regular file or folder`)
      if (files.length >= limits.maxFiles) throw new UsageError(`${root} holds more than ${limits.maxFiles} files, the most a project may have`)
      if (st.size > limits.maxFileBytes) throw new UsageError(`${full} is ${st.size} bytes, over the limit of ${limits.maxFileBytes} for one file`)
      total += st.size
      if (total > limits.maxTotalBytes) throw new UsageError(`${root} holds more than ${limits.maxTotalBytes} bytes, the most a project may have`)
      files.push({ path, size: st.size, localPath: full, open: () => createReadStream(full) })
    }
  }
  await visit(root, '')
  return files
}
