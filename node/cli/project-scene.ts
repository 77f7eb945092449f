// A scene project (a folder or a .zip holding a .blend and the files it uses)
// on the creator's side: read and checked whole (caps, paths, the main
// .blend, the manifest) before anything is uploaded, then uploaded file by
// file, skipping what the node stores already, and registered with
// POST /api/projects, which answers the stored manifest's id and size.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { encodeProjectManifest, ProtocolError } from '../../protocol/index.ts'
import type { ApiClient } from '../api/client.ts'
import { SceneError, validateScene } from '../renderers/index.ts'
import { UsageError } from './args.ts'
import { nodeHasBlob, postLargeJson, type StoredBlob, uploadBlob } from './blob-upload.ts'
import { checkProjectPath, PROJECT_LIMITS, type ProjectLimits, type ProjectSourceFile, walkProjectFolder } from './project-folder.ts'
import { readZipProject } from './zip-reader.ts'

export interface LocalProjectFile extends ProjectSourceFile {
  sha256: string
}

export interface LocalProject {
  /** The folder or .zip it was read from. */
  source: string
  main: string
  files: LocalProjectFile[]
  /** The manifest as this side encodes it (no remote refs), for checking the spec before upload; the node's may differ. */
  manifest: StoredBlob
}

/** Whether `path` names a project (a folder, or a file ending .zip) rather than a single scene file. */
export async function isProjectPath(path: string): Promise<boolean> {
  if (path.toLowerCase().endsWith('.zip')) return true
  return (await stat(path).catch(() => undefined))?.isDirectory() === true
}

/** The .blend to open: `--main`, or the only .blend at the top level. */
export function chooseMain(paths: string[], main: string | undefined, source: string): string {
  if (main !== undefined) {
    checkProjectPath(main, '--main')
    if (!main.endsWith('.blend')) throw new UsageError(`--main ${main} is not a .blend file`)
    if (!paths.includes(main)) throw new UsageError(`--main ${main} is not in ${source}`)
    return main
  }
  const top = paths.filter((p) => !p.includes('/') && p.endsWith('.blend'))
  if (top.length === 1) return top[0]!
  const nested = paths.filter((p) => p.endsWith('.blend'))
  if (top.length === 0) throw new UsageError(`${source} has no .blend at its top level${nested.length > 0 ? ` (it has ${nested.slice(0, 3).join(', ')}${nested.length > 3 ? ', ...' : ''})` : ''}: name the main one with --main path/to/shot.blend`)
  throw new UsageError(`${source} has ${top.length} .blend files at its top level (${top.slice(0, 3).join(', ')}${top.length > 3 ? ', ...' : ''}): choose one with --main`)
}

async function sha256Of(file: ProjectSourceFile): Promise<string> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of file.open()) {
    hash.update(chunk)
    bytes += chunk.length
  }
  if (bytes !== file.size) throw new UsageError(`${file.localPath ?? file.path} changed while it was read`)
  return hash.digest('hex')
}

/** Reads, hashes and checks a project folder or .zip; uploads nothing. */
export async function readProject(source: string, options: { main?: string; limits?: ProjectLimits } = {}): Promise<LocalProject> {
  const limits = options.limits ?? PROJECT_LIMITS
  const st = await stat(source).catch(() => undefined)
  if (st === undefined) throw new UsageError(`scene ${source} not found`)
  const isZip = st.isFile() && source.toLowerCase().endsWith('.zip')
  if (!isZip && !st.isDirectory()) throw new UsageError(`scene ${source} is neither a folder nor a .zip`)
  const found = isZip ? await readZipProject(source, limits) : await walkProjectFolder(source, limits)
  const main = chooseMain(found.map((f) => f.path), options.main, source)
  const manifestOf = (files: { path: string; size: number; sha256: string }[]) => {
    try {
      return encodeProjectManifest({ main, files: files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })) })
    } catch (err) {
      if (err instanceof ProtocolError) throw new UsageError(`${source}: ${err.message}`)
      throw err
    }
  }
  // Names that clash are refused before gigabytes are hashed.
  manifestOf(found.map((f) => ({ ...f, sha256: '0'.repeat(64) })))
  const files: LocalProjectFile[] = []
  for (const f of found) files.push({ ...f, sha256: await sha256Of(f) })
  const bytes = manifestOf(files)
  return { source, main, files, manifest: { id: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength } }
}

/** The scene intake a single .blend gets, on the project's main .blend (unpacked to a temp file from a zip). */
export async function validateProjectMain(project: LocalProject, renderer: string): Promise<void> {
  const main = project.files.find((f) => f.path === project.main)!
  const temp = main.localPath === undefined ? await mkdtemp(join(tmpdir(), 'pictor-main-')) : undefined
  try {
    const path = main.localPath ?? join(temp!, 'main.blend')
    if (temp !== undefined) await pipeline(Readable.from(main.open()), createWriteStream(path, { flags: 'wx' }))
    await validateScene(renderer, path)
  } catch (err) {
    if (err instanceof SceneError) throw new UsageError(`scene ${project.source}, ${project.main}: ${err.message}`)
    throw err
  } finally {
    if (temp !== undefined) await rm(temp, { recursive: true, force: true })
  }
}

/** Uploads the files the node lacks, then the project; returns the stored manifest. */
export async function uploadProject(client: ApiClient, project: LocalProject): Promise<StoredBlob> {
  for (const f of project.files) {
    const held = await nodeHasBlob(client, f.sha256)
    if (held !== undefined && held.size === f.size) continue
    const stored = await uploadBlob(client, f.localPath ?? f.open(), `project file ${f.path}`)
    if (stored.id !== f.sha256) throw new UsageError(`${f.localPath ?? f.path} changed since it was read: submit again`)
  }
  return postLargeJson<StoredBlob>(client, '/api/projects', { main: project.main, files: project.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })) })
}
