// Scene projects on the creator's API (a .blend plus the files it uses):
//   GET  /api/blobs/:id/stat   -> { id, size } or 404 (the CLI skips files the node has)
//   POST /api/projects         { main, files: [{ path, sha256, size }] } -> { id, size } of the stored manifest
// and the project half of POST /api/jobs: a job whose scene is a project
// names a manifest stored here whose files are all stored here too.
// Every file must be uploaded (POST /api/blobs) before the project is; the
// files are then published to the remote store when there is one, and their
// refs written into the manifest so workers can read them from there.
import { readFile } from 'node:fs/promises'
import { encodeProjectManifest, type JobSpec, LIMITS, type ProjectFile, type ProjectManifest, projectManifestOf, ProtocolError, parseProjectManifest, walrusRefProblem } from '../../../protocol/index.ts'
import { readBody } from '../../api/loopback-http.ts'
import { HttpError } from '../../api/server.ts'
import { isBlobId, type NetworkedBlobStore, type RemoteRef } from '../../blobs/index.ts'
import type { Logger } from '../../log.ts'
import type { CreatorComponents } from './components.ts'

type ProjectBlobs = Pick<NetworkedBlobStore, 'put' | 'stat' | 'fetchToPath' | 'publish'>

function asHttp400<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof ProtocolError) throw new HttpError(400, err.message)
    throw err
  }
}

/** Every file of the project is stored here with the size the manifest says; 400 with one line otherwise. */
async function checkStored(blobs: Pick<ProjectBlobs, 'stat'>, files: ProjectFile[]): Promise<void> {
  for (const f of files) {
    const stat = await blobs.stat(f.sha256)
    if (stat === undefined) throw new HttpError(400, `project file ${JSON.stringify(f.path)} (${f.sha256.slice(0, 12)}) is not stored on this node; upload it first`)
    if (stat.size !== f.size) throw new HttpError(400, `project file ${JSON.stringify(f.path)} is ${f.size} bytes in the project but ${stat.size} bytes as stored`)
  }
}

/** Where each file also lives remotely, when this node publishes to a remote store; the project stands without it. */
async function withRemoteRefs(blobs: ProjectBlobs, files: ProjectFile[], logger: Logger): Promise<ProjectFile[]> {
  // An empty file has no remote range to name.
  const ids = [...new Set(files.filter((f) => f.size > 0).map((f) => f.sha256))]
  let refs: Map<string, RemoteRef> | undefined
  try {
    refs = await blobs.publish(ids)
  } catch (err) {
    logger.warn('project files not published remotely; workers fetch them from this node', { files: ids.length, err })
  }
  return files.map(({ walrus: _ignored, ...f }) => {
    const ref = refs?.get(f.sha256)
    return ref === undefined || walrusRefProblem(ref, f.size) !== undefined ? f : { ...f, walrus: ref }
  })
}

export function registerProjectApi(components: Pick<CreatorComponents, 'api' | 'blobs' | 'logger'>): void {
  const { api, blobs, logger } = components

  api.route('GET', '/api/blobs/:id/stat', async (req) => {
    if (!isBlobId(req.params.id)) throw new HttpError(400, 'a blob id is 64 lowercase hex characters')
    const stat = await blobs.stat(req.params.id)
    if (stat === undefined) throw new HttpError(404, `blob ${req.params.id} is not stored on this node`)
    return stat
  })

  // A large project's list is over the API's JSON limit: any other content type is read here, up to the manifest limit.
  api.route('POST', '/api/projects', async (req) => {
    let body = req.body
    if (body === undefined) {
      const text = await readBody(req.raw, LIMITS.maxManifestBytes)
      if (text === undefined) throw new HttpError(413, `project list over ${LIMITS.maxManifestBytes} bytes`)
      try {
        body = JSON.parse(text)
      } catch {
        throw new HttpError(400, 'project list is not valid JSON')
      }
    }
    const project = asHttp400(() => projectManifestOf(body))
    await checkStored(blobs, project.files)
    const files = await withRemoteRefs(blobs, project.files, logger)
    const bytes = asHttp400(() => encodeProjectManifest({ main: project.main, files }))
    return await blobs.put(bytes, { maxBytes: LIMITS.maxManifestBytes })
  })
}

/**
 * POST /api/jobs for a project scene: the manifest is stored here and parses,
 * every file it lists is stored here; returns the stored main .blend's path,
 * for the same scene intake a single .blend gets.
 */
export async function projectMainPath(blobs: Pick<ProjectBlobs, 'stat' | 'fetchToPath'>, spec: JobSpec): Promise<string> {
  if (spec.renderer !== 'blender') throw new HttpError(400, `a project scene needs the blender renderer, not ${spec.renderer}`)
  if (spec.sceneSize > LIMITS.maxManifestBytes) throw new HttpError(400, `scene blob ${spec.sceneBlob} is not a project manifest: over ${LIMITS.maxManifestBytes} bytes`)
  let manifest: ProjectManifest
  try {
    manifest = parseProjectManifest(await readFile(await blobs.fetchToPath(spec.sceneBlob)))
  } catch (err) {
    if (err instanceof ProtocolError) throw new HttpError(400, `scene blob ${spec.sceneBlob} is not a project manifest: ${err.message}`)
    throw err
  }
  await checkStored(blobs, manifest.files)
  const main = manifest.files.find((f) => f.path === manifest.main)!
  return await blobs.fetchToPath(main.sha256)
}
