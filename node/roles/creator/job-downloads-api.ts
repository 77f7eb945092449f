// A job's frames in one download, for the dashboard's job page:
//   GET /api/jobs/:id/frames.zip          -> application/zip, every accepted frame (NNNNNN.png/.jpg/.exr), stored
//   GET /api/jobs/:id/contact-sheet.png   -> image/png, thumbnails of up to SHEET.maxFrames frames in rows
//   GET /api/jobs/:id/preview.webp        -> image/webp, up to PREVIEW.maxFrames frames animated
// Frames this node no longer stores are read from their Walrus copy or
// their worker first (fetchFrame); a frame found nowhere is left out (the
// zip lists it in MISSING.txt). The zip is refused with 413 past
// DOWNLOAD_LIMITS.maxZipBytes, before anything is fetched where the sizes
// are known.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ServerResponse } from 'node:http'
import { HttpError } from '../../api/server.ts'
import { animatedPreview, contactSheet, decodeFrame, formatOf, ImageError, maxFrameBytesOf, thumbnailOf } from '../../images/index.ts'
import { frameFileName } from '../../renderers/index.ts'
import type { CreatorComponents } from './components.ts'
import type { CreatorService } from './creator-service.ts'
import { fetchFrame } from './job-api.ts'
import type { JobRecord } from './job-record.ts'
import { storedZip, storedZipSize, type ZipEntrySource, ZipWriteError } from './zip-writer.ts'

export interface DownloadLimits {
  /** The largest frames.zip served; under the 4 GiB a zip without zip64 can hold. */
  maxZipBytes: number
  /** Frames fetched from elsewhere at once. */
  fetchesAtOnce: number
  /** No fetch starts past this much time into a request: frames unreachable one by one (30 s each) would hold it for hours. */
  fetchBudgetMs: number
}

export const DOWNLOAD_LIMITS: DownloadLimits = { maxZipBytes: 2 * 1024 ** 3, fetchesAtOnce: 4, fetchBudgetMs: 120_000 }
/** A sheet of 60 thumbnails 240 px wide, 6 across: about 1,460 px wide; more frames are sampled evenly. */
export const SHEET = { maxFrames: 60, tileWidth: 240, across: 6 }
/** Ten seconds at 12 frames a second, 480 px wide; more frames are sampled evenly. */
export const PREVIEW = { maxFrames: 120, width: 480, fps: 12 }

type Blobs = Pick<CreatorComponents['blobs'], 'stat' | 'get' | 'fetchToPath'>

interface HeldFrame {
  frame: number
  blobId: string
  size: number
}

/** Frame numbers done, ascending. */
function doneFrames(job: JobRecord): number[] {
  return Object.keys(job.frames)
    .map(Number)
    .filter((f) => Number.isInteger(f))
    .sort((a, b) => a - b)
}

/** At most `max` of `items`, evenly spaced, first and last included. */
export function evenlySpaced<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items]
  if (max <= 1) return items.slice(0, max)
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]!)
}

/**
 * Each frame's stored size here, fetching those stored elsewhere (a few at
 * a time, none started past the fetch budget); frames not had come back as
 * missing.
 */
async function holdFrames(job: JobRecord, frames: number[], blobs: Blobs, limits: DownloadLimits, now: () => number): Promise<{ held: HeldFrame[]; missing: number[] }> {
  const found = new Map<number, HeldFrame>()
  const queue = [...frames]
  const deadline = now() + limits.fetchBudgetMs
  const fetchNext = async (): Promise<void> => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const record = job.frames[f]!
      const stat = (await blobs.stat(record.blobId)) ?? (now() < deadline ? await fetchFrame(record, job, blobs) : undefined)
      if (stat !== undefined) found.set(f, { frame: f, blobId: record.blobId, size: stat.size })
    }
  }
  await Promise.all(Array.from({ length: Math.min(limits.fetchesAtOnce, frames.length) }, fetchNext))
  return { held: frames.flatMap((f) => found.get(f) ?? []), missing: frames.filter((f) => !found.has(f)) }
}

