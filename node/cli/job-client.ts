// Client-side job helpers shared by `pictor job ...` and the demo: build and
// check a spec before anything is uploaded, upload the scene, wait, download.
// A scene is one file, or a project: a folder or .zip (project-scene.ts).
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { type JobSpec, JobSpecError, validateJobSpec } from '../../protocol/index.ts'
import type { ApiClient } from '../api/client.ts'
import type { JobView, LedgerSettlement } from '../roles/creator/index.ts'
import { formatOf } from '../images/index.ts'
import { frameFileName, SceneError, validateScene } from '../renderers/index.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { UsageError } from './args.ts'
import { uploadBlob } from './blob-upload.ts'
import { stoppedAtDeadline } from './job-timing.ts'
import { isProjectPath, type LocalProject, readProject, uploadProject, validateProjectMain } from './project-scene.ts'

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

/** A scene read, hashed and checked on this side: one file, or a project (folder or .zip). */
export type PreparedScene = { kind: 'file'; path: string } | { kind: 'project'; project: LocalProject }

/** `main` picks a project's .blend (`--main`); a single scene file takes none. */
export async function prepareScene(path: string, options: { main?: string } = {}): Promise<PreparedScene> {
  if (await isProjectPath(path)) return { kind: 'project', project: await readProject(path, options) }
  if (options.main !== undefined) throw new UsageError('--main is for a project scene (a folder or a .zip)')
  return { kind: 'file', path }
}

/** Everything is checked here, before the scene is uploaded: bad input stores nothing. */
export async function prepareJob(scene: string | PreparedScene, fields: Record<string, unknown>): Promise<JobSpec> {
  const prepared = typeof scene === 'string' ? await prepareScene(scene) : scene
  if (prepared.kind === 'project') return prepareProjectJob(prepared.project, fields)
  const scenePath = prepared.path
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

/** The spec is checked against the manifest as encoded here; the node's (with remote refs) replaces it on submit. */
async function prepareProjectJob(project: LocalProject, fields: Record<string, unknown>): Promise<JobSpec> {
  let spec: JobSpec
  try {
    spec = validateJobSpec({ ...fields, sceneBlob: project.manifest.id, sceneSize: project.manifest.size, sceneProject: true })
  } catch (err) {
    if (err instanceof JobSpecError) throw new UsageError(err.message)
    throw err
  }
  if (spec.renderer !== 'blender') throw new UsageError(`scene ${project.source} is a Blender project: it needs --renderer blender, not ${spec.renderer}`)
  await validateProjectMain(project, spec.renderer)
  return spec
}

/** `settings` are the creator's own, stored with the job but not announced (`timeoutAlertS`). */
export async function submitJob(client: ApiClient, scene: string | PreparedScene, spec: JobSpec, settings: { timeoutAlertS?: number } = {}): Promise<JobView> {
  const prepared = typeof scene === 'string' ? await prepareScene(scene) : scene
  if (prepared.kind === 'project') {
    const manifest = await uploadProject(client, prepared.project)
    return client.request<JobView>('POST', '/api/jobs', { ...spec, sceneBlob: manifest.id, sceneSize: manifest.size, sceneProject: true, ...settings })
  }
  await uploadBlob(client, prepared.path, 'scene')
  return client.request<JobView>('POST', '/api/jobs', { ...spec, ...settings })
}

/** Polls until the job ends, or stops at its deadline with nothing left in flight. */
export async function waitForJob(client: ApiClient, id: string, onUpdate: (view: JobView) => void, pollMs = 300): Promise<JobView> {
  for (;;) {
    const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
    onUpdate(view)
    if (view.status !== 'active' || stoppedAtDeadline(view)) return view
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

export async function downloadFrames(client: ApiClient, view: JobView, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const paths: string[] = []
  for (const f of view.frames) {
    if (f.status !== 'succeeded') continue
    const res = await client.fetch('GET', `/api/jobs/${view.id}/frames/${f.frame}`)
    const path = join(dir, frameFileName(f.frame, formatOf(view.spec)))
    await writeFileAtomic(path, new Uint8Array(await res.arrayBuffer()))
    paths.push(path)
  }
  return paths
}

export function progressLine(view: JobView, width = 30): string {
  const total = view.frames.length
  const done = view.counts.succeeded
  const filled = total === 0 ? 0 : Math.round((done / total) * width)
  const unchecked = view.unchecked > 0 ? `, ${view.unchecked} unchecked` : ''
  // One line, so a terminal can redraw it in place.
  const noBids = view.noBids === undefined ? '' : `; no bids: ${view.noBids.join('; ')}`
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} frames, ${view.counts.processing} rendering, ${view.counts.failed} retrying${unchecked}${noBids}`
}

/** How the job's accepted frames were checked, in one line (job status, the demo). */
export function checkLine(view: JobView): string {
  const why = view.unchecked === 0 ? 'a checker was available for every result' : 'accepted on integrity alone, no checker was available'
  return `${view.unchecked} of ${view.counts.succeeded} accepted frames unchecked: ${why}`
}

/**
 * Where a completed ledger job stands on the ledger, in one line: settled
 * (closed, every task paid), settling (closing is retried while verdicts
 * arrive) or not settled (the ledger holds tasks back and says why).
 * Undefined for a job without a ledger or not completed.
 */
export function settlementLine(view: JobView): { state: LedgerSettlement['state']; line: string } | undefined {
  const ledger = view.ledger
  if (ledger === undefined || view.status !== 'completed') return undefined
  const s = ledger.settlement
  // Closed by a creator that recorded only the refund.
  if (s === undefined && ledger.refunded !== undefined) return { state: 'settled', line: `settled: job closed, ${ledger.refunded} µPIC refunded` }
  if (s === undefined) return { state: 'pending', line: 'settling: closing the job on the ledger' }
  if (s.state === 'settled') return { state: 'settled', line: `settled: every task paid, job closed, ${ledger.refunded ?? '0'} µPIC refunded` }
  const listed = s.unsettledTasks.length < s.unsettledCount ? `${s.unsettledTasks.join(', ')} …` : s.unsettledTasks.join(', ')
  const tasks = s.unsettledCount === 0 ? '' : ` ${s.unsettledCount} of ${Math.ceil(view.frames.length / view.spec.framesPerTask)} tasks unpaid (${listed});`
  return { state: s.state, line: `${s.state === 'pending' ? 'settling' : 'NOT SETTLED'}:${tasks} ${s.reason}` }
}

/** After waitForJob: waits until the ledger settles the job or says it will not (returns at once without a ledger). */
export async function waitForSettlement(client: ApiClient, id: string, onUpdate: (view: JobView) => void, pollMs = 300): Promise<JobView> {
  for (;;) {
    const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
    onUpdate(view)
    if (settlementLine(view)?.state !== 'pending') return view
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}
