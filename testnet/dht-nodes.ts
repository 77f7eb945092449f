// Honest DHT peers for research and the attack suite, in this process: the
// production libp2p host (node/net/host.ts) with a production networked blob
// store on a temp dir, on 127.0.0.1. A liar is the same node whose blob
// protocol answers with random bytes of the right size.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { KadDHT } from '@libp2p/kad-dht'
import type { PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { Level } from 'level'
import { blobIdFromBytes, createLocalBlobStore, createNetworkedBlobStore, type NetworkedBlobStore } from '../node/blobs/index.ts'
import { sendPaced } from '../node/blobs/stream-io.ts'
import { silentLogger } from '../node/log.ts'
import { createHost, type PictorLibp2p } from '../node/net/host.ts'
import { BLOB_CODES, BLOB_PROTOCOL, BlobHeader, BlobRequest } from '../protocol/index.ts'
import { randomBytes } from 'node:crypto'

export interface DhtPeer {
  libp2p: PictorLibp2p
  blobs: NetworkedBlobStore
  /** The multiaddr others bootstrap to. */
  addr: string
  /** Blob requests its lying handler answered (liars only). */
  liesServed: number
  stop(): Promise<void>
}

export interface DhtPeerInit {
  bootstrap: string[]
  /** Serve random bytes of this size for every blob asked for, instead of the real blob server. */
  lieWithSize?: () => number | undefined
  /** How long the fetcher searches the DHT for one blob's providers (the store's default is 30 s). */
  findProvidersTimeoutMs?: number
}

/** Routing table size of a host's DHT (kad-dht keeps it off its public type). */
export function routingTableSize(libp2p: PictorLibp2p): number {
  return (libp2p.services.dht as KadDHT & { routingTable: { size: number } }).routingTable.size
}

/** Whether `peer` is in the host's DHT routing table. */
export async function inRoutingTable(libp2p: PictorLibp2p, peer: PeerId): Promise<boolean> {
  const table = (libp2p.services.dht as KadDHT & { routingTable: { find(p: PeerId): Promise<PeerId | undefined> } }).routingTable
  return (await table.find(peer)) !== undefined
}

/**
 * Drops peers that have left from the host's DHT routing table, as kad-dht
 * itself does only once a full bucket needs the room: lets one trial's
 * stopped sybils not crowd the next trial's answers.
 */
export async function forget(libp2p: PictorLibp2p, peers: PeerId[]): Promise<void> {
  const table = (libp2p.services.dht as KadDHT & { routingTable: { remove(p: PeerId): Promise<void> } }).routingTable
  for (const peer of peers) await table.remove(peer)
}

export async function startDhtPeer(init: DhtPeerInit): Promise<DhtPeer> {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-dht-'))
  const libp2p = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: init.bootstrap, localTestnet: true })
  const db = new Level<string, string>(join(dir, 'db'))
  const local = await createLocalBlobStore({ dir, index: db.sublevel<string, string>('blobs', { valueEncoding: 'utf8' }), logger: silentLogger })
  const blobs = createNetworkedBlobStore({ libp2p, local, logger: silentLogger }, { findProvidersTimeoutMs: init.findProvidersTimeoutMs })
  const peer: DhtPeer = {
    libp2p,
    blobs,
    addr: libp2p.getMultiaddrs()[0]!.toString(),
    liesServed: 0,
    async stop() {
      if (init.lieWithSize === undefined) await blobs.stop()
      await libp2p.stop()
      await db.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
  if (init.lieWithSize === undefined) await blobs.start()
  else await libp2p.handle(BLOB_PROTOCOL, (stream) => lie(stream, init.lieWithSize!, peer))
  return peer
}

/** Answers a blob request with `ok` and random bytes, as a provider that serves the wrong content would. */
async function lie(stream: Stream, sizeOf: () => number | undefined, peer: DhtPeer): Promise<void> {
  try {
    const lp = lpStream(stream)
    blobIdFromBytes(BlobRequest.decode((await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray()).blobId)
    const size = sizeOf() ?? 1024
    peer.liesServed++
    await lp.write(BlobHeader.encode({ code: BLOB_CODES.ok, size }))
    await sendPaced(lp.unwrap(), randomBytes(size))
    await stream.close()
  } catch (err) {
    stream.abort(err as Error)
  }
}
