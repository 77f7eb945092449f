// WalrusBlobs against the embedded walrus-dev server (real blob ids at 10
// shards): publish and read back one blob, several bundled into one object,
// an object cut into parts, and publishing again sending nothing.
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BlobNotFoundError } from '../../../../../node/blobs/errors.ts'
import { WalrusRefError } from '../../../../../node/blobs/walrus/errors.ts'
import { parseWalrusParts } from '../../../../../protocol/index.ts'
import { keysOf, readAll, type Setup, setup } from './setup.ts'

describe('WalrusBlobs against walrus-dev', () => {
  let s: Setup

  beforeEach(async () => {
    s = await setup()
  })

  afterEach(async () => {
    await s.cleanup()
  })

  it('publishes one blob as one Walrus blob and reads it back into another store', async () => {
    const { id, bytes } = await s.blob(50_000)
    const refs = await s.walrus.publish([id])
    const ref = refs.get(id)!
    expect(ref).toEqual({ blobId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), parts: false, offset: 0 })
    expect(s.requests).toEqual(['PUT /v1/blobs'])

    const progress: number[] = []
    const stat = await s.reader.fetchInto(ref, id, bytes.length, { onProgress: (p) => progress.push(p.total === bytes.length ? p.bytes : -1) })
    expect(stat).toEqual({ id, size: bytes.length })
    expect(Buffer.compare(await readAll(s.target, id), bytes)).toBe(0)
    expect(progress.at(-1)).toBe(bytes.length)
    expect(progress).not.toContain(-1)
    expect(s.requests).toEqual(['PUT /v1/blobs', `GET /v1/blobs/${ref.blobId}`])
  })

  it('bundles several blobs into one object with one request, each at its offset', async () => {
    const blobs = [await s.blob(1000), await s.blob(30_000), await s.blob(7)]
    const refs = await s.walrus.publish(blobs.map((b) => b.id))
    expect(s.requests).toEqual(['PUT /v1/blobs'])
    const blobId = refs.get(blobs[0]!.id)!.blobId
    expect(blobs.map((b) => refs.get(b.id))).toEqual([
      { blobId, parts: false, offset: 0 },
      { blobId, parts: false, offset: 1000 },
      { blobId, parts: false, offset: 31_000 }
    ])
    for (const b of blobs) {
      await s.reader.fetchInto(refs.get(b.id)!, b.id, b.bytes.length)
      expect(Buffer.compare(await readAll(s.target, b.id), b.bytes)).toBe(0)
    }
  })

  it('cuts an object over maxPartBytes into parts plus a manifest, and reads across part boundaries', async () => {
    // 64 KiB parts: the middle blob starts inside part 0 and ends inside part 3.
    const blobs = [await s.blob(40_000), await s.blob(170_000), await s.blob(5_000), await s.blob(20_000)]
    const refs = await s.walrus.publish(blobs.map((b) => b.id))
    const total = 235_000
    const partCount = Math.ceil(total / (64 * 1024))
    expect(s.requests).toEqual(Array(partCount + 1).fill('PUT /v1/blobs'))
    const manifestId = refs.get(blobs[0]!.id)!.blobId
    expect(blobs.map((b) => refs.get(b.id))).toEqual([
      { blobId: manifestId, parts: true, offset: 0 },
      { blobId: manifestId, parts: true, offset: 40_000 },
      { blobId: manifestId, parts: true, offset: 210_000 },
      { blobId: manifestId, parts: true, offset: 215_000 }
    ])

    // The manifest on the aggregator names the parts with their sizes and hashes.
    const manifest = parseWalrusParts(new Uint8Array(await (await fetch(`${s.server.url}/v1/blobs/${manifestId}`)).arrayBuffer()))
    const whole = Buffer.concat(blobs.map((b) => b.bytes))
    expect(manifest.size).toBe(total)
    expect(manifest.parts.map((p) => p.size)).toEqual([65_536, 65_536, 65_536, total - 3 * 65_536])
    manifest.parts.forEach((p, i) => {
      expect(p.sha256).toBe(createHash('sha256').update(whole.subarray(i * 65_536, i * 65_536 + p.size)).digest('hex'))
    })

    // Small windows, so one part takes several range reads.
    const reader = s.remake({ local: s.target, readWindowBytes: 10_000, readConcurrency: 3 })
    s.requests.length = 0
    await reader.fetchInto(refs.get(blobs[1]!.id)!, blobs[1]!.id, 170_000)
    expect(Buffer.compare(await readAll(s.target, blobs[1]!.id), blobs[1]!.bytes)).toBe(0)
    // The manifest, then only the parts the blob overlaps (0 to 3 of 4, part 2 is whole).
    expect(s.requests[0]).toBe(`GET /v1/blobs/${manifestId}`)
    expect(new Set(s.requests.slice(1))).toEqual(new Set(manifest.parts.map((p) => `GET /v1/blobs/${p.blobId}`)))
    s.requests.length = 0
    await reader.fetchInto(refs.get(blobs[3]!.id)!, blobs[3]!.id, 20_000)
    expect(Buffer.compare(await readAll(s.target, blobs[3]!.id), blobs[3]!.bytes)).toBe(0)
    expect(new Set(s.requests.slice(1))).toEqual(new Set([`GET /v1/blobs/${manifest.parts[3]!.blobId}`]))
  })

  it('does not send blobs published before; new ones go in a new object', async () => {
    const a = await s.blob(2000)
    const b = await s.blob(3000)
    const first = await s.walrus.publish([a.id, b.id])
    s.requests.length = 0
    expect(await s.walrus.publish([b.id, a.id])).toEqual(new Map([[b.id, first.get(b.id)], [a.id, first.get(a.id)]]))
    expect(s.requests).toEqual([])

    const c = await s.blob(4000)
    const mixed = await s.walrus.publish([a.id, c.id, c.id])
    expect(s.requests).toEqual(['PUT /v1/blobs'])
    expect(mixed.get(a.id)).toEqual(first.get(a.id))
    expect(mixed.get(c.id)).toEqual({ blobId: expect.not.stringMatching(first.get(a.id)!.blobId), parts: false, offset: 0 })
    expect((await keysOf(s.published)).sort()).toEqual([a.id, b.id, c.id].sort())
  })

  it('publishes again what runs out of epochs soon', async () => {
    const day = 24 * 3600_000
    let now = 1_000_000
    // 5 epochs of one day: surely alive for 4 days, republished within the last hour of that.
    const walrus = s.remake({ epochMs: day, now: () => now })
    const a = await s.blob(2000)
    const first = await walrus.publish([a.id])
    now += 4 * day - 2 * 3600_000
    await walrus.publish([a.id])
    expect(s.requests).toEqual(['PUT /v1/blobs'])
    now += 3600_000 + 1
    const again = await walrus.publish([a.id])
    expect(s.requests).toEqual(['PUT /v1/blobs', 'PUT /v1/blobs'])
    // Deletable blobs get a new Blob object, the same blob id.
    expect(again.get(a.id)).toEqual(first.get(a.id))
    // One epoch buys nothing sure: the current one may be about to end.
    const once = s.remake({}, { epochs: 1 })
    await once.publish([a.id])
    await once.publish([a.id])
    expect(s.requests).toHaveLength(4)
  })

  it('skips empty blobs and refuses blobs it does not hold', async () => {
    const empty = await s.source.put(new Uint8Array())
    expect(await s.walrus.publish([empty.id])).toEqual(new Map())
    expect(s.requests).toEqual([])
    await expect(s.walrus.publish(['ab'.repeat(32)])).rejects.toBeInstanceOf(BlobNotFoundError)
    expect(s.requests).toEqual([])
  })

  it('refuses a ref that cannot locate the blob before any request', async () => {
    const { id, bytes } = await s.blob(100)
    const cases: [{ blobId: string; parts: boolean; offset: number }, number][] = [
      [{ blobId: 'short', parts: false, offset: 0 }, 100],
      [{ blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: false, offset: 64 * 1024 * 1024 }, 100],
      [{ blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: false, offset: -1 }, 100],
      [{ blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: false, offset: 0 }, 0]
    ]
    for (const [ref, size] of cases) await expect(s.reader.fetchInto(ref, id, size)).rejects.toBeInstanceOf(WalrusRefError)
    expect(s.requests).toEqual([])
    expect(bytes.length).toBe(100)
  })

  it('refuses a parts ref that reaches past the end of its object', async () => {
    const blobs = [await s.blob(70_000), await s.blob(70_000)]
    const refs = await s.walrus.publish(blobs.map((b) => b.id))
    const ref = { ...refs.get(blobs[1]!.id)!, offset: 70_001 }
    await expect(s.reader.fetchInto(ref, blobs[1]!.id, 70_000)).rejects.toThrow(/reaches byte 140001 of a 140000-byte object/)
    expect(await s.target.has(blobs[1]!.id)).toBe(false)
  })

  it('health says one line for the publisher and one for the aggregator', async () => {
    expect(await s.walrus.health()).toEqual({ ok: true, detail: `walrus publisher ${s.server.url}: ok\nwalrus aggregator ${s.server.url}: ok` })
  })
})
