// The creator's job API, used by `pictor job ...` and, later, a dashboard.
//   POST /api/blobs                 raw body -> { id, size } (scene upload)
//   POST /api/jobs                  JobSpec JSON -> job view
//   GET  /api/jobs                  -> job views
//   GET  /api/jobs/:id              -> job view (per-frame status)
//   POST /api/jobs/:id/cancel       -> job view
//   GET  /api/jobs/:id/frames/:n    -> image/png
import { readFile } from 'node:fs/promises'
import { JobSpecError, LIMITS, validateJobSpec } from '../../../protocol/index.ts'
import { HttpError } from '../../api/server.ts'
import { BlobTooLargeError } from '../../blobs/index.ts'
import { LedgerError } from '../../ledger/errors.ts'
import type { NodeContext } from '../../node.ts'
import { checkBlendFile, defaultLimits } from '../../renderers/blender/index.ts'
import { parseScene } from '../../renderers/builtin/scene.ts'
import type { CreatorService } from './creator-service.ts'
import { viewOf } from './job-record.ts'

/** Scenes are uploaded whole through the API; larger projects belong in the Blender path. */
export const MAX_SCENE_UPLOAD_BYTES = 256 * 1024 * 1024

export function registerJobApi(ctx: NodeContext, creator: CreatorService): void {
  const { api, blobs } = ctx
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

  api.route('POST', '/api/jobs', async (req) => {
    let spec: ReturnType<typeof validateJobSpec>
    try {
      spec = validateJobSpec(req.body)
    } catch (err) {
      if (err instanceof JobSpecError) throw new HttpError(400, err.message)
      throw err
    }
    const stat = await blobs.stat(spec.sceneBlob)
    if (stat === undefined) throw new HttpError(400, `scene blob ${spec.sceneBlob} is not stored on this node; upload it first`)
    if (stat.size !== spec.sceneSize) throw new HttpError(400, `sceneSize ${spec.sceneSize} does not match the stored scene (${stat.size} bytes)`)
    // A scene that fails validation never reaches a worker.
    try {
      const path = blobs.local.pathOf(spec.sceneBlob)
      if (spec.renderer === 'builtin') parseScene(await readFile(path))
      else await checkBlendFile(path, defaultLimits())
    } catch (err) {
      throw new HttpError(400, (err as Error).message)
    }
    try {
      return viewOf(await creator.submit(spec))
    } catch (err) {
      if (err instanceof LedgerError) throw new HttpError(402, `escrow could not be locked: ${err.code}: ${err.message}`)
      throw err
    }
  })

  api.route('GET', '/api/jobs', () => creator.list().map(viewOf))
  api.route('GET', '/api/jobs/:id', (req) => viewOf(jobOr404(req.params.id)))
  api.route('POST', '/api/jobs/:id/cancel', async (req) => viewOf((await creator.cancel(jobOr404(req.params.id).id))!))

  // POST /api/jobs/:id/reject {"frames":[7,9],"reason":"..."}: dispute accepted frames.
  api.route('POST', '/api/jobs/:id/reject', async (req) => {
    const job = jobOr404(req.params.id)
    const body = req.body as { frames?: unknown; reason?: unknown } | undefined
    const frames = body?.frames
    if (!Array.isArray(frames) || frames.length === 0 || frames.length > LIMITS.maxFramesPerTask || !frames.every((f) => Number.isInteger(f) && f >= job.spec.frameStart && f <= job.spec.frameEnd)) {
      throw new HttpError(400, `frames must be 1 to ${LIMITS.maxFramesPerTask} frame numbers of the job (${job.spec.frameStart}-${job.spec.frameEnd})`)
    }
    const reason = typeof body?.reason === 'string' && body.reason.length > 0 ? body.reason.slice(0, LIMITS.maxStringBytes) : 'rejected by the creator'
    return { disputes: await creator.dispute(job.id, frames as number[], reason) }
  })

  api.route('GET', '/api/jobs/:id/frames/:frame', async (req, res) => {
    const job = jobOr404(req.params.id)
    const frame = job.frames[req.params.frame]
    if (frame === undefined) throw new HttpError(404, `frame ${req.params.frame} of job ${job.id} is not done`)
    const stat = await blobs.stat(frame.blobId)
    if (stat === undefined) throw new HttpError(404, `frame ${req.params.frame} is not stored here`)
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(stat.size) })
    for await (const chunk of blobs.get(frame.blobId)) res.write(chunk)
    res.end()
  })
}
