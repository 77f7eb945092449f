// The publisher side: `PUT /v1/blobs?epochs=N&permanent|deletable&send_object_to|share&force`
// with the blob as the raw body. Answers as a stock Walrus publisher does:
// `alreadyCertified` only when a permanent blob is asked for and one is
// already certified until at least the requested end epoch; otherwise a new
// Blob object (`newlyCreated`), so deletable blobs stored twice get two.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBodyBytes } from '../api/loopback-http.ts'
import { computeWalrusBlobId } from '../blobs/walrus/blob-id.ts'
import { sleep, type WalrusDevContext } from './context.ts'
import type { BlobObjectRecord } from './store.ts'
import { encodedLength, isObjectId, otherBlobId, randomObjectId, randomTxDigest, sendError, sendJson, sendText, storageCost } from './wire.ts'

/** How far ahead a blob may be stored (real networks: their `max_epochs_ahead`). */
export const MAX_EPOCHS_AHEAD = 200

interface StoreQuery {
  epochs: number
  deletable: boolean
  owner?: string
  share: boolean
  force: boolean
}

class QueryError extends Error {}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name)
  if (v === null) return false
  if (v === 'true' || v === 'false') return v === 'true'
  throw new QueryError(`${name} must be true or false, got "${v}"`)
}

function parseQuery(query: URLSearchParams): StoreQuery {
  const e = query.get('epochs') ?? '1'
  if (!/^\d{1,9}$/.test(e) || Number(e) < 1 || Number(e) > MAX_EPOCHS_AHEAD) throw new QueryError(`epochs must be a whole number from 1 to ${MAX_EPOCHS_AHEAD}, got "${e}"`)
  const deletable = flag(query, 'deletable')
  const permanent = flag(query, 'permanent')
  if (deletable && permanent) throw new QueryError('a blob cannot be both deletable and permanent')
  const owner = query.get('send_object_to') ?? undefined
  if (owner !== undefined && !isObjectId(owner)) throw new QueryError(`send_object_to must be a Sui address (0x + 64 hex digits), got "${owner}"`)
  const share = flag(query, 'share')
  if (share && owner !== undefined) throw new QueryError('share and send_object_to exclude each other')
  // Blobs are deletable unless asked to be permanent (Walrus's default since v1.33).
  return { epochs: Number(e), deletable: !permanent, owner: owner?.toLowerCase(), share, force: flag(query, 'force') }
}

/** The body, or undefined once it passes `max` bytes (declared or sent): the rest is never read. */
export function readBytes(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return readBodyBytes(req, max, { pauseOnOverflow: true })
}

export async function handlePublish(ctx: WalrusDevContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  let q: StoreQuery
  try {
    q = parseQuery(query)
  } catch (err) {
    if (err instanceof QueryError) return sendError(res, 400, 'INVALID_QUERY', err.message)
    throw err
  }
  const bytes = await readBytes(req, ctx.maxBodyBytes)
  if (bytes === undefined) {
    // Close the connection: what is left of the body is never read.
    return sendText(res, 413, `Failed to buffer the request body: length limit exceeded (${ctx.maxBodyBytes} bytes)`, { connection: 'close' })
  }
  const fault = ctx.faults.take('publisher')
  if (fault.delayMs) await sleep(fault.delayMs, ctx.closing)
  if (ctx.closing.aborted) return
  if (fault.status !== undefined) return sendError(res, fault.status, 'INJECTED_FAULT', `publisher fault switch: answering ${fault.status}`)

  let blobId: string
  try {
    blobId = await computeWalrusBlobId(bytes, ctx.shards)
  } catch (err) {
    if (/too large/i.test((err as Error).message)) {
      return sendError(res, 400, 'BLOB_TOO_LARGE', `a blob of ${bytes.length} bytes is too large to encode for ${ctx.shards} shards (28 shards or more fit 10 MiB)`)
    }
    throw err
  }
  const answeredId = fault.wrongBlobId ? otherBlobId(blobId) : blobId
  const epoch = ctx.epoch()
  const endEpoch = epoch + q.epochs

  if (!q.deletable && !q.force) {
    const certified = ctx.store
      .get(blobId)
      ?.objects.filter((o) => !o.deletable && o.endEpoch >= endEpoch)
      .sort((a, b) => b.endEpoch - a.endEpoch)[0]
    if (certified) {
      ctx.logger.debug('blob already certified', { blobId, endEpoch: certified.endEpoch })
      return sendJson(res, 200, { alreadyCertified: { blobId: answeredId, event: { txDigest: certified.txDigest, eventSeq: '0' }, endEpoch: certified.endEpoch } })
    }
  }

  const object: BlobObjectRecord = {
    objectId: randomObjectId(),
    storageId: randomObjectId(),
    registeredEpoch: epoch,
    certifiedEpoch: epoch,
    startEpoch: epoch,
    endEpoch,
    deletable: q.deletable,
    txDigest: randomTxDigest(),
    ...(q.share ? { sharedObjectId: randomObjectId() } : {}),
    ...(q.owner !== undefined ? { owner: q.owner } : {})
  }
  await ctx.store.add(blobId, bytes, object)
  ctx.logger.info('blob stored', { blobId, size: bytes.length, endEpoch, deletable: q.deletable })
  const encoded = encodedLength(bytes.length, ctx.shards)
  sendJson(res, 200, {
    newlyCreated: {
      blobObject: {
        id: object.objectId,
        registeredEpoch: object.registeredEpoch,
        blobId: answeredId,
        size: bytes.length,
        encodingType: 'RS2',
        certifiedEpoch: object.certifiedEpoch,
        storage: { id: object.storageId, startEpoch: object.startEpoch, endEpoch: object.endEpoch, storageSize: encoded },
        deletable: object.deletable
      },
      resourceOperation: { registerFromScratch: { encodedLength: encoded, epochsAhead: q.epochs } },
      cost: storageCost(encoded, q.epochs),
      ...(object.sharedObjectId !== undefined ? { sharedBlobObject: object.sharedObjectId } : {})
    }
  })
}
