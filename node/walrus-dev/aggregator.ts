// The aggregator side: `GET|HEAD /v1/blobs/<blobId>` and
// `/v1/blobs/by-object-id/<objectId>`. The bytes stream from the file (never
// loaded whole), with `ETag: <blobId>` (unquoted, as Walrus sends it) and one
// closed Range at most; an unknown or expired blob is a 404 BLOB_NOT_FOUND.
import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sleep, type WalrusDevContext } from './context.ts'
import { parseRange } from './range.ts'
import type { StoredBlob } from './store.ts'
import { isBlobId, isObjectId, sendError } from './wire.ts'

const NOT_FOUND_MESSAGE = 'the requested blob ID does not exist on Walrus, ensure that it was entered correctly'

/** `target` is what follows `/v1/blobs/`. */
export async function handleRead(ctx: WalrusDevContext, req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  const byObject = target.startsWith('by-object-id/')
  const id = decoded(byObject ? target.slice('by-object-id/'.length) : target)
  if (byObject ? !isObjectId(id) : !isBlobId(id)) {
    const shown = JSON.stringify(id.slice(0, 80))
    return sendError(res, 400, 'INVALID_ID', byObject ? `${shown} is not an object id (0x + 64 hex digits)` : `${shown} is not a blob id (43 characters of base64url)`)
  }
  const fault = ctx.faults.take('aggregator')
  if (fault.delayMs) await sleep(fault.delayMs, ctx.closing)
  if (ctx.closing.aborted) return
  if (fault.status !== undefined) return sendError(res, fault.status, 'INJECTED_FAULT', `aggregator fault switch: answering ${fault.status}`)

  const epoch = ctx.epoch()
  let blob: StoredBlob | undefined
  if (byObject) {
    const found = ctx.store.byObjectId(id)
    blob = found && found.object.endEpoch > epoch ? found.blob : undefined
  } else {
    const stored = ctx.store.get(id)
    blob = stored?.objects.some((o) => o.endEpoch > epoch) ? stored : undefined
  }
  if (blob === undefined) return sendError(res, 404, 'BLOB_NOT_FOUND', NOT_FOUND_MESSAGE)

  const range = parseRange(req.headers.range, blob.size)
  if (range.kind === 'unsatisfiable') {
    return sendError(res, 416, 'INVALID_RANGE', `only one closed range bytes=a-b with a <= b < ${blob.size} is served`, { 'content-range': `bytes */${blob.size}` })
  }
  const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, blob.size - 1]
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(end - start + 1),
    etag: blob.blobId,
    'accept-ranges': 'bytes'
  }
  if (range.kind === 'part') headers['content-range'] = `bytes ${start}-${end}/${blob.size}`
  res.writeHead(range.kind === 'part' ? 206 : 200, headers)
  if (req.method === 'HEAD' || blob.size === 0) {
    res.end()
    return
  }
  const file = createReadStream(ctx.store.bytesPath(blob.blobId), { start, end })
  try {
    if (fault.corrupt) await pipeline(file, flipBytes(), res)
    else await pipeline(file, res)
  } catch (err) {
    // The client went away, or the file did: nothing more can be said on this response.
    ctx.logger.debug('blob read ended early', { blobId: blob.blobId, err })
    res.destroy()
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function flipBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const out = Buffer.from(chunk)
      for (let i = 0; i < out.length; i++) out[i] ^= 0xff
      done(null, out)
    }
  })
}
