// Client-side job helpers shared by `pictor job ...` and the demo: build and
// check a spec before anything is uploaded, upload the scene, wait, download.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { type JobSpec, JobSpecError, validateJobSpec } from '../../protocol/index.ts'
import type { ApiClient } from '../api/client.ts'
import type { JobView } from '../roles/creator/index.ts'
import { frameFileName, SceneError, validateScene } from '../renderers/index.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { UsageError } from './args.ts'

export const MAX_SCENE_FILE_BYTES = 256 * 1024 * 1024

export async function sceneBlobOf(path: string): Promise<{ id: string; size: number }> {
  let size: number
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new UsageError(`scene ${path} is not a file`)
    size = s.size
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw new UsageError(`scene ${path} not found`)
  }
  if (size > MAX_SCENE_FILE_BYTES) throw new UsageError(`scene ${path} is over ${MAX_SCENE_FILE_BYTES} bytes`)
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return { id: hash.digest('hex'), size }
}

/** Everything is checked here, before the scene is uploaded: bad input stores nothing. */
export async function prepareJob(scenePath: string, fields: Record<string, unknown>): Promise<JobSpec> {
  const blob = await sceneBlobOf(scenePath)
  let spec: JobSpec
  try {
    spec = validateJobSpec({ ...fields, sceneBlob: blob.id, sceneSize: blob.size })
  } catch (err) {
    if (err instanceof JobSpecError) throw new UsageError(err.message)
    throw err
  }
  try {
    // A scene that fails validation is never uploaded, so it never reaches a worker.
    await validateScene(spec.renderer, scenePath)
  } catch (err) {
    if (err instanceof SceneError) throw new UsageError(`scene ${scenePath}: ${err.message}`)
    throw err
  }
  return spec
}

export async function submitJob(client: ApiClient, scenePath: string, spec: JobSpec): Promise<JobView> {
  const res = await fetch(`${client.url}/api/blobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/octet-stream' },
    body: Readable.toWeb(createReadStream(scenePath)) as ReadableStream,
    duplex: 'half'
  } as RequestInit)
  if (!res.ok) throw new UsageError(`scene upload failed: ${((await res.json().catch(() => ({}))) as { error?: string }).error ?? res.status}`)
  return client.request<JobView>('POST', '/api/jobs', spec)
}

export async function waitForJob(client: ApiClient, id: string, onUpdate: (view: JobView) => void, pollMs = 300): Promise<JobView> {
  for (;;) {
    const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
    onUpdate(view)
    if (view.status !== 'active') return view
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

export async function downloadFrames(client: ApiClient, view: JobView, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const paths: string[] = []
  for (const f of view.frames) {
    if (f.status !== 'succeeded') continue
    const res = await client.fetch('GET', `/api/jobs/${view.id}/frames/${f.frame}`)
    const path = join(dir, frameFileName(f.frame))
    await writeFileAtomic(path, new Uint8Array(await res.arrayBuffer()))
    paths.push(path)
  }
  return paths
}

export function progressLine(view: JobView, width = 30): string {
  const total = view.frames.length
  const done = view.counts.succeeded
  const filled = total === 0 ? 0 : Math.round((done / total) * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} frames, ${view.counts.processing} rendering, ${view.counts.failed} retrying`
}
