// The walrus-dev publisher over real HTTP: the JSON a real Walrus publisher
// answers, real blob ids, permanent vs deletable re-stores, query checks and
// the body limit.
import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { computeWalrusBlobId } from '../../../../node/blobs/walrus/blob-id.ts'
import { BLOB_ID, type Harness, harness, type NewlyCreated, OBJECT_ID, store } from './harness.ts'

const text = (s: string) => new TextEncoder().encode(s)

describe('walrus-dev publisher', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness({ maxBodyBytes: 4096 })
  })
  afterEach(() => h.cleanup())

  it('answers newlyCreated with the fields and types of a real publisher', async () => {
    const res = await h.put('hello walrus', '?epochs=3')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const { newlyCreated } = (await res.json()) as NewlyCreated
    const { blobObject, resourceOperation, cost } = newlyCreated
    expect(Object.keys(newlyCreated).sort()).toEqual(['blobObject', 'cost', 'resourceOperation'])
    expect(blobObject).toEqual({
      id: expect.stringMatching(OBJECT_ID),
      registeredEpoch: 1,
      blobId: expect.stringMatching(BLOB_ID),
      size: 12,
      encodingType: 'RS2',
      certifiedEpoch: 1,
      storage: { id: expect.stringMatching(OBJECT_ID), startEpoch: 1, endEpoch: 4, storageSize: expect.any(Number) },
      deletable: true
    })
    expect(blobObject.storage.id).not.toBe(blobObject.id)
    // 10 shards: 4 primary and 7 secondary symbols of 2 bytes per shard, plus 10 x 64 + 32 bytes of metadata each.
    expect(resourceOperation).toEqual({ registerFromScratch: { encodedLength: 10 * (11 * 2 + 672), epochsAhead: 3 } })
    expect(blobObject.storage.storageSize).toBe(resourceOperation.registerFromScratch.encodedLength)
    expect(Number.isSafeInteger(cost) && cost > 0).toBe(true)
  })

  it('names blobs with their real Walrus blob id for the shard count', async () => {
    const bytes = new Uint8Array(3000).map((_, i) => (i * 7) % 251)
    expect(await store(h, bytes)).toBe(await computeWalrusBlobId(bytes, 10))
    expect(await store(h, new Uint8Array(0))).toBe(await computeWalrusBlobId(new Uint8Array(0), 10))
  })

  it('gives the golden blob id at 1000 shards (Walrus testnet and mainnet)', async () => {
    await h.cleanup()
    h = await harness({ shards: 1000 })
    expect(await store(h, 'some other string')).toBe('M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk')
  })

  it('answers alreadyCertified for a permanent blob certified long enough, newlyCreated otherwise', async () => {
    const first = (await (await h.put('forever', '?permanent=true&epochs=5')).json()) as NewlyCreated
    expect(first.newlyCreated.blobObject.deletable).toBe(false)
    const again = (await (await h.put('forever', '?permanent=true&epochs=2')).json()) as Record<string, unknown>
    expect(again).toEqual({
      alreadyCertified: { blobId: first.newlyCreated.blobObject.blobId, event: { txDigest: expect.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/), eventSeq: '0' }, endEpoch: 6 }
    })
    // Longer than what is certified, or forced: a new object.
    expect(await (await h.put('forever', '?permanent=true&epochs=9')).json()).toHaveProperty('newlyCreated')
    expect(await (await h.put('forever', '?permanent=true&epochs=1&force=true')).json()).toHaveProperty('newlyCreated')
    // A deletable store never reuses a permanent blob.
    expect(await (await h.put('forever', '?epochs=1')).json()).toHaveProperty('newlyCreated')
  })

  it('creates a new object each time a deletable blob is stored, as real Walrus does', async () => {
    const a = (await (await h.put('twice', '?deletable=true')).json()) as NewlyCreated
    const b = (await (await h.put('twice')).json()) as NewlyCreated
    expect(b.newlyCreated.blobObject.blobId).toBe(a.newlyCreated.blobObject.blobId)
    expect(b.newlyCreated.blobObject.id).not.toBe(a.newlyCreated.blobObject.id)
    expect(b.newlyCreated.blobObject.deletable).toBe(true)
  })

  it('shares the blob on share=true and serves it by either object id', async () => {
    const { newlyCreated } = (await (await h.put('shared', '?share=true&permanent=true')).json()) as NewlyCreated
    expect(newlyCreated.sharedBlobObject).toMatch(OBJECT_ID)
    for (const id of [newlyCreated.blobObject.id, newlyCreated.sharedBlobObject!]) {
      const res = await h.get(`by-object-id/${id}`)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('shared')
      expect(res.headers.get('etag')).toBe(newlyCreated.blobObject.blobId)
    }
  })

  it.each([
    ['?deletable=true&permanent=true', /both deletable and permanent/],
    ['?epochs=0', /epochs must be/],
    ['?epochs=201', /epochs must be/],
    ['?epochs=two', /epochs must be/],
    ['?permanent=yes', /permanent must be true or false/],
    ['?send_object_to=0x1234', /send_object_to must be a Sui address/],
    [`?share=true&send_object_to=0x${'ab'.repeat(32)}`, /exclude each other/]
  ])('refuses %s with 400 and the error JSON', async (query, message) => {
    const res = await h.put('x', query)
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: number; status: string; message: string; details: { reason: string }[] } }
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', details: [{ '@type': 'ErrorInfo', reason: 'INVALID_QUERY', domain: 'daemon.walrus.space' }] })
    expect(body.error.message).toMatch(message)
  })

  it('accepts send_object_to with a Sui address', async () => {
    expect(await store(h, 'gift', `?send_object_to=0x${'Ab'.repeat(32)}`)).toMatch(BLOB_ID)
  })

  it('answers 413 above the body limit, declared or streamed, and keeps serving', async () => {
    const declared = await h.put(new Uint8Array(4097))
    expect(declared.status).toBe(413)
    expect(await declared.text()).toMatch(/length limit exceeded/)
    // No Content-Length: the limit is found while reading, and the rest is never read.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.server.url}/v1/blobs`, { method: 'PUT' }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      req.write(Buffer.alloc(3000))
      req.write(Buffer.alloc(3000))
    })
    expect(streamed).toBe(413)
    expect(await store(h, new Uint8Array(4096))).toMatch(BLOB_ID)
  })

  it('refuses a blob too large for the encoder at 10 shards with a clear 400', async () => {
    await h.cleanup()
    h = await harness()
    const res = await h.put(new Uint8Array(1_834_953))
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { message: string; details: { reason: string }[] } }
    expect(body.error.details[0]!.reason).toBe('BLOB_TOO_LARGE')
    expect(body.error.message).toMatch(/too large to encode for 10 shards/)
    expect(await store(h, text('small'))).toMatch(BLOB_ID)
  })

  it('answers 405 for another method on /v1/blobs and 404 JSON for unknown routes', async () => {
    const post = await fetch(`${h.server.url}/v1/blobs`, { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('PUT')
    const unknown = await fetch(`${h.server.url}/v2/nothing`)
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as { error: { details: { reason: string }[] } }).error.details[0]!.reason).toBe('ROUTE_NOT_FOUND')
  })

  it('answers its health check on /v1/api', async () => {
    const res = await fetch(`${h.server.url}/v1/api`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'pictor walrus-dev', shards: 10, epoch: 1, maxBodyBytes: 4096 })
  })
})
