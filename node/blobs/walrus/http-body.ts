// Reading HTTP bodies from an untrusted Walrus endpoint: never more than asked
// or allowed, whatever Content-Length says, and the rest of the body is
// cancelled rather than drained. `progress` is called per chunk (it feeds the
// client's idle timer).

import { WalrusResponseError } from './errors.ts'

/** The part of an error body kept for the message. */
const MAX_ERROR_BODY_BYTES = 4 * 1024

/** The body's bytes; more than `maxBytes` is refused whatever Content-Length said. */
export async function readCapped(res: Response, maxBytes: number, progress: () => void): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of bodyChunks(res)) {
    progress()
    size += chunk.byteLength
    if (size > maxBytes) throw new WalrusResponseError(`walrus answer is over ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

/** Bytes [skip, skip+length) of the body; the rest is not read. Fewer is a retryable failure. */
export async function readExactly(res: Response, skip: number, length: number, progress: () => void): Promise<Uint8Array> {
  const out = new Uint8Array(length)
  let seen = 0
  let filled = 0
  for await (const chunk of bodyChunks(res)) {
    progress()
    const from = Math.max(0, skip - seen)
    seen += chunk.byteLength
    if (from >= chunk.byteLength) continue
    const take = chunk.subarray(from, from + (length - filled))
    out.set(take, filled)
    filled += take.byteLength
    if (filled === length) return out
  }
  throw new WalrusResponseError(`walrus aggregator sent ${filled} of ${length} bytes`, true)
}

/** The body as chunks; leaving the loop early cancels the rest of it. */
async function* bodyChunks(res: Response): AsyncGenerator<Uint8Array> {
  if (res.body === null) return
  const reader = res.body.getReader()
  let done = false
  try {
    while (true) {
      const next = await reader.read()
      if (next.done) {
        done = true
        return
      }
      yield next.value
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}

/** ": <message>" from a Walrus error body (JSON or plain text), one line, bounded; "" when there is none. */
export async function errorDetail(res: Response): Promise<string> {
  let text = ''
  try {
    const bytes: Uint8Array[] = []
    let size = 0
    for await (const chunk of bodyChunks(res)) {
      bytes.push(chunk)
      size += chunk.byteLength
      if (size >= MAX_ERROR_BODY_BYTES) break
    }
    text = new TextDecoder().decode(Buffer.concat(bytes).subarray(0, MAX_ERROR_BODY_BYTES))
  } catch {
    return ''
  }
  let message = text
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } }
    if (typeof parsed?.error?.message === 'string') message = parsed.error.message
  } catch {}
  const line = message.replace(/\s+/g, ' ').trim().slice(0, 200)
  return line === '' ? '' : `: ${line}`
}
