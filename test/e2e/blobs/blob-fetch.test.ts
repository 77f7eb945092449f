// Three real nodes on 127.0.0.1: A holds blobs, B routes and (for the bad
// peer cases) serves lies on the blob protocol, C fetches. C dials only B; it
// learns of A as a provider through B (kad-dht may also connect C to A on its
// own while filling its routing table, so a direct connection is not ruled out).

import { createHash, randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BLOB_CHUNK_BYTES,
  type BlobProgress,
  BlobHashMismatchError,
  BlobNotFoundError,
  blobIdFromBytes,
  fetchBlobFromPeer
} from '../../../node/blobs/index.ts'
import { MAX_BUFFERED_WRITE_BYTES, sendPaced } from '../../../node/blobs/stream-io.ts'
import { BLOB_CODES, BLOB_PROTOCOL, BLOB_PROTOCOL_1_1, BlobHeader, BlobRequest } from '../../../protocol/index.ts'
import { connect, createTestNode, type TestNode, waitFor } from './nodes.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) parts.push(chunk)
  return Buffer.concat(parts)
}

type Lie = 'wrong-bytes' | 'too-many-bytes'

describe('blob fetch over libp2p', () => {
  let a: TestNode
  let b: TestNode
  let c: TestNode
  // What B's dishonest handler knows of the real blobs, and how it lies.
  const honest = new Map<string, Uint8Array>()
  let lie: Lie = 'wrong-bytes'
  let badRequests = 0

  async function serveLies(stream: Stream): Promise<void> {
    badRequests++
    try {
      const lp = lpStream(stream)
      const id = blobIdFromBytes(BlobRequest.decode((await lp.read()).subarray()).blobId)
      const bytes = honest.get(id)
      if (bytes === undefined) {
        await lp.write(BlobHeader.encode({ code: BLOB_CODES.notFound, size: 0 }))
      } else {
        await lp.write(BlobHeader.encode({ code: BLOB_CODES.ok, size: bytes.byteLength }))
        const body = lie === 'wrong-bytes' ? randomBytes(bytes.byteLength) : Buffer.concat([bytes, randomBytes(70_000)])
        const raw = lp.unwrap()
        for (let i = 0; i < body.byteLength; i += 65536) await sendPaced(raw, body.subarray(i, i + 65536))
      }
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  const blobStreams = (node: TestNode) =>
    node.libp2p.getConnections().flatMap((conn) => conn.streams.filter((s) => s.protocol === BLOB_PROTOCOL || s.protocol === BLOB_PROTOCOL_1_1))

  const tempFiles = async (node: TestNode) => readdir(join(node.dir, 'blobs', 'tmp'))

  beforeAll(async () => {
    ;[a, b, c] = await Promise.all([createTestNode(), createTestNode({ serve: false }), createTestNode()])
    await b.libp2p.handle(BLOB_PROTOCOL, (stream) => serveLies(stream))
    await connect(a.libp2p, b.libp2p)
    await connect(c.libp2p, b.libp2p)
  })

  afterAll(async () => {
    await Promise.all([a, b, c].filter(Boolean).map((node) => node.stop()))
  })

  it('fetches a 5 MiB blob found through DHT provider records', async () => {
    const bytes = randomBytes(5 * 1024 * 1024)
    const { id } = await a.blobs.put(bytes)
    await a.blobs.provide(id)

    const progress: BlobProgress[] = []
    const got = await collect(c.blobs.get(id, { onProgress: (p) => progress.push(p) }))
    expect(sha256(got)).toBe(id)
    expect(got.byteLength).toBe(bytes.byteLength)
    expect(progress.at(-1)).toEqual({ bytes: bytes.byteLength, total: bytes.byteLength })
    expect(await c.local.has(id)).toBe(true)
    expect(badRequests).toBe(0)
    // C now provides it too: a later reader may get it from either.
    await c.blobs.provide(id)
    // Served streams are closed, not left to count against maxInboundStreams (a stream kept for reuse, once the fetcher drops it).
    await waitFor(() => blobStreams(a).length === 0 && blobStreams(c).length === 0, 'blob streams to close')
  })

  it('a peer that sends wrong bytes is detected and nothing is stored', async () => {
    const bytes = randomBytes(300_000)
    const id = sha256(bytes)
    honest.set(id, bytes)
    lie = 'wrong-bytes'
    await expect(fetchBlobFromPeer(c.libp2p, c.local, b.libp2p.peerId, id)).rejects.toBeInstanceOf(BlobHashMismatchError)
    lie = 'too-many-bytes'
    await expect(fetchBlobFromPeer(c.libp2p, c.local, b.libp2p.peerId, id)).rejects.toBeInstanceOf(BlobHashMismatchError)
    expect(await c.local.has(id)).toBe(false)
    expect(await tempFiles(c)).toEqual([])
  })

  it('falls back from a lying known peer to an honest provider', async () => {
    const bytes = randomBytes(2 * 1024 * 1024 + 17)
    const { id } = await a.blobs.put(bytes)
    await a.blobs.provide(id)
    honest.set(id, bytes)
    lie = 'wrong-bytes'
    const before = badRequests
    const out = join(c.dir, 'fetched.bin')
    await c.blobs.getFile(id, out, { peers: [b.libp2p.peerId] })
    expect(badRequests).toBe(before + 1)
    expect(sha256(await collect(c.local.get(id)))).toBe(id)
    expect(await tempFiles(c)).toEqual([])
  })

  it('a provider that lied is disconnected and never asked for that blob again (R73)', async () => {
    const bytes = randomBytes(200_000)
    const id = sha256(bytes)
    honest.set(id, bytes)
    lie = 'too-many-bytes'
    let disconnected = false
    const onDisconnect = (evt: CustomEvent<PeerId>) => {
      if (evt.detail.equals(b.libp2p.peerId)) disconnected = true
    }
    c.libp2p.addEventListener('peer:disconnect', onDisconnect)
    const before = badRequests
    // Only the liar has it: the fetch fails, and the liar's connection is closed.
    await expect(c.blobs.fetch(id, { peers: [b.libp2p.peerId] })).rejects.toThrow()
    await waitFor(() => disconnected, 'the liar to be disconnected').finally(() => c.libp2p.removeEventListener('peer:disconnect', onDisconnect))
    expect(badRequests).toBe(before + 1)
    // Once an honest provider has it, the liar is named first but not asked again.
    await a.blobs.put(bytes)
    await a.blobs.provide(id)
    expect(await c.blobs.fetch(id, { peers: [b.libp2p.peerId, a.libp2p.peerId] })).toEqual({ id, size: bytes.byteLength })
    expect(badRequests).toBe(before + 1)
  })

  it('a blob nobody has gives BlobNotFoundError', async () => {
    const id = sha256(randomBytes(32))
    await expect(fetchBlobFromPeer(c.libp2p, c.local, a.libp2p.peerId, id)).rejects.toBeInstanceOf(BlobNotFoundError)
    await expect(collect(c.blobs.get(id))).rejects.toBeInstanceOf(BlobNotFoundError)
    await expect(collect(c.blobs.get(id, { peers: [a.libp2p.peerId, b.libp2p.peerId] }))).rejects.toBeInstanceOf(BlobNotFoundError)
  })

  it('concurrent gets of one blob share one transfer', async () => {
    const bytes = randomBytes(1024 * 1024)
    const { id } = await a.blobs.put(bytes)
    await a.blobs.provide(id)
    const results = await Promise.all([collect(c.blobs.get(id)), collect(c.blobs.get(id)), c.blobs.fetch(id)])
    expect(sha256(results[0])).toBe(id)
    expect(sha256(results[1])).toBe(id)
    expect(results[2]).toEqual({ id, size: bytes.byteLength })
  })
})

describe('blob transfer memory bounds', () => {
  let a: TestNode
  let c: TestNode

  beforeAll(async () => {
    ;[a, c] = await Promise.all([createTestNode(), createTestNode()])
    await connect(c.libp2p, a.libp2p)
  })

  afterAll(async () => {
    await Promise.all([a, c].filter(Boolean).map((node) => node.stop()))
  })

  it('a slow receiver pauses the sender instead of buffering the blob', async () => {
    const size = 24 * 1024 * 1024
    const { id } = await a.local.put(randomBytes(size))
    let clientStream: Stream | undefined
    let pauses = 0
    const libp2p = {
      dialProtocol: async (...args: Parameters<typeof c.libp2p.dialProtocol>) => {
        const stream = await c.libp2p.dialProtocol(...args)
        const pause = stream.pause.bind(stream)
        stream.pause = () => {
          pauses++
          pause()
        }
        clientStream = stream
        return stream
      }
    }
    // A consumer slower than loopback noise+yamux: 4 ms per 64 KiB, at most 16 MiB/s.
    const slowStore = {
      ...c.local,
      put: async (source: AsyncIterable<Uint8Array>, options: Parameters<typeof c.local.put>[1]) => {
        async function* slow() {
          for await (const chunk of source) {
            await new Promise((resolve) => setTimeout(resolve, 4 * Math.ceil(chunk.byteLength / 65536)))
            yield chunk
          }
        }
        return c.local.put(slow(), options)
      }
    } as unknown as typeof c.local
    let maxServerBuffer = 0
    let maxClientBuffer = 0
    const timer = setInterval(() => {
      for (const s of blobStreamsOf(a)) maxServerBuffer = Math.max(maxServerBuffer, s.writeBufferLength)
      if (clientStream) maxClientBuffer = Math.max(maxClientBuffer, clientStream.readBufferLength)
    }, 1)
    try {
      const stat = await fetchBlobFromPeer(libp2p, slowStore, a.libp2p.peerId, id)
      expect(stat).toEqual({ id, size })
    } finally {
      clearInterval(timer)
    }
    expect(pauses).toBeGreaterThan(0)
    // Sender: the pacing threshold plus one chunk. Receiver: at most one yamux window (16 MiB) in flight.
    expect(maxServerBuffer).toBeLessThanOrEqual(MAX_BUFFERED_WRITE_BYTES + BLOB_CHUNK_BYTES)
    expect(maxClientBuffer).toBeLessThanOrEqual(16 * 1024 * 1024)
  })

  function blobStreamsOf(node: TestNode): Stream[] {
    return node.libp2p.getConnections().flatMap((conn) => conn.streams.filter((s) => s.protocol === BLOB_PROTOCOL || s.protocol === BLOB_PROTOCOL_1_1))
  }
})
