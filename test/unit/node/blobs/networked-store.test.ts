// NetworkedBlobStore's peer policy over in-memory stream pairs: a provider
// that breaks the blob protocol is disconnected and never asked for that
// blob again (SPEC R73), and a per-fetch byte cap refuses a blob larger than
// the caller knows it can be before its body is read.

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerId, Stream } from '@libp2p/interface'
import { lpStream, streamPair } from '@libp2p/utils'
import { Level } from 'level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type BlobLibp2p,
  BlobNotFoundError,
  BlobServer,
  BlobTooLargeError,
  blobIdFromBytes,
  LocalBlobStore,
  NetworkedBlobStore,
  type RemoteBlobs
} from '../../../../node/blobs/index.ts'
import { busyPauseMs } from '../../../../node/blobs/networked-store.ts'
import { silentLogger } from '../../../../node/log.ts'
import { BLOB_CODES, BlobHeader, BlobRequest } from '../../../../protocol/index.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const peerNamed = (name: string) => ({ toString: () => name }) as PeerId

type Handler = (stream: Stream) => Promise<void>

/** What the fake libp2p saw: dials per peer and the peers it hung up on. */
interface Wire {
  dials: string[]
  hungUp: string[]
}

describe('NetworkedBlobStore peer policy', () => {
  let dir: string
  let db: Level<string, string>
  let providerStore: LocalBlobStore
  let local: LocalBlobStore
  let wire: Wire
  const handlers = new Map<string, Handler>()

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-net-store-'))
    db = new Level<string, string>(join(dir, 'db'))
    const make = (name: string) =>
      new LocalBlobStore({ dir: join(dir, name), index: db.sublevel<string, string>(name, { valueEncoding: 'utf8' }), logger: silentLogger })
    providerStore = make('provider')
    local = make('local')
    await Promise.all([providerStore.start(), local.start()])
    wire = { dials: [], hungUp: [] }
    handlers.clear()
  })

  afterEach(async () => {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** A store whose every dial reaches the handler registered for that peer; no DHT providers. */
  function store(remote?: RemoteBlobs): NetworkedBlobStore {
    const libp2p = {
      peerId: peerNamed('self'),
      handle: async () => {},
      unhandle: async () => {},
      dialProtocol: async (peer: PeerId) => {
        wire.dials.push(peer.toString())
        const handler = handlers.get(peer.toString())
        if (handler === undefined) throw new Error(`no route to ${peer}`)
        const [outbound, inbound] = await streamPair()
        void handler(inbound)
        return outbound
      },
      hangUp: async (peer: PeerId) => {
        wire.hungUp.push(peer.toString())
      },
      contentRouting: {
        provide: async () => {},
        findProviders: async function* () {}
      },
      peerStore: { merge: async () => {} }
    } as unknown as BlobLibp2p
    return new NetworkedBlobStore({ libp2p, local, remote, logger: silentLogger }, { findProvidersTimeoutMs: 1_000, fetchIdleTimeoutMs: 5_000 })
  }

  /** An honest provider of everything in providerStore. */
  function honest(): Handler {
    const server = new BlobServer({ libp2p: { handle: async () => {}, unhandle: async () => {} }, store: providerStore, logger: silentLogger })
    return (stream) => server.serve(stream, { remotePeer: peerNamed('client') } as never)
  }

  /** A provider that answers ok with `size` and then sends `body` (or raw `header` bytes instead of a header). */
  function liar(make: (bytes: Uint8Array) => { size?: number; body?: Uint8Array; header?: Uint8Array }, known: Uint8Array): Handler {
    return async (stream) => {
      try {
        const lp = lpStream(stream)
        const id = blobIdFromBytes(BlobRequest.decode((await lp.read()).subarray()).blobId)
        if (id !== sha256(known)) {
          await lp.write(BlobHeader.encode({ code: BLOB_CODES.notFound, size: 0 }))
        } else {
          const lie = make(known)
          if (lie.header !== undefined) await lp.write(lie.header)
          else await lp.write(BlobHeader.encode({ code: BLOB_CODES.ok, size: lie.size ?? known.byteLength }))
          if (lie.body !== undefined) lp.unwrap().send(lie.body)
        }
        await stream.close()
      } catch (err) {
        stream.abort(err as Error)
      }
    }
  }

  const lies: [string, (bytes: Uint8Array) => { size?: number; body?: Uint8Array; header?: Uint8Array }][] = [
    ['bytes that hash to another id', (b) => ({ body: randomBytes(b.byteLength) })],
    ['more bytes than announced', (b) => ({ body: Buffer.concat([b, randomBytes(10)]) })],
    ['fewer bytes than announced', (b) => ({ body: b.subarray(0, b.byteLength - 10) })],
    ['a header that does not decode', () => ({ header: Uint8Array.of(0xff, 0xff, 0xff) })],
    ['an unknown header code', () => ({ header: BlobHeader.encode({ code: 9, size: 5 }) })]
  ]

  it.each(lies)('a provider that sends %s is disconnected and not asked for that blob again', async (_name, lie) => {
    const bytes = randomBytes(50_000)
    const id = sha256(bytes)
    handlers.set('liar', liar(lie, bytes))
    handlers.set('honest', honest())
    const blobs = store()

    await expect(blobs.fetch(id, { peers: [peerNamed('liar')] })).rejects.toThrow()
    expect(wire.hungUp).toEqual(['liar'])
    expect(await local.has(id)).toBe(false)

    // The honest copy appears; the liar is named first again but not asked.
    await providerStore.put(bytes)
    expect(await blobs.fetch(id, { peers: [peerNamed('liar'), peerNamed('honest')] })).toEqual({ id, size: bytes.byteLength })
    expect(wire.dials).toEqual(['liar', 'honest'])

    // Only for that blob: another blob is still asked of it.
    const other = randomBytes(1000)
    await providerStore.put(other)
    await expect(blobs.fetch(sha256(other), { peers: [peerNamed('liar')] })).rejects.toBeInstanceOf(BlobNotFoundError)
    expect(wire.dials).toEqual(['liar', 'honest', 'liar'])
  })

  it('a provider that is busy or lacks the blob is not disconnected and is asked again', async () => {
    const bytes = randomBytes(1000)
    const id = sha256(bytes)
    handlers.set('empty', honest())
    const blobs = store()
    await expect(blobs.fetch(id, { peers: [peerNamed('empty')] })).rejects.toBeInstanceOf(BlobNotFoundError)
    await providerStore.put(bytes)
    expect(await blobs.fetch(id, { peers: [peerNamed('empty')] })).toEqual({ id, size: 1000 })
    expect(wire.dials).toEqual(['empty', 'empty'])
    expect(wire.hungUp).toEqual([])
  })

  it('a named peer that answers busy is asked again after a pause, before any other source', async () => {
    const bytes = randomBytes(1000)
    const { id } = await providerStore.put(bytes)
    const server = honest()
    let busyAnswers = 2
    handlers.set('creator', async (stream) => {
      if (busyAnswers-- <= 0) return server(stream)
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(BlobHeader.encode({ code: BLOB_CODES.busy, size: 0 }))
      await stream.close()
    })
    handlers.set('other', honest())
    const blobs = store()
    expect(await blobs.fetch(id, { peers: [peerNamed('creator'), peerNamed('other')] })).toEqual({ id, size: 1000 })
    expect(wire.dials).toEqual(['creator', 'creator', 'creator'])
    expect(wire.hungUp).toEqual([])
  })

  it('busy pauses double from 50 ms up to 1 s, spread by jitter', () => {
    expect([1, 2, 3, 5, 6, 8].map((n) => busyPauseMs(n, () => 0.5))).toEqual([50, 100, 200, 800, 1000, 1000])
    expect(busyPauseMs(1, () => 0)).toBe(25)
    expect(busyPauseMs(1, () => 0.999)).toBe(75)
  })

  it('a per-fetch maxBytes refuses a larger blob before its body is read, and allows one that fits', async () => {
    const bytes = randomBytes(100_000)
    const { id } = await providerStore.put(bytes)
    let served: Stream | undefined
    const server = honest()
    handlers.set('honest', async (stream) => {
      served = stream
      await server(stream)
    })
    const blobs = store()
    await expect(blobs.fetch(id, { peers: [peerNamed('honest')], maxBytes: bytes.byteLength - 1 })).rejects.toBeInstanceOf(BlobTooLargeError)
    expect(await local.has(id)).toBe(false)
    // The fetcher aborted after the header; the server's body write fails on the dead stream.
    await expect.poll(() => served?.status).not.toBe('open')
    // An honest peer announcing its true size is not a liar.
    expect(wire.hungUp).toEqual([])
    expect(await blobs.fetch(id, { peers: [peerNamed('honest')], maxBytes: bytes.byteLength })).toEqual({ id, size: bytes.byteLength })
  })

  it('a remote copy said to be over maxBytes is not read; peers are tried instead', async () => {
    const bytes = randomBytes(2000)
    const { id } = await providerStore.put(bytes)
    handlers.set('honest', honest())
    const reads: number[] = []
    const remote: RemoteBlobs = {
      name: 'fake-walrus',
      publish: async () => new Map(),
      fetchInto: async (_ref, blobId, size) => {
        reads.push(size)
        return local.put(bytes, { expectedId: blobId })
      },
      health: async () => ({ ok: true, detail: 'ok' })
    }
    const blobs = store(remote)
    const ref = { blobId: 'w'.repeat(43), parts: false, offset: 0 }
    await expect(blobs.fetch(id, { remote: { ref, size: 600_000_000 }, maxBytes: 5000 })).rejects.toBeInstanceOf(BlobTooLargeError)
    expect(reads).toEqual([])
    expect(await blobs.fetch(id, { remote: { ref, size: 600_000_000 }, peers: [peerNamed('honest')], maxBytes: 5000 })).toEqual({ id, size: 2000 })
    expect(reads).toEqual([])
  })
})
