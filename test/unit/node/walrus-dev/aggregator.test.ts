// The walrus-dev aggregator over real HTTP: whole reads with ETag, the one
// kind of Range Walrus serves, the 404 error JSON, expiry by epoch, and blobs
// that outlive a restart.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startWalrusDevServer } from '../../../../node/walrus-dev/index.ts'
import { type Harness, harness, type NewlyCreated, store } from './harness.ts'

const BYTES = new Uint8Array(1000).map((_, i) => (i * 31 + 7) % 256)
const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

describe('walrus-dev aggregator', () => {
  let h: Harness
  let blobId: string
  beforeEach(async () => {
    h = await harness()
    blobId = await store(h, BYTES)
  })
  afterEach(() => h.cleanup())

  it('serves a blob whole with ETag (the blob id, unquoted) and Content-Length', async () => {
    const res = await h.get(blobId)
    expect(res.status).toBe(200)
    expect(res.headers.get('etag')).toBe(blobId)
    expect(res.headers.get('content-length')).toBe('1000')
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(BYTES)
  })

  it('answers HEAD with the headers and no body', async () => {
    const res = await fetch(`${h.server.url}/v1/blobs/${blobId}`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe('1000')
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })

  it('serves an empty blob', async () => {
    const empty = await store(h, new Uint8Array(0))
    const res = await h.get(empty)
    expect(res.status).toBe(200)
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })

  it.each([
    [0, 0],
    [10, 19],
    [999, 999],
    [0, 999]
  ])('serves bytes=%i-%i as 206 with the right bytes and Content-Range', async (a, b) => {
    const res = await h.get(blobId, { range: `bytes=${a}-${b}` })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes ${a}-${b}/1000`)
    expect(res.headers.get('content-length')).toBe(String(b - a + 1))
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(BYTES.subarray(a, b + 1))
  })

  it.each(['bytes=10-', 'bytes=-10', 'bytes=0-1,5-6', 'bytes=0-1000', 'bytes=1000-1000', 'bytes=5-4', 'items=0-1'])('refuses Range %s with 416', async (range) => {
    const res = await h.get(blobId, { range })
    expect(res.status).toBe(416)
    expect(res.headers.get('content-range')).toBe('bytes */1000')
  })

  it('answers an unknown blob id with 404 and the Walrus error JSON', async () => {
    const res = await h.get(UNKNOWN_ID)
    expect(res.status).toBe(404)
    const body = (await res.json()) as { error: { code: number; status: string; message: string; details: unknown[] } }
    expect(body).toEqual({
      error: {
        code: 404,
        status: 'NOT_FOUND',
        message: expect.stringMatching(/does not exist/),
        details: [{ '@type': 'ErrorInfo', reason: 'BLOB_NOT_FOUND', domain: 'daemon.walrus.space', metadata: {} }]
      }
    })
    expect((await h.get(`by-object-id/0x${'00'.repeat(32)}`)).status).toBe(404)
  })

  it.each(['short', `${UNKNOWN_ID}A`, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%2B', 'by-object-id/0x12'])('answers a malformed id (%s) with 400', async (id) => {
    const res = await h.get(id)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { details: { reason: string }[] } }).error.details[0]!.reason).toBe('INVALID_ID')
  })

  it('keeps blobs and objects across a restart on the same folder', async () => {
    const { newlyCreated } = (await (await h.put('kept', '?permanent=true&epochs=4')).json()) as NewlyCreated
    await h.start()
    expect(new Uint8Array(await (await h.get(blobId)).arrayBuffer())).toEqual(BYTES)
    expect(await (await h.get(`by-object-id/${newlyCreated.blobObject.id}`)).text()).toBe('kept')
    expect(await (await h.put('kept', '?permanent=true&epochs=4')).json()).toHaveProperty('alreadyCertified.endEpoch', 5)
  })

  it('refuses to reopen a folder with another shard count, or a foreign folder', async () => {
    await h.server.close()
    await expect(startWalrusDevServer({ dir: join(h.dir, 'walrus'), shards: 20 })).rejects.toThrow(/holds blobs for 10 shards, not 20/)
    const foreign = join(h.dir, 'foreign')
    await mkdir(foreign)
    await writeFile(join(foreign, 'notes.txt'), 'mine')
    await expect(startWalrusDevServer({ dir: foreign, shards: 10 })).rejects.toThrow(/not a walrus-dev folder/)
  })

  it('lets blobs expire when epochs advance, each object on its own end epoch', async () => {
    let now = 1_000_000
    await h.start({ epochMs: 1000, clock: () => now, dir: join(h.dir, 'timed') })
    expect(h.server.epoch).toBe(1)
    const short = await store(h, 'one epoch')
    const { newlyCreated } = (await (await h.put('three epochs', '?epochs=3')).json()) as NewlyCreated
    now += 1000
    expect(h.server.epoch).toBe(2)
    expect((await h.get(short)).status).toBe(404)
    expect((await h.get(newlyCreated.blobObject.blobId)).status).toBe(200)
    expect((await (await h.put('late', '?epochs=2')).json()) as NewlyCreated).toHaveProperty('newlyCreated.blobObject.storage', expect.objectContaining({ startEpoch: 2, endEpoch: 4 }))
    now += 2000
    expect((await h.get(`by-object-id/${newlyCreated.blobObject.id}`)).status).toBe(404)
  })
})
