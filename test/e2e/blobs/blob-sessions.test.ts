// /pictor/blob/1.1.0 between real nodes on 127.0.0.1: several blobs over
// one stream, the fallback to a 1.0.0-only provider, a stream the provider
// ends as the fetcher writes (asked again on a new one), a provider that
// lies (refused as on 1.0.0, its stream never reused), and the provider's
// own limits: a client that keeps asking is cut off after
// maxRequestsPerStream, one that goes quiet after its idle timeout.

import { createHash, randomBytes } from 'node:crypto'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlobHashMismatchError, BlobServer, BlobSessions, blobIdFromBytes, blobIdToBytes, fetchBlobFromPeer } from '../../../node/blobs/index.ts'
import { lengthPrefixed, StreamReader } from '../../../node/blobs/stream-io.ts'
import { silentLogger } from '../../../node/log.ts'
import { BLOB_CODES, BLOB_PROTOCOL, BLOB_PROTOCOL_1_1, BlobHeader, BlobRequest } from '../../../protocol/index.ts'
import { connect, createTestNode, type TestNode, waitFor } from './nodes.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const MAX_REQUESTS = 8

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) parts.push(chunk)
  return Buffer.concat(parts)
}

/** How the test provider on `b` answers the n-th request on a stream (0-based). */
type Behaviour = (n: number, id: string) => 'honest' | 'lie' | 'close'