async function* bytesOnce(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

async function readWhole(blobs: Blobs, id: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let bytes = 0
  for await (const chunk of blobs.get(id)) {
    bytes += chunk.byteLength
    if (bytes > maxBytes) throw new ImageError(`frame blob ${id} is over ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export function registerJobDownloadsApi(components: Pick<CreatorComponents, 'api' | 'blobs' | 'logger' | 'now'>, creator: Pick<CreatorService, 'job'>, limits: DownloadLimits = DOWNLOAD_LIMITS): void {
  const { api, blobs, logger, now } = components
  const jobOr404 = (id: string) => {
    const job = creator.job(id)
    if (job === undefined) throw new HttpError(404, `unknown job ${id}`)
    return job
  }
  const framesOr404 = (job: JobRecord) => {
    const frames = doneFrames(job)
    if (frames.length === 0) throw new HttpError(404, `job ${job.id} has no accepted frame yet`)
    return frames
  }
  /** The zip's length, or 413 with one line when it is over the cap or more than a zip without zip64 holds. */
  const zipSizeOr413 = (job: JobRecord, entries: { name: string; size: number }[]) => {
    let bytes: number
    try {
      bytes = storedZipSize(entries)
    } catch (err) {
      if (err instanceof ZipWriteError) throw new HttpError(413, `the frames of job ${job.id} do not fit one zip: ${err.message}; download them one by one (pictor job download)`)
      throw err
    }
    if (bytes > limits.maxZipBytes) throw new HttpError(413, `the frames of job ${job.id} make a ${bytes}-byte zip, over the ${limits.maxZipBytes} bytes one download may be; download them one by one (pictor job download)`)
    return bytes
  }

  api.route('GET', '/api/jobs/:id/frames.zip', async (req, res: ServerResponse) => {
    const job = jobOr404(req.params.id)
    const frames = framesOr404(job)
    const format = formatOf(job.spec)
    const nameOf = (frame: number) => frameFileName(frame, format)
    // Refused before anything is fetched when the sizes known already say so.
    const known = await Promise.all(frames.map(async (f) => ({ name: nameOf(f), size: (await blobs.stat(job.frames[f]!.blobId))?.size ?? job.frames[f]!.size ?? 0 })))
    zipSizeOr413(job, known)
    const { held, missing } = await holdFrames(job, frames, blobs, limits, now)
    if (held.length === 0) throw new HttpError(404, `none of the ${frames.length} accepted frames of job ${job.id} is stored here, on Walrus or at its worker`)
    const entries: ZipEntrySource[] = held.map((h) => ({ name: nameOf(h.frame), size: h.size, read: () => blobs.get(h.blobId) }))
    if (missing.length > 0) {
      const note = Buffer.from(`Frames of job ${job.id} not in this archive (not stored on the creator, on Walrus or at their worker):\n${missing.join('\n')}\n`)
      entries.push({ name: 'MISSING.txt', size: note.length, read: () => bytesOnce(note) })
    }
    const size = zipSizeOr413(job, entries)
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(size), 'content-disposition': `attachment; filename="pictor-${job.id.slice(0, 12)}-frames.zip"` })
    try {
      await pipeline(Readable.from(storedZip(entries, { modifiedMs: job.completedMs ?? job.createdMs })), res)
    } catch (err) {
      // The answer is under way: the client sees a cut-off download, which content-length makes plain.
      if (!res.destroyed) res.destroy()
      logger.warn('frames.zip cut off', { job: job.id, err })
    }
    return undefined
  })

  /** Thumbnails of up to `max` frames, evenly spaced, `width` px wide; frames that cannot be had or decoded are left out. */
  const thumbnails = async (job: JobRecord, max: number, width: number): Promise<Buffer[]> => {
    const picked = evenlySpaced(framesOr404(job), max)
    const { held } = await holdFrames(job, picked, blobs, limits, now)
    const format = formatOf(job.spec)
    const maxBytes = maxFrameBytesOf(job.spec)
    const out: Buffer[] = []
    for (const h of held) {
      try {
        out.push(await thumbnailOf(await decodeFrame(await readWhole(blobs, h.blobId, maxBytes), format, job.spec), width))
      } catch (err) {
        logger.warn('frame left out of the contact sheet or preview', { job: job.id, frame: h.frame, err })
      }
    }
    if (out.length === 0) throw new HttpError(404, `none of the accepted frames of job ${job.id} could be read`)
    return out
  }

  // One build per job and kind at a time: a second request waits for the first's image.
  const building = new Map<string, Promise<Buffer>>()
  const built = (key: string, make: () => Promise<Buffer>): Promise<Buffer> => {
    const running = building.get(key)
    if (running !== undefined) return running
    const promise = make().finally(() => building.delete(key))
    building.set(key, promise)
    return promise
  }
  const sendImage = (res: ServerResponse, contentType: string, bytes: Buffer) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length) }).end(bytes)
    return undefined
  }

  api.route('GET', '/api/jobs/:id/contact-sheet.png', async (req, res) => {
    const job = jobOr404(req.params.id)
    const png = await built(`${job.id}/sheet`, async () => {
      const tiles = await thumbnails(job, SHEET.maxFrames, SHEET.tileWidth)
      return contactSheet(tiles, { across: Math.min(SHEET.across, tiles.length) })
    })
    return sendImage(res, 'image/png', png)
  })

  api.route('GET', '/api/jobs/:id/preview.webp', async (req, res) => {
    const job = jobOr404(req.params.id)
    const webp = await built(`${job.id}/preview`, async () => animatedPreview(await thumbnails(job, PREVIEW.maxFrames, PREVIEW.width), { fps: PREVIEW.fps }))
    return sendImage(res, 'image/webp', webp)
  })
}
