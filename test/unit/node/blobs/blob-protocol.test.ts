// The blob protocol over in-memory stream pairs: no network, real framing.

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream, streamPair } from '@libp2p/utils'
import { Level } from 'level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BlobFetchError,
  BlobNotFoundError,
  BlobServer,
  BlobTooLargeError,
  blobIdToBytes,
  fetchBlobFromPeer,
  LocalBlobStore
} from '../../../../node/blobs/index.ts'
import { readChunks } from '../../../../node/blobs/stream-io.ts'
import { silentLogger } from '../../../../node/log.ts'
import { BLOB_CODES, BlobHeader, BlobRequest } from '../../../../protocol/index.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const peer = { toString: () => 'test-peer' } as PeerId
const connection = { remotePeer: peer } as Connection
const noLibp2p = { handle: async () => {}, unhandle: async () => {} }

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) parts.push(chunk)
  return Buffer.concat(parts)
}

describe('blob protocol', () => {
  let dir: string
  let db: Level<string, string>
  let server: LocalBlobStore
  let client: LocalBlobStore

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-blob-proto-'))
    db = new Level<string, string>(join(dir, 'db'))
    const make = (name: string) =>
      new LocalBlobStore({ dir: join(dir, name), index: db.sublevel<string, string>(name, { valueEncoding: 'utf8' }), logger: silentLogger })
    server = make('server')
    client = make('client')
    await Promise.all([server.start(), client.start()])
  })

  afterEach(async () => {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** A client whose every dial reaches `handler` through a fresh in-memory stream pair. */
  function dialer(handler: (stream: Stream) => Promise<void>) {
    return {
      dialProtocol: async () => {
        const [outbound, inbound] = await streamPair()
        void handler(inbound)
        return outbound
      }
    }
  }

  it('serves a blob, and the stream ends closed on both sides', async () => {
    const bytes = randomBytes(700_000)
    const { id } = await server.put(bytes)
    const blobServer = new BlobServer({ libp2p: noLibp2p, store: server, logger: silentLogger })
    let served: Stream | undefined
    const stat = await fetchBlobFromPeer(
      dialer(async (s) => {
        served = s
        await blobServer.serve(s, connection)
      }),
      client,
      peer,
      id
    )
    expect(stat).toEqual({ id, size: bytes.byteLength })
    expect(sha256(await collect(client.get(id)))).toBe(id)
    await expect.poll(() => served?.status).toBe('closed')
  })

  it('answers notFound and busy', async () => {
    const bytes = randomBytes(1000)
    const { id } = await server.put(bytes)
    const missing = sha256(randomBytes(8))
    const open = new BlobServer({ libp2p: noLibp2p, store: server, logger: silentLogger })
    await expect(fetchBlobFromPeer(dialer((s) => open.serve(s, connection)), client, peer, missing)).rejects.toBeInstanceOf(BlobNotFoundError)
    const full = new BlobServer({ libp2p: noLibp2p, store: server, logger: silentLogger }, { maxConcurrentServes: 0 })
    await expect(fetchBlobFromPeer(dialer((s) => full.serve(s, connection)), client, peer, id)).rejects.toThrow(/busy/)
  })

  it('refuses an announced size over maxBytes before reading the body', async () => {
    const id = sha256(randomBytes(8))
    const liar = async (stream: Stream) => {
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(BlobHeader.encode({ code: BLOB_CODES.ok, size: 10 * 1024 * 1024 * 1024 }))
    }
    await expect(fetchBlobFromPeer(dialer(liar), client, peer, id, { maxBytes: 1024 })).rejects.toBeInstanceOf(BlobTooLargeError)
  })

  it('a body shorter than announced is a fetch error and nothing is kept', async () => {
    const bytes = randomBytes(100_000)
    const id = sha256(bytes)
    const truncating = async (stream: Stream) => {
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(BlobHeader.encode({ code: BLOB_CODES.ok, size: bytes.byteLength }))
      lp.unwrap().send(bytes.subarray(0, 50_000))
      await stream.close()
    }
    await expect(fetchBlobFromPeer(dialer(truncating), client, peer, id)).rejects.toBeInstanceOf(BlobFetchError)
    expect(await client.has(id)).toBe(false)
  })

  it('honours a request offset and rejects garbage requests', async () => {
    const bytes = randomBytes(200_000)
    const { id } = await server.put(bytes)
    const blobServer = new BlobServer({ libp2p: noLibp2p, store: server, logger: silentLogger })
    const [outbound, inbound] = await streamPair()
    void blobServer.serve(inbound, connection)
    const lp = lpStream(outbound)
    await lp.write(BlobRequest.encode({ blobId: blobIdToBytes(id), offset: 150_000 }))
    await outbound.close()
    // R70: size is the number of bytes that follow, the blob's length less the offset.
    expect(BlobHeader.decode((await lp.read()).subarray())).toEqual({ code: BLOB_CODES.ok, size: 50_000 })
    const rest = await collect(readChunks(lp.unwrap()))
    expect(rest).toEqual(bytes.subarray(150_000))

    // At the very end: nothing follows, and the header says so.
    const [outEnd, inEnd] = await streamPair()
    void blobServer.serve(inEnd, connection)
    const lpEnd = lpStream(outEnd)
    await lpEnd.write(BlobRequest.encode({ blobId: blobIdToBytes(id), offset: 200_000 }))
    await outEnd.close()
    expect(BlobHeader.decode((await lpEnd.read()).subarray())).toEqual({ code: BLOB_CODES.ok, size: 0 })
    expect((await collect(readChunks(lpEnd.unwrap()))).byteLength).toBe(0)

    const [out2, in2] = await streamPair()
    const served = blobServer.serve(in2, connection)
    await lpStream(out2).write(BlobRequest.encode({ blobId: new Uint8Array(5), offset: 0 }))
    await served
    expect(in2.status).toBe('aborted')
  })
})
