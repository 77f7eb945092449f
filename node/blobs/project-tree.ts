// A scene project written out as a folder tree, for the renderer: shared by
// the worker's scene cache and the checker. The manifest comes from the
// network, so every path is checked again here and each file's real
// location must stay inside the tree; a file that would land elsewhere, or
// on top of another, stops the whole tree, and what was written is removed.
import { lstat, mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { LIMITS, parseProjectManifest, type ProjectFile, type ProjectManifest, ProtocolError, validateProjectPath } from '../../protocol/index.ts'
import { PictorError } from '../errors.ts'
import { type RemoteCopy, remoteCopyOf } from './types.ts'

export class ProjectTreeError extends PictorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_PROJECT_TREE', message, options)
  }
}

/** Writes one file's verified bytes to `dest` (a blob store's getFile, or a copy of a fetched blob). */
export type ProjectFileWriter = (file: ProjectFile, dest: string, remote: RemoteCopy | undefined) => Promise<void>

export interface MaterialiseOptions {
  signal?: AbortSignal
  /** Files written at once (default 4). */
  concurrency?: number
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** Reads and checks a manifest blob on disk; throws ProjectTreeError with one line. */
export async function readProjectManifest(manifestPath: string): Promise<ProjectManifest> {
  const { size } = await stat(manifestPath)
  if (size > LIMITS.maxManifestBytes) throw new ProjectTreeError(`project manifest is over ${LIMITS.maxManifestBytes} bytes`)
  try {
    return parseProjectManifest(await readFile(manifestPath))
  } catch (err) {
    if (err instanceof ProtocolError) throw new ProjectTreeError(err.message, { cause: err })
    throw err
  }
}

/** Whether `path` lies strictly inside `root` (both absolute). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

/**
 * Writes the project named by the manifest at `manifestPath` under `root`,
 * which must not exist yet (it is created, and removed again if anything
 * fails). Returns the main .blend's path inside the tree.
 */
export async function materialiseProject(manifestPath: string, root: string, write: ProjectFileWriter, options: MaterialiseOptions = {}): Promise<string> {
  const manifest = await readProjectManifest(manifestPath)
  await mkdir(dirname(root), { recursive: true })
  await mkdir(root)
  try {
    const real = await realpath(root)
    const queue = [...manifest.files]
    // Every writer stops at the first failure and is waited for, so nothing is written after the tree is removed.
    let failure: { err: unknown } | undefined
    const worker = async () => {
      for (let file = queue.shift(); file !== undefined && failure === undefined; file = queue.shift()) {
        try {
          options.signal?.throwIfAborted()
          await placeFile(real, file, write)
        } catch (err) {
          failure ??= { err }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker))
    if (failure !== undefined) throw failure.err
    return join(real, ...manifest.main.split('/'))
  } catch (err) {
    await rm(root, { recursive: true, force: true })
    throw err
  }
}

async function placeFile(root: string, file: ProjectFile, write: ProjectFileWriter): Promise<void> {
  try {
    validateProjectPath(file.path)
  } catch (err) {
    throw new ProjectTreeError((err as Error).message, { cause: err })
  }
  const dest = join(root, ...file.path.split('/'))
  if (!inside(root, dest)) throw new ProjectTreeError(`project file ${JSON.stringify(file.path)} would be written outside its folder`)
  await mkdir(dirname(dest), { recursive: true })
  // The folders were made here, but a link among them would still lead out.
  const parent = await realpath(dirname(dest))
  if (parent !== root && !inside(root, parent)) throw new ProjectTreeError(`project file ${JSON.stringify(file.path)} would be written outside its folder`)
  const existing = await lstat(dest).catch(() => undefined)
  if (existing !== undefined) throw new ProjectTreeError(`project file ${JSON.stringify(file.path)} collides with another file of the project`)
  if (file.size === 0 && file.sha256 === EMPTY_SHA256) await writeFile(dest, new Uint8Array(0), { flag: 'wx' })
  else await write(file, dest, remoteCopyOf(file.walrus, file.size))
  const written = await lstat(dest)
  if (!written.isFile() || written.size !== file.size) throw new ProjectTreeError(`project file ${JSON.stringify(file.path)} was written with ${written.size} bytes, the manifest says ${file.size}`)
}
