// WalrusBlobs against walrus-dev's fault switches: failures that pass are
// retried, failures that stay give one clear error and leave nothing behind
// (no index entry after a failed publish, no local blob after a failed read),
// and lies (wrong blob id, flipped bytes) are refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BlobHashMismatchError } from '../../../../../node/blobs/errors.ts'
import { WalrusBlobIdMismatchError, WalrusHttpError, WalrusResponseError, WalrusTimeoutError } from '../../../../../node/blobs/walrus/errors.ts'
import type { WalrusHttpClient } from '../../../../../node/blobs/walrus/http-client.ts'
import type { WalrusClient } from '../../../../../node/blobs/walrus/walrus-blobs.ts'
import { WalrusBlobs } from '../../../../../node/blobs/walrus/walrus-blobs.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { keysOf, readAll, type Setup, setup, SHARDS } from './setup.ts'

/** The client's calls as plain functions, to override one of them. */
function bind(client: WalrusHttpClient): WalrusClient {
  return {
    epochs: client.epochs,
    store: (bytes, o) => client.store(bytes, o),
    read: (blobId, o) => client.read(blobId, o),
    readAll: (blobId, o) => client.readAll(blobId, o),
    health: (o) => client.health(o)
  }
}

describe('WalrusBlobs under walrus-dev faults', () => {
  let s: Setup

  beforeEach(async () => {
    s = await setup()
  })

  afterEach(async () => {
    await s.cleanup()
  })

  const puts = () => s.requests.filter((r) => r.startsWith('PUT')).length
  const gets = () => s.requests.filter((r) => r.startsWith('GET')).length

  it('publisher 5xx for a while: retried until it works', async () => {
    const { id, bytes } = await s.blob(10_000)
    s.server.faults.set({ publisher: { status: 503, count: 2 } })
    const ref = (await s.walrus.publish([id])).get(id)!
    expect(puts()).toBe(3)
    await s.reader.fetchInto(ref, id, bytes.length)
    expect(Buffer.compare(await readAll(s.target, id), bytes)).toBe(0)
  })

  it('publisher 5xx for good: one clear error after the retries, nothing recorded', async () => {
    const { id } = await s.blob(10_000)
    s.server.faults.set({ publisher: { status: 500 } })
    const err = await s.walrus.publish([id]).catch((e: Error) => e)
    expect(err).toBeInstanceOf(WalrusHttpError)
    expect((err as Error).message).toBe('walrus publisher answered HTTP 500: publisher fault switch: answering 500')
    expect(puts()).toBe(4)
    expect(await keysOf(s.published)).toEqual([])
  })

  it('a part failing for good fails the whole publish, nothing recorded', async () => {
    const { id } = await s.blob(200_000)
    const client = s.makeClient({ retries: 0 })
    let stores = 0
    // The first two parts go through, then the publisher fails.
    const failing: WalrusClient = { ...bind(client), store: (b, o) => (++stores > 2 ? Promise.reject(new WalrusHttpError(503, 'publisher gone')) : client.store(b, o)) }
    const walrus = new WalrusBlobs({ client: failing, local: s.source, index: s.published, shards: SHARDS, maxPartBytes: 64 * 1024, logger: silentLogger })
    await expect(walrus.publish([id])).rejects.toThrow('publisher gone')
    expect(puts()).toBe(2)
    expect(await keysOf(s.published)).toEqual([])
  })

  it('publisher answers late: the try times out and the next one works', async () => {
    const { id } = await s.blob(5_000)
    s.server.faults.set({ publisher: { delayMs: 3_000, count: 1 } })
    const walrus = s.remake({}, { timeoutMs: 600 })
    expect((await walrus.publish([id])).get(id)).toMatchObject({ parts: false, offset: 0 })
    expect(puts()).toBe(2)
  })

  it('publisher always too late: a timeout error, nothing recorded', async () => {
    const { id } = await s.blob(5_000)
    s.server.faults.set({ publisher: { delayMs: 1_000 } })
    const walrus = s.remake({}, { timeoutMs: 200, retries: 1 })
    await expect(walrus.publish([id])).rejects.toBeInstanceOf(WalrusTimeoutError)
    expect(puts()).toBe(2)
    expect(await keysOf(s.published)).toEqual([])
  })

  it('publisher names the wrong blob id: refused, nothing recorded, for a blob and for a part', async () => {
    const { id } = await s.blob(5_000)
    s.server.faults.set({ publisher: { wrongBlobId: true } })
    const err = await s.walrus.publish([id]).catch((e: Error) => e)
    expect(err).toBeInstanceOf(WalrusBlobIdMismatchError)
    expect((err as Error).message).toMatch(/^walrus publisher answered blob id \S{43}, the bytes encode to \S{43}$/)
    expect(puts()).toBe(1)
    const big = await s.blob(200_000)
    s.server.faults.set({ publisher: { wrongBlobId: true, count: 1 } })
    await expect(s.walrus.publish([big.id])).rejects.toBeInstanceOf(WalrusBlobIdMismatchError)
    expect(await keysOf(s.published)).toEqual([])
    // Once the publisher tells the truth again, both go out.
    const refs = await s.walrus.publish([id, big.id])
    expect(refs.size).toBe(2)
  })

  it('aggregator 5xx for a while: retried until it works', async () => {
    const { id, bytes } = await s.blob(10_000)
    const ref = (await s.walrus.publish([id])).get(id)!
    s.server.faults.set({ aggregator: { status: 504, count: 3 } })
    await s.reader.fetchInto(ref, id, bytes.length)
    expect(gets()).toBe(4)
    expect(Buffer.compare(await readAll(s.target, id), bytes)).toBe(0)
  })

  it('aggregator 5xx for good: one clear error, nothing kept locally', async () => {
    const { id, bytes } = await s.blob(10_000)
    const ref = (await s.walrus.publish([id])).get(id)!
    s.server.faults.set({ aggregator: { status: 503 } })
    const err = await s.reader.fetchInto(ref, id, bytes.length).catch((e: Error) => e)
    expect(err).toBeInstanceOf(WalrusHttpError)
    expect((err as Error).message).toBe(`walrus aggregator answered HTTP 503 for ${ref.blobId}: aggregator fault switch: answering 503`)
    expect(gets()).toBe(4)
    expect(await s.target.has(id)).toBe(false)
  })

  it('aggregator answers late: timed out and retried', async () => {
    const { id, bytes } = await s.blob(10_000)
    const ref = (await s.walrus.publish([id])).get(id)!
    s.server.faults.set({ aggregator: { delayMs: 3_000, count: 1 } })
    await s.remake({ local: s.target }, { timeoutMs: 600 }).fetchInto(ref, id, bytes.length)
    expect(gets()).toBe(2)
    expect(await s.target.has(id)).toBe(true)
  })

  it('aggregator flips bytes: refused by hash, nothing kept locally', async () => {
    const { id, bytes } = await s.blob(10_000)
    const ref = (await s.walrus.publish([id])).get(id)!
    s.server.faults.set({ aggregator: { corrupt: true } })
    const err = await s.reader.fetchInto(ref, id, bytes.length).catch((e: Error) => e)
    expect(err).toBeInstanceOf(BlobHashMismatchError)
    expect(await s.target.has(id)).toBe(false)
    s.server.faults.clear()
    await s.reader.fetchInto(ref, id, bytes.length)
    expect(Buffer.compare(await readAll(s.target, id), bytes)).toBe(0)
  })

  it('aggregator flips the bytes of a parts manifest: refused as a bad manifest', async () => {
    const { id, bytes } = await s.blob(150_000)
    const ref = (await s.walrus.publish([id])).get(id)!
    expect(ref.parts).toBe(true)
    s.server.faults.set({ aggregator: { corrupt: true, count: 1 } })
    const err = await s.reader.fetchInto(ref, id, bytes.length).catch((e: Error) => e)
    expect(err).toBeInstanceOf(WalrusResponseError)
    expect((err as Error).message).toBe(`walrus parts manifest ${ref.blobId}: walrus parts manifest is not UTF-8 JSON`)
    expect(await s.target.has(id)).toBe(false)
  })

  it('a part whose bytes do not match the manifest is refused at that part, nothing kept', async () => {
    const blobs = [await s.blob(100_000), await s.blob(100_000)]
    const refs = await s.walrus.publish(blobs.map((b) => b.id))
    // Range reads come back flipped; the manifest (read whole) does not.
    const client = s.makeClient()
    const corrupting: WalrusClient = { ...bind(client), read: async (blobId, o) => (await client.read(blobId, o)).map((x) => x ^ 1) }
    const reader = new WalrusBlobs({ client: corrupting, local: s.target, index: s.published, shards: SHARDS, maxPartBytes: 64 * 1024, logger: silentLogger })
    const err = await reader.fetchInto(refs.get(blobs[1]!.id)!, blobs[1]!.id, 100_000).catch((e: Error) => e)
    expect(err).toBeInstanceOf(BlobHashMismatchError)
    expect((err as Error).message).toMatch(/^walrus part \S{43} hashed to [0-9a-f]{64}, its manifest says [0-9a-f]{64}$/)
    expect(await s.target.has(blobs[1]!.id)).toBe(false)
  })
})