describe('blob streams carrying several blobs (1.1.0)', () => {
  let a: TestNode
  let b: TestNode
  let c: TestNode
  let sessions: BlobSessions
  /** What b serves, honestly or not, and the streams it was opened on. */
  const known = new Map<string, Uint8Array>()
  let behaviour: Behaviour = () => 'honest'
  let bStreams = 0

  /** A 1.1.0 provider written against the wire, so it can misbehave. */
  async function serveOnB(stream: Stream): Promise<void> {
    bStreams++
    const lp = lpStream(stream)
    try {
      for (let n = 0; ; n++) {
        const request = await lp.read().catch(() => undefined)
        if (request === undefined) break
        const id = blobIdFromBytes(BlobRequest.decode(request.subarray()).blobId)
        const bytes = known.get(id)
        const how = behaviour(n, id)
        if (how === 'close') break
        if (bytes === undefined) {
          await lp.write(BlobHeader.encode({ code: BLOB_CODES.notFound, size: 0 }))
          continue
        }
        await lp.write(BlobHeader.encode({ code: BLOB_CODES.ok, size: bytes.byteLength }))
        stream.send(how === 'lie' ? randomBytes(bytes.byteLength) : bytes)
      }
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  beforeAll(async () => {
    ;[a, b, c] = await Promise.all([
      // Long idle timeouts: these tests count streams, and a slow machine must not end one between fetches.
      createTestNode({ init: { maxRequestsPerStream: MAX_REQUESTS, idleTimeoutMs: 60_000 } }),
      createTestNode({ serve: false }),
      createTestNode()
    ])
    await b.libp2p.handle(BLOB_PROTOCOL_1_1, (stream) => serveOnB(stream))
    await connect(c.libp2p, a.libp2p)
    await connect(c.libp2p, b.libp2p)
    sessions = new BlobSessions(c.libp2p, { idleMs: 60_000 })
  })

  afterAll(async () => {
    sessions?.close()
    await Promise.all([a, b, c].filter(Boolean).map((node) => node.stop()))
  })

  it('fetches blobs one after another over one stream, into memory or into the store', async () => {
    const blobs = await Promise.all(Array.from({ length: MAX_REQUESTS - 1 }, () => a.local.put(randomBytes(5_000 + Math.floor(Math.random() * 100_000)))))
    const opened = sessions.opened
    for (const [i, { id, size }] of blobs.entries()) {
      const fetched = await fetchBlobFromPeer(c.libp2p, c.local, a.libp2p.peerId, id, { sessions, inMemory: i % 2 === 0 })
      expect(fetched.size).toBe(size)
      if (i % 2 === 0) expect(sha256(fetched.bytes!)).toBe(id)
      else expect(fetched.bytes).toBeUndefined()
      expect(sha256(await collect(c.local.get(id)))).toBe(id)
    }
    expect(sessions.opened - opened).toBe(1)
    // The provider holds that one stream, idle between requests.
    const inbound = a.libp2p.getConnections(c.libp2p.peerId).flatMap((conn) => conn.streams.filter((s) => s.protocol === BLOB_PROTOCOL_1_1))
    expect(inbound).toHaveLength(1)
  })

  it('concurrent fetches take idle streams first and open only what is missing', async () => {
    const blobs = await Promise.all(Array.from({ length: 8 }, () => a.local.put(randomBytes(2_000))))
    const mine = new BlobSessions(c.libp2p, { idleMs: 60_000 })
    try {
      const fetchAll = (some: { id: string }[]) => Promise.all(some.map(({ id }) => fetchBlobFromPeer(c.libp2p, c.local, a.libp2p.peerId, id, { sessions: mine, inMemory: true })))
      await fetchAll(blobs.slice(0, 4))
      expect(mine.opened).toBe(4)
      expect(mine.idleStreams).toBe(4)
      await fetchAll(blobs.slice(4))
      expect(mine.opened).toBe(4)
    } finally {
      mine.close()
    }
  })

  it('after maxRequestsPerStream requests the provider ends the stream, and the next fetch opens another', async () => {
    const fresh = new BlobSessions(c.libp2p, { idleMs: 60_000 })
    try {
      const blobs = await Promise.all(Array.from({ length: MAX_REQUESTS + 2 }, () => a.local.put(randomBytes(1_000))))
      for (const { id } of blobs) await fetchBlobFromPeer(c.libp2p, c.local, a.libp2p.peerId, id, { sessions: fresh })
      expect(fresh.opened).toBe(2)
    } finally {
      fresh.close()
    }
  })

  it('a client that keeps asking on one stream is cut off after maxRequestsPerStream answers', async () => {
    const { id } = await a.local.put(randomBytes(3_000))
    const missing = sha256(randomBytes(8))
    const stream = await c.libp2p.dialProtocol(a.libp2p.peerId, BLOB_PROTOCOL_1_1)
    const reader = new StreamReader(stream)
    let answers = 0
    try {
      for (let i = 0; i < 100; i++) {
        const ask = i % 2 === 0 ? id : missing
        stream.send(lengthPrefixed(BlobRequest.encode({ blobId: blobIdToBytes(ask), offset: 0 })))
        const header = await reader.message(32)
        if (header === undefined) break
        const { code, size } = BlobHeader.decode(header)
        if (code === BLOB_CODES.ok) expect(sha256(await collect(reader.bytes(size)))).toBe(id)
        answers++
      }
    } catch {
      // The provider may reset rather than close once a request arrives past its cap.
    } finally {
      reader.dispose()
      stream.abort(new Error('test done'))
    }
    expect(answers).toBe(MAX_REQUESTS)
  })

  it('a quiet client loses its stream at the provider idle timeout', async () => {
    const quiet = await createTestNode({ init: { idleTimeoutMs: 100 } })
    try {
      await connect(c.libp2p, quiet.libp2p)
      const { id } = await quiet.local.put(randomBytes(1_000))
      const mine = new BlobSessions(c.libp2p, { idleMs: 60_000 })
      await fetchBlobFromPeer(c.libp2p, c.local, quiet.libp2p.peerId, id, { sessions: mine })
      expect(mine.idleStreams).toBe(1)
      // The provider resets the stream; the pool notices and drops it.
      await waitFor(() => mine.idleStreams === 0, 'the idle stream to be ended by the provider')
      mine.close()
    } finally {
      await quiet.stop()
    }
  })

  it('falls back to 1.0.0 for a provider without 1.1.0: one blob per stream, none kept', async () => {
    const old = await createTestNode({ serve: false })
    try {
      const server = new BlobServer({ libp2p: old.libp2p, store: old.local, logger: silentLogger })
      await old.libp2p.handle(BLOB_PROTOCOL, (stream, connection) => server.serve(stream, connection))
      await connect(c.libp2p, old.libp2p)
      const blobs = await Promise.all(Array.from({ length: 3 }, () => old.local.put(randomBytes(20_000))))
      const mine = new BlobSessions(c.libp2p, { idleMs: 60_000 })
      for (const { id } of blobs) expect(sha256((await fetchBlobFromPeer(c.libp2p, c.local, old.libp2p.peerId, id, { sessions: mine, inMemory: true })).bytes!)).toBe(id)
      expect(mine.opened).toBe(3)
      expect(mine.idleStreams).toBe(0)
    } finally {
      await old.stop()
    }
  })

  it('a stream the provider ends as the fetcher writes is asked again on a new one', async () => {
    const bytes = randomBytes(4_000)
    const second = randomBytes(4_000)
    known.set(sha256(bytes), bytes)
    known.set(sha256(second), second)
    // Answers the first request on a stream, then ends the stream on the next without answering.
    behaviour = (n) => (n === 0 ? 'honest' : 'close')
    const mine = new BlobSessions(c.libp2p, { idleMs: 60_000 })
    try {
      await fetchBlobFromPeer(c.libp2p, c.local, b.libp2p.peerId, sha256(bytes), { sessions: mine })
      const fetched = await fetchBlobFromPeer(c.libp2p, c.local, b.libp2p.peerId, sha256(second), { sessions: mine, inMemory: true })
      expect(sha256(fetched.bytes!)).toBe(sha256(second))
      expect(mine.opened).toBe(2)
    } finally {
      mine.close()
      behaviour = () => 'honest'
    }
  })

  it('wrong bytes on a reused stream are refused as on 1.0.0, nothing is kept, and the stream is not reused', async () => {
    const honest = randomBytes(3_000)
    const lied = randomBytes(3_000)
    known.set(sha256(honest), honest)
    known.set(sha256(lied), lied)
    behaviour = (_n, id) => (id === sha256(lied) ? 'lie' : 'honest')
    const mine = new BlobSessions(c.libp2p, { idleMs: 60_000 })
    const streamsBefore = bStreams
    try {
      await fetchBlobFromPeer(c.libp2p, c.local, b.libp2p.peerId, sha256(honest), { sessions: mine })
      for (const inMemory of [true, false]) {
        const err = await fetchBlobFromPeer(c.libp2p, c.local, b.libp2p.peerId, sha256(lied), { sessions: mine, inMemory }).catch((e: unknown) => e)
        expect(err).toBeInstanceOf(BlobHashMismatchError)
        expect((err as BlobHashMismatchError).message).toMatch(new RegExp(`^blob ${sha256(lied)} hashed to [0-9a-f]{64}$`))
        expect(await c.local.has(sha256(lied))).toBe(false)
      }
      // The first lie came on the reused stream, the second on a new one: each broken stream was dropped.
      expect(mine.opened).toBe(2)
      expect(bStreams - streamsBefore).toBe(2)
      expect(mine.idleStreams).toBe(0)
    } finally {
      mine.close()
      behaviour = () => 'honest'
    }
  })
})
