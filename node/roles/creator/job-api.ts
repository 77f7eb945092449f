// The creator's job API, used by `pictor job ...` and, later, a dashboard.
//   POST /api/blobs                 raw body -> { id, size } (scene upload)
//   GET  /api/blobs/:id/stat, POST /api/projects: scene projects (project-api.ts)
//   POST /api/jobs                  JobSpec JSON [+ timeoutAlertS, creator-side] -> job view
//   GET  /api/jobs                  -> job views
//   GET  /api/jobs/:id              -> job view (per-frame status)
//   POST /api/jobs/:id/cancel       -> job view
//   POST /api/jobs/:id/dispute      {"frames":[7,9],"reason":"..."} -> { disputes }
//   POST /api/jobs/:id/accept       -> job view (409 until it is completed with no open dispute)
//   GET  /api/jobs/:id/frames/:n    -> image/png, image/jpeg or image/x-exr (the job's format)
//   GET  /api/jobs/:id/frames.zip, contact-sheet.png, preview.webp: job-downloads-api.ts
import { JobSpecError, LIMITS, validateJobSpec } from '../../../protocol/index.ts'
import { HttpError } from '../../api/server.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { type BlobStat, BlobTooLargeError, remoteCopyOf } from '../../blobs/index.ts'
import { FRAME_FORMATS, formatOf, maxFrameBytesOf } from '../../images/index.ts'
import { LedgerError } from '../../ledger/errors.ts'
import { SceneError, validateScene } from '../../renderers/index.ts'
import type { CreatorComponents } from './components.ts'
import type { CreatorService } from './creator-service.ts'
import { CreatorError } from './errors.ts'
import type { FrameRecord, JobRecord } from './job-record.ts'
import { viewOf } from './job-view.ts'
import { projectMainPath, registerProjectApi } from './project-api.ts'

/** Scenes are uploaded whole through the API; larger projects belong in the Blender path. */
export const MAX_SCENE_UPLOAD_BYTES = 256 * 1024 * 1024

const STATUS_OF: Record<CreatorError['code'], number> = { UNKNOWN_JOB: 404, NOTHING_TO_DISPUTE: 400, DISPUTE_CLOSED: 409, NOT_ACCEPTABLE: 409 }

/** Runs `fn`, answering a creator error with its HTTP status and its one-line message. */
async function asHttp<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof CreatorError) throw new HttpError(STATUS_OF[err.code], err.message)
    throw err
  }
}

/** A frame no longer stored here is read from wherever it lives: its Walrus copy, then the worker that rendered it. */
export async function fetchFrame(frame: FrameRecord, job: JobRecord, blobs: Pick<CreatorComponents['blobs'], 'fetchToPath' | 'stat'>): Promise<BlobStat | undefined> {
  const worker = job.admitted[frame.worker]?.peerId
  try {
    const maxBytes = maxFrameBytesOf(job.spec)
    await blobs.fetchToPath(frame.blobId, { remote: remoteCopyOf(frame.walrus, frame.size), peers: worker === undefined ? [] : [peerIdFromString(worker)], announce: false, maxBytes, signal: AbortSignal.timeout(30_000) })
    return await blobs.stat(frame.blobId)
  } catch {
    return undefined
  }
}

