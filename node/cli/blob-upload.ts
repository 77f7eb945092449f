// Scene bytes to the creator node: a streamed POST /api/blobs, and the
// GET /api/blobs/:id/stat that lets a project upload skip what is stored.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { ApiClient } from '../api/client.ts'
import { ApiError, UserError } from '../errors.ts'
import { UsageError } from './args.ts'

export interface StoredBlob {
  id: string
  size: number
}

async function errorOf(res: Response): Promise<string> {
  return ((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`
}

/** Streams a file (by path) or bytes to the node; `what` names it in the one-line error. */
export async function uploadBlob(client: ApiClient, source: string | AsyncIterable<Uint8Array>, what: string): Promise<StoredBlob> {
  const stream = typeof source === 'string' ? createReadStream(source) : Readable.from(source)
  let res: Response
  try {
    res = await fetch(`${client.url}/api/blobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(stream) as ReadableStream,
      duplex: 'half'
    } as RequestInit)
  } catch (err) {
    // A source that failed (a zip entry that does not unpack) says why; anything else is the node.
    const cause = (err as Error & { cause?: unknown }).cause
    if (cause instanceof UserError) throw cause
    if (stream.errored instanceof UserError) throw stream.errored
    throw new UserError('NOT_RUNNING', `${what} upload failed: the node at ${client.url} is not answering (${(cause as Error | undefined)?.message ?? (err as Error).message})`)
  }
  if (!res.ok) throw new UsageError(`${what} upload failed: ${await errorOf(res)}`)
  return (await res.json()) as StoredBlob
}

/** Whether the node stores blob `id` already. */
export async function nodeHasBlob(client: ApiClient, id: string): Promise<StoredBlob | undefined> {
  try {
    return await client.request<StoredBlob>('GET', `/api/blobs/${id}/stat`)
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined
    throw err
  }
}

/** POSTs a JSON document that may be larger than the API's JSON limit (a project's file list), as a raw body. */
export async function postLargeJson<T>(client: ApiClient, path: string, value: unknown): Promise<T> {
  const res = await fetch(`${client.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/vnd.pictor+json' },
    body: JSON.stringify(value)
  }).catch((err: Error) => {
    throw new UserError('NOT_RUNNING', `the node at ${client.url} is not answering (${err.message})`)
  })
  if (!res.ok) throw new ApiError(res.status, await errorOf(res))
  return (await res.json()) as T
}
