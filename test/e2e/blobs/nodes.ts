// Test-only libp2p nodes on 127.0.0.1 with the services blob fetch relies on
// (kad-dht for provider records). The real host lives in node/net/; this
// helper stays independent of it so blob tests do not break with it.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT, type SingleKadDHT } from '@libp2p/kad-dht'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { Level } from 'level'
import { createLibp2p, type Libp2p } from 'libp2p'
import { LocalBlobStore, NetworkedBlobStore, type NetworkedBlobStoreInit } from '../../../node/blobs/index.ts'
import { silentLogger } from '../../../node/log.ts'
import { KAD_PROTOCOL } from '../../../protocol/index.ts'

export type TestLibp2p = Libp2p<{ identify: Identify; ping: Ping; dht: KadDHT }>

export interface TestNode {
  libp2p: TestLibp2p
  dir: string
  db: Level<string, string>
  local: LocalBlobStore
  blobs: NetworkedBlobStore
  stop(): Promise<void>
}

export async function createTestLibp2p(): Promise<TestLibp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Loopback swarms trip the per-IP defaults (5 inbound/s, 10 pending).
    connectionManager: { inboundConnectionThreshold: 10_000, maxIncomingPendingConnections: 1_000 },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ protocol: KAD_PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper })
    }
  })
}

/** A node with a started blob store. `serve: false` leaves the blob protocol free for a test handler. */
export async function createTestNode(options: { serve?: boolean; init?: NetworkedBlobStoreInit } = {}): Promise<TestNode> {
  const libp2p = await createTestLibp2p()
  const dir = await mkdtemp(join(tmpdir(), 'pictor-blobs-e2e-'))
  const db = new Level<string, string>(join(dir, 'db'))
  const local = new LocalBlobStore({ dir, index: db.sublevel<string, string>('blobs', { valueEncoding: 'utf8' }), logger: silentLogger })
  await local.start()
  const blobs = new NetworkedBlobStore({ libp2p, local, logger: silentLogger }, { findProvidersTimeoutMs: 10_000, ...options.init })
  if (options.serve !== false) await blobs.start()
  return {
    libp2p,
    dir,
    db,
    local,
    blobs,
    async stop() {
      if (options.serve !== false) await blobs.stop()
      await libp2p.stop()
      await db.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** Dials b from a and waits until each has the other in its DHT routing table. */
export async function connect(a: TestLibp2p, b: TestLibp2p): Promise<void> {
  await a.dial(b.getMultiaddrs())
  await waitFor(async () => {
    const [aKnowsB, bKnowsA] = await Promise.all([
      (a.services.dht as SingleKadDHT).routingTable.size > 0 && hasPeer(a, b),
      (b.services.dht as SingleKadDHT).routingTable.size > 0 && hasPeer(b, a)
    ])
    return aKnowsB && bKnowsA
  }, 'DHT routing tables')
}

async function hasPeer(node: TestLibp2p, other: TestLibp2p): Promise<boolean> {
  const peer = await node.peerStore.get(other.peerId).catch(() => undefined)
  return peer?.protocols.includes(KAD_PROTOCOL) ?? false
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
