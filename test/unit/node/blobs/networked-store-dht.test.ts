// NetworkedBlobStore's DHT fallback over a fake host: provider records are
// announced under every provider key (R74a); providers that cannot be
// reached or do not have the blob (junk records) do not use up the budget,
// which counts only peers that answered and failed (busy, wrong bytes); a
// DHT-found provider that never completes its dial is given up on after the
// DHT dial timeout; one whose transfer broke off is asked once more at the
// end. Bytes are checked against the id whoever sends them.

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PeerInfo, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream, streamPair } from '@libp2p/utils'
import { Level } from 'level'
import type { CID } from 'multiformats/cid'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type BlobLibp2p, BlobServer, LocalBlobStore, NetworkedBlobStore } from '../../../../node/blobs/index.ts'
import { providerKeys } from '../../../../node/blobs/provider-keys.ts'
import { silentLogger } from '../../../../node/log.ts'
import { BLOB_CODES, BLOB_PROTOCOL, BLOB_PROTOCOL_1_1, BlobHeader } from '../../../../protocol/index.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

async function peers(n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

type Handler = (stream: Stream) => Promise<void>

/** This node's own peer id: any will do. */
const self = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

describe('NetworkedBlobStore DHT fallback', () => {
  let dir: string
  let db: Level<string, string>
  let providerStore: LocalBlobStore
  let local: LocalBlobStore

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-net-dht-'))
    db = new Level<string, string>(join(dir, 'db'))
    const make = (name: string) =>
      new LocalBlobStore({ dir: join(dir, name), index: db.sublevel<string, string>(name, { valueEncoding: 'utf8' }), logger: silentLogger })
    providerStore = make('provider')
    local = make('local')
    await Promise.all([providerStore.start(), local.start()])
  })

  afterEach(async () => {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  /**
   * A store on a fake host: the DHT's own search yields `found` per provider
   * key (by CID string); a peer's blob stream goes to its handler, a peer
   * without one cannot be reached, and `hang` peers never finish dialling.
   */
  function setup(found: Map<string, PeerId[]>, handlers: Map<string, Handler>, init: { maxPeersPerBlob?: number; dhtDialTimeoutMs?: number } = {}, hang: PeerId[] = []) {
    const dials: string[] = []
    const provided: string[] = []
    const libp2p = {
      peerId: self,
      handle: async () => {},
      unhandle: async () => {},
      hangUp: async () => {},
      dialProtocol: async (peer: PeerId, protocols: string[], options: { signal: AbortSignal }) => {
        // 1.1.0 first, 1.0.0 for a provider that predates it; these streams negotiate neither, so 1.0.0 framing is spoken.
        expect(protocols).toEqual([BLOB_PROTOCOL_1_1, BLOB_PROTOCOL])
        dials.push(peer.toString())
        if (hang.some((h) => h.equals(peer))) {
          await new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true }))
        }
        const handler = handlers.get(peer.toString())
        if (handler === undefined) throw new Error(`connect ECONNREFUSED (${peer})`)
        const [outbound, inbound] = await streamPair()
        void handler(inbound)
        return outbound
      },
      contentRouting: {
        provide: async (key: CID) => {
          provided.push(key.toString())
        },
        async *findProviders(key: CID): AsyncGenerator<PeerInfo> {
          for (const id of found.get(key.toString()) ?? []) yield { id, multiaddrs: [] }
        }
      },
      services: { dht: { async *getClosestPeers() {} } },
      peerStore: { merge: async () => {}, all: async () => [] }
    } as unknown as BlobLibp2p
    const store = new NetworkedBlobStore({ libp2p, local, logger: silentLogger }, { findProvidersTimeoutMs: 5_000, fetchIdleTimeoutMs: 60_000, ...init })
    return { store, dials, provided }
  }

  const honest = (): Handler => {
    const server = new BlobServer({ libp2p: { handle: async () => {}, unhandle: async () => {} }, store: providerStore, logger: silentLogger })
    return (stream) => server.serve(stream, { remotePeer: { toString: () => 'client' } } as never)
  }

  /** Answers every request with one header code (not found, busy). */
  const answering = (code: number): Handler => async (stream) => {
    const lp = lpStream(stream)
    await lp.read()
    await lp.write(BlobHeader.encode({ code, size: 0 }))
    await stream.close()
  }

  it('announces the blob under its CID and every replica key', async () => {
    const { store, provided } = setup(new Map(), new Map())
    const id = sha256(randomBytes(100))
    await store.provide(id)
    expect(provided.sort()).toEqual(providerKeys(id).map(String).sort())
  })

  it('announces a fetched blob at a random moment within announceWithinMs, and not once the store stopped', async () => {
    const [source] = await peers(1)
    const first = await providerStore.put(randomBytes(500))
    const { store, provided } = setup(new Map(), new Map([[source!.toString(), honest()]]))
    await store.fetch(first.id, { peers: [source!], announceWithinMs: 50 })
    // Not at once: the fetch is done, the announcement still to come.
    expect(provided).toEqual([])
    while (provided.length < providerKeys(first.id).length) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(provided.sort()).toEqual(providerKeys(first.id).map(String).sort())

    const second = await providerStore.put(randomBytes(500))
    const later = setup(new Map(), new Map([[source!.toString(), honest()]]))
    await later.store.fetch(second.id, { peers: [source!], announceWithinMs: 100 })
    await later.store.stop()
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(later.provided).toEqual([])
  })

  it("with announceWhen 'sourceBusy', announces only a blob whose source answered busy during the fetch", async () => {
    const [source] = await peers(1)
    const serve = honest()
    let requests = 0
    const busyOnce: Handler = async (stream) => (++requests === 1 ? answering(BLOB_CODES.busy)(stream) : serve(stream))
    const quiet = await providerStore.put(randomBytes(500))
    const a = setup(new Map(), new Map([[source!.toString(), serve]]))
    await a.store.fetch(quiet.id, { peers: [source!], announceWhen: 'sourceBusy', announceWithinMs: 1 })
    const busy = await providerStore.put(randomBytes(500))
    const b = setup(new Map(), new Map([[source!.toString(), busyOnce]]))
    await b.store.fetch(busy.id, { peers: [source!], announceWhen: 'sourceBusy', announceWithinMs: 1 })
    while (b.provided.length < providerKeys(busy.id).length) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(requests).toBe(2)
    expect(b.provided.sort()).toEqual(providerKeys(busy.id).map(String).sort())
    expect(a.provided).toEqual([])

    // Busy too, but smaller than announceMinBytes: not announced.
    requests = 0
    const small = await providerStore.put(randomBytes(500))
    const c = setup(new Map(), new Map([[source!.toString(), busyOnce]]))
    await c.store.fetch(small.id, { peers: [source!], announceWhen: 'sourceBusy', announceWithinMs: 1, announceMinBytes: 501 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(requests).toBe(2)
    expect(c.provided).toEqual([])
  })

  it('gets past 20 dead and 15 not-found providers to the honest one on a replica key', async () => {
    const bytes = randomBytes(30_000)
    const { id } = await providerStore.put(bytes)
    const keys = providerKeys(id).map(String)
    const [dead, without, [good]] = [await peers(20), await peers(15), await peers(1)]
    const handlers = new Map<string, Handler>([...without.map((p): [string, Handler] => [p.toString(), answering(BLOB_CODES.notFound)]), [good!.toString(), honest()]])
    const found = new Map([
      [keys[0]!, dead],
      [keys[1]!, without],
      [keys[3]!, [...dead.slice(0, 5), good!]]
    ])
    const { store, dials } = setup(found, handlers)
    expect(await store.fetch(id)).toEqual({ id, size: bytes.byteLength })
    const chunks: Uint8Array[] = []
    for await (const chunk of local.get(id)) chunks.push(chunk)
    expect(sha256(Buffer.concat(chunks))).toBe(id)
    // More than the 8 of maxPeersPerBlob were asked: the cheap failures did not count.
    expect(dials.length).toBeGreaterThan(8)
    expect(new Set(dials).size).toBe(dials.length)
  })

  it('gives up after maxPeersPerBlob peers that answered and failed', async () => {
    const { id } = await providerStore.put(randomBytes(1000))
    const [busy, [good]] = [await peers(3), await peers(1)]
    const handlers = new Map<string, Handler>([...busy.map((p): [string, Handler] => [p.toString(), answering(BLOB_CODES.busy)]), [good!.toString(), honest()]])
    const { store, dials } = setup(new Map([[providerKeys(id)[0]!.toString(), [...busy, good!]]]), handlers, { maxPeersPerBlob: 2 })
    await expect(store.fetch(id)).rejects.toThrow(/no peer delivered it \(2 tried\)/)
    expect(dials).toEqual(busy.slice(0, 2).map(String))
  })

  it('asks a provider whose transfer broke off once more when the others are used up, and no more', async () => {
    const bytes = randomBytes(1000)
    const { id } = await providerStore.put(bytes)
    const [flaky, dead] = await peers(2)
    const serve = honest()
    let attempts = 0
    const resetFirst: Handler = async (stream) => {
      if (++attempts > 1) return serve(stream)
      await lpStream(stream).read()
      stream.abort(new Error('connection reset'))
    }
    const { store, dials } = setup(new Map([[providerKeys(id)[0]!.toString(), [flaky!, dead!]]]), new Map([[flaky!.toString(), resetFirst]]))
    expect(await store.fetch(id)).toEqual({ id, size: bytes.byteLength })
    expect(dials).toEqual([flaky!.toString(), dead!.toString(), flaky!.toString()])

    // A peer that resets every time is asked twice, then the fetch gives up.
    const other = randomBytes(1000)
    const otherId = sha256(other)
    await providerStore.put(other)
    const always: Handler = async (stream) => {
      await lpStream(stream).read()
      stream.abort(new Error('connection reset'))
    }
    const again = setup(new Map([[providerKeys(otherId)[0]!.toString(), [flaky!]]]), new Map([[flaky!.toString(), always]]))
    await expect(again.store.fetch(otherId)).rejects.toThrow(/no peer delivered it \(2 tried\)/)
    expect(again.dials).toEqual([flaky!.toString(), flaky!.toString()])
  })

  it('moves on from a DHT provider whose dial does not complete within the DHT dial timeout', async () => {
    const { id } = await providerStore.put(randomBytes(1000))
    const [stuck, good] = await peers(2)
    const { store, dials } = setup(new Map([[providerKeys(id)[0]!.toString(), [stuck!, good!]]]), new Map([[good!.toString(), honest()]]), { dhtDialTimeoutMs: 50 }, [stuck!])
    expect((await store.fetch(id)).id).toBe(id)
    expect(dials).toEqual([stuck!.toString(), good!.toString()])
  })
})
