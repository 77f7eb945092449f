// walrus-dev's fault switches, set from code and over HTTP, each seen from a
// client: error statuses that run out after `count`, delays, corrupted reads,
// a wrong blob id; and the publisher's 429 when too many stores are waiting.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { computeWalrusBlobId } from '../../../../node/blobs/walrus/blob-id.ts'
import { type Harness, harness, type NewlyCreated, store } from './harness.ts'

const BYTES = new Uint8Array(200).map((_, i) => i)

describe('walrus-dev fault switches', () => {
  let h: Harness
  let blobId: string
  beforeEach(async () => {
    h = await harness()
    blobId = await store(h, BYTES)
  })
  afterEach(() => h.cleanup())

  it.each([500, 503, 504] as const)('fails the next `count` publisher requests with %i, then stores again', async (status) => {
    h.server.faults.set({ publisher: { status, count: 2 } })
    for (let i = 0; i < 2; i++) {
      const res = await h.put('x')
      expect(res.status).toBe(status)
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(status)
    }
    expect((await h.put('x')).status).toBe(200)
    expect(h.server.faults.get()).toEqual({})
  })

  it.each([500, 503, 504] as const)('fails every aggregator request with %i until cleared, leaving the publisher alone', async (status) => {
    h.server.faults.set({ aggregator: { status } })
    for (let i = 0; i < 3; i++) expect((await h.get(blobId)).status).toBe(status)
    expect((await h.put('still stores')).status).toBe(200)
    h.server.faults.clear()
    expect((await h.get(blobId)).status).toBe(200)
  })

  it('delays answers by delayMs', async () => {
    h.server.faults.set({ aggregator: { delayMs: 1500, count: 1 } })
    const slow = h.get(blobId).then(() => 'slow')
    // A request sent after the delayed one overtakes it.
    const fast = new Promise((r) => setTimeout(r, 50)).then(() => h.put('quick')).then(() => 'fast')
    expect(await Promise.race([slow, fast])).toBe('fast')
    expect(await slow).toBe('slow')
  })

  it('serves corrupted bytes of the same length, whole and in ranges', async () => {
    h.server.faults.set({ aggregator: { corrupt: true } })
    const whole = await h.get(blobId)
    expect(whole.status).toBe(200)
    const served = new Uint8Array(await whole.arrayBuffer())
    expect(served.length).toBe(BYTES.length)
    expect(served).not.toEqual(BYTES)
    const part = await h.get(blobId, { range: 'bytes=10-19' })
    expect(part.status).toBe(206)
    const bytes = new Uint8Array(await part.arrayBuffer())
    expect(bytes.length).toBe(10)
    expect(bytes).not.toEqual(BYTES.subarray(10, 20))
  })

  it('answers a wrong but valid-looking blob id, and still stores the blob under its real one', async () => {
    h.server.faults.set({ publisher: { wrongBlobId: true, count: 1 } })
    const bytes = new TextEncoder().encode('lied about')
    const { newlyCreated } = (await (await h.put(bytes)).json()) as NewlyCreated
    const real = await computeWalrusBlobId(bytes, 10)
    expect(newlyCreated.blobObject.blobId).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newlyCreated.blobObject.blobId).not.toBe(real)
    expect((await h.get(real)).status).toBe(200)
    expect((await h.get(newlyCreated.blobObject.blobId)).status).toBe(404)
  })

  it('sets, shows and clears faults over HTTP', async () => {
    const url = `${h.server.url}/dev/faults`
    const put = await fetch(url, { method: 'PUT', body: JSON.stringify({ publisher: { status: 503, count: 3 }, aggregator: { corrupt: true } }) })
    expect(put.status).toBe(200)
    expect(await put.json()).toEqual({ publisher: { status: 503, count: 3 }, aggregator: { corrupt: true } })
    expect((await h.put('x')).status).toBe(503)
    expect(await (await fetch(url)).json()).toEqual({ publisher: { status: 503, count: 2 }, aggregator: { corrupt: true } })
    expect(await (await fetch(url, { method: 'DELETE' })).json()).toEqual({})
    expect((await h.put('x')).status).toBe(200)
  })

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    ['{"storage":{}}', /unknown side "storage"/],
    ['{"publisher":{"status":502}}', /status must be one of 500, 503, 504/],
    ['{"publisher":{"count":0}}', /count must be a whole number/],
    ['{"aggregator":{"delayMs":-1}}', /delayMs must be/],
    ['{"aggregator":{"wrongBlobId":true}}', /aggregator.wrongBlobId is not a fault switch/],
    ['{"publisher":{"corrupt":true}}', /publisher.corrupt is not a fault switch/],
    ['{"aggregator":{"corrupt":"yes"}}', /corrupt must be true or false/]
  ])('refuses fault settings %s with one line and keeps the old ones', async (body, message) => {
    h.server.faults.set({ aggregator: { status: 500 } })
    const res = await fetch(`${h.server.url}/dev/faults`, { method: 'PUT', body })
    expect(res.status).toBe(400)
    const error = ((await res.json()) as { error: { message: string } }).error.message
    expect(error).toMatch(message)
    expect(error).not.toContain('\n')
    expect(h.server.faults.get()).toEqual({ aggregator: { status: 500 } })
  })

  it('answers 429 in plain text when 8 stores run and 8 wait', async () => {
    // Every store is held for a while, so the first 16 fill the gate before any ends.
    h.server.faults.set({ publisher: { delayMs: 1500 } })
    const results = await Promise.all(Array.from({ length: 17 }, (_, i) => h.put(`blob ${i}`).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: await r.text() }))))
    const refused = results.filter((r) => r.status === 429)
    expect(refused).toHaveLength(1)
    expect(refused[0]!.type).toMatch(/^text\/plain/)
    expect(results.filter((r) => r.status === 200)).toHaveLength(16)
  })
})