export function registerJobApi(components: Pick<CreatorComponents, 'api' | 'blobs' | 'now' | 'logger'>, creator: CreatorService): void {
  const { api, blobs } = components
  registerProjectApi(components)
  const view = (job: JobRecord) => viewOf(job, components.now(), creator.noBids(job))
  const jobOr404 = (id: string) => {
    const job = creator.job(id)
    if (job === undefined) throw new HttpError(404, `unknown job ${id}`)
    return job
  }

  api.route('POST', '/api/blobs', async (req) => {
    try {
      return await blobs.put(req.raw, { maxBytes: MAX_SCENE_UPLOAD_BYTES })
    } catch (err) {
      if (err instanceof BlobTooLargeError) throw new HttpError(413, err.message)
      throw err
    }
  })

  const specOf = (body: unknown) => {
    try {
      return validateJobSpec(body)
    } catch (err) {
      if (err instanceof JobSpecError) throw new HttpError(400, err.message)
      throw err
    }
  }

  // The plan needs no scene upload: it is asked for before anything is stored.
  api.route('POST', '/api/jobs/plan', (req) => creator.plan(specOf(req.body)))

  api.route('POST', '/api/jobs', async (req) => {
    const spec = specOf(req.body)
    const timeoutAlertS = (req.body as { timeoutAlertS?: unknown }).timeoutAlertS
    if (timeoutAlertS !== undefined && !(Number.isInteger(timeoutAlertS) && (timeoutAlertS as number) >= 1 && (timeoutAlertS as number) <= LIMITS.maxTimeoutStopS)) {
      throw new HttpError(400, `timeoutAlertS must be a whole number of seconds from 1 to ${LIMITS.maxTimeoutStopS}`)
    }
    const stat = await blobs.stat(spec.sceneBlob)
    if (stat === undefined) throw new HttpError(400, `scene blob ${spec.sceneBlob} is not stored on this node; upload it first`)
    if (stat.size !== spec.sceneSize) throw new HttpError(400, `sceneSize ${spec.sceneSize} does not match the stored scene (${stat.size} bytes)`)
    // A scene that fails validation never reaches a worker; a project's is its main .blend, its other files stored here.
    const scenePath = spec.sceneProject ? await projectMainPath(blobs, spec) : await blobs.fetchToPath(spec.sceneBlob)
    try {
      await validateScene(spec.renderer, scenePath)
    } catch (err) {
      if (err instanceof SceneError) throw new HttpError(400, err.message)
      throw err
    }
    try {
      return view(await creator.submit(spec, { timeoutAlertS: timeoutAlertS as number | undefined }))
    } catch (err) {
      if (err instanceof LedgerError) throw new HttpError(402, `escrow could not be locked: ${err.code}: ${err.message}`)
      throw err
    }
  })

  api.route('GET', '/api/jobs', () => creator.list().map(view))
  api.route('GET', '/api/jobs/:id', (req) => view(jobOr404(req.params.id)))
  api.route('POST', '/api/jobs/:id/cancel', (req) => asHttp(async () => view(await creator.cancel(req.params.id))))
  api.route('POST', '/api/jobs/:id/accept', (req) => asHttp(async () => view(await creator.accept(req.params.id))))

  api.route('POST', '/api/jobs/:id/dispute', async (req) => {
    const job = jobOr404(req.params.id)
    const body = req.body as { frames?: unknown; reason?: unknown } | undefined
    const frames = body?.frames
    if (!Array.isArray(frames) || frames.length === 0 || frames.length > LIMITS.maxFramesPerTask || !frames.every((f) => Number.isInteger(f) && f >= job.spec.frameStart && f <= job.spec.frameEnd)) {
      throw new HttpError(400, `frames must be 1 to ${LIMITS.maxFramesPerTask} frame numbers of the job (${job.spec.frameStart}-${job.spec.frameEnd})`)
    }
    const reason = typeof body?.reason === 'string' && body.reason.length > 0 ? body.reason.slice(0, LIMITS.maxStringBytes) : 'disputed by the creator'
    return asHttp(async () => ({ disputes: await creator.dispute(job.id, frames as number[], reason) }))
  })

  api.route('GET', '/api/jobs/:id/frames/:frame', async (req, res) => {
    const job = jobOr404(req.params.id)
    // Own keys only: `__proto__` or `constructor` is no frame.
    const frame = Object.hasOwn(job.frames, req.params.frame) ? job.frames[req.params.frame] : undefined
    if (frame === undefined) throw new HttpError(404, `frame ${req.params.frame.slice(0, 20)} of job ${job.id} is not done`)
    const stat = (await blobs.stat(frame.blobId)) ?? (await fetchFrame(frame, job, blobs))
    if (stat === undefined) throw new HttpError(404, `frame ${req.params.frame} is not stored here, on Walrus or at its worker`)
    res.writeHead(200, { 'content-type': FRAME_FORMATS[formatOf(job.spec)].contentType, 'content-length': String(stat.size) })
    for await (const chunk of blobs.get(frame.blobId)) res.write(chunk)
    res.end()
  })
}
