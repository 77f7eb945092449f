// DHT attacks on a lab of honest peers (production host and blob store, in
// this process, on 127.0.0.1), each returning what happened rather than
// judging it: the attack suite's `dht` scenario and its e2e test hold the
// figures to the bar.
// - forged ADD_PROVIDER: a record naming a peer id its sender does not own;
// - wrong bytes: providers whose records are genuine but who serve random
//   bytes of the right size;
// - sybils: attacker peer ids mined close to the blob's key (or anywhere;
//   or, by an attacker who knows R74a, close to every one of its provider
//   keys), run as kad-dht nodes that answer with nothing or with junk (other
//   sybils, dead peers, forged records) and drop every record they get.
import { createHash } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { blobCid, type BlobId, providerKeys } from '../node/blobs/index.ts'
import { KAD_MESSAGE } from './kad-wire.ts'
import { commonPrefixBits, deadPeer, KadSybil, kadIdOfCid, kadIdOfPeer, kadPeerOf, keysNear, randomBlob, sendKad, type SybilBehaviour } from './dht-sybils.ts'
import { type DhtPeer, forget, inRoutingTable, routingTableSize, startDhtPeer } from './dht-nodes.ts'
import { freePorts } from './ports.ts'

/** Blobs the attacks move: small, the DHT is the subject, not the transfer. */
const BLOB_BYTES = 64 * 1024
/** Junk provider records a junk sybil puts in every answer: kad-dht stops a provider search at K = 20. */
const JUNK_RECORDS = 20
const SETTLE_MS = 10_000
/** Routing tables that took no new sybil for this long have taken all they will (full buckets refuse the rest). */
const STEADY_MS = 600

export interface DhtLab {
  honest: DhtPeer[]
  stop(): Promise<void>
}

/**
 * Trials are independent: once a trial's attackers and fetcher have
 * stopped, the honest peers forget them, as a network does peers gone for a
 * while. Left in place, a few trials' dead sybils outnumber the 8 honest
 * peers in every routing table and every answer.
 */
async function forgetAll(lab: DhtLab, peers: PeerId[]): Promise<void> {
  await Promise.all(lab.honest.map((h) => forget(h.libp2p, peers)))
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return true
}

/** Polls `count` until it is above 0 and has not grown for a while (routing tables fill in bursts), or the timeout. */
async function steady(count: () => Promise<number>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let last = -1
  let since = Date.now()
  for (;;) {
    const now = await count()
    if (now !== last) {
      last = now
      since = Date.now()
    } else if (now > 0 && Date.now() - since >= STEADY_MS) return now
    if (Date.now() > deadline) return now
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** `count` honest DHT servers, all bootstrapped to the first; returns once each knows most of the others. */
export async function startDhtLab(count: number): Promise<DhtLab> {
  const honest = [await startDhtPeer({ bootstrap: [] })]
  for (let i = 1; i < count; i++) honest.push(await startDhtPeer({ bootstrap: [honest[0]!.addr] }))
  await until(() => honest.every((h) => routingTableSize(h.libp2p) >= Math.min(count - 1, 3)), SETTLE_MS)
  return { honest, stop: async () => void (await Promise.all(honest.map((h) => h.stop()))) }
}

/** A fresh fetching peer joined through the lab's first peer, waited on until its routing table has peers. */
async function joinFetcher(lab: DhtLab, findProvidersTimeoutMs: number): Promise<DhtPeer> {
  const fetcher = await startDhtPeer({ bootstrap: [lab.honest[0]!.addr], findProvidersTimeoutMs })
  await steady(async () => routingTableSize(fetcher.libp2p), SETTLE_MS / 2)
  return fetcher
}

export interface FetchOutcome {
  found: boolean
  /** The fetched bytes hash to the blob id (false when nothing was fetched). */
  intact: boolean
  ms: number
  error?: string
}

/** Fetches through the DHT (after `first`, tried as known peers), then re-reads what was stored and hashes it. */
async function fetchViaDht(fetcher: DhtPeer, id: BlobId, timeoutMs: number, first: PeerId[] = []): Promise<FetchOutcome> {
  const started = Date.now()
  try {
    await fetcher.blobs.fetch(id, { peers: first, signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    return { found: false, intact: false, ms: Date.now() - started, error: (err as Error).message }
  }
  const ms = Date.now() - started
  const hash = createHash('sha256')
  for await (const chunk of fetcher.blobs.local.get(id)) hash.update(chunk)
  return { found: true, intact: hash.digest('hex') === id, ms }
}

export interface ForgedRecordOutcome {
  /** Honest peers that list the forged provider (a peer id the sender does not own) afterwards. */
  forgedAccepted: number
  /** Honest peers that list the sender itself after it announced itself the same way: the probe works. */
  controlAccepted: number
  asked: number
}

/**
 * An attacker tells every honest peer that `victim` provides a blob it never
 * had (the record carries the attacker's address), then asks each for the
 * blob's providers. As a control it announces itself for another blob.
 */
export async function forgedAddProvider(lab: DhtLab): Promise<ForgedRecordOutcome> {
  const attacker = new KadSybil({ privateKey: await generateKeyPair('Ed25519'), behaviour: 'silent' })
  await attacker.start()
  try {
    const victim = lab.honest[1]!.libp2p.peerId
    const attackerAddrs = attacker.libp2p.getMultiaddrs()
    const forgedKey = blobCid(createHash('sha256').update('forged').update(randomBlob(16)).digest('hex')).multihash.bytes
    const controlKey = blobCid(createHash('sha256').update('control').update(randomBlob(16)).digest('hex')).multihash.bytes
    const targets = lab.honest.filter((h) => !h.libp2p.peerId.equals(victim))
    for (const h of targets) {
      await sendKad(attacker.libp2p, h.libp2p.getMultiaddrs(), { type: KAD_MESSAGE.addProvider, key: forgedKey, providers: [kadPeerOf(victim, attackerAddrs)] }, false)
      await sendKad(attacker.libp2p, h.libp2p.getMultiaddrs(), { type: KAD_MESSAGE.addProvider, key: controlKey, providers: [kadPeerOf(attacker.peerId, attackerAddrs)] }, false)
    }
    // ADD_PROVIDER has no reply: give the handlers a moment to store what they accept.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const lists = (key: Uint8Array) => Promise.all(targets.map((h) => sendKad(attacker.libp2p, h.libp2p.getMultiaddrs(), { type: KAD_MESSAGE.getProviders, key }, true)))
    const names = (reply: Awaited<ReturnType<typeof sendKad>>, id: Uint8Array) => (reply?.providers ?? []).some((p) => Buffer.from(p.id).equals(id))
    const forged = await lists(forgedKey)
    const control = await lists(controlKey)
    return {
      forgedAccepted: forged.filter((r) => names(r, victim.toMultihash().bytes)).length,
      controlAccepted: control.filter((r) => names(r, attacker.peerId.toMultihash().bytes)).length,
      asked: targets.length
    }
  } finally {
    await attacker.stop()
    await forgetAll(lab, [attacker.peerId])
  }
}

export interface WrongBytesOutcome extends FetchOutcome {
  /** Wrong-bytes transfers the liars made (each one refused, or the blob would not be intact). */
  liesServed: number
}

/**
 * `liars` peers announce the blob (genuine records, their own ids) and serve
 * random bytes; one honest peer has it. The fetcher is pointed at the liars
 * first, so each of them gets to lie before the DHT leads it to the honest copy.
 */
export async function wrongBytesTrial(lab: DhtLab, liars: number, fetchTimeoutMs: number): Promise<WrongBytesOutcome> {
  const bytes = randomBlob(BLOB_BYTES)
  const provider = lab.honest.at(-1)!
  const { id } = await provider.blobs.local.put(bytes)
  const lying = await Promise.all(Array.from({ length: liars }, () => startDhtPeer({ bootstrap: [lab.honest[0]!.addr], lieWithSize: () => BLOB_BYTES })))
  try {
    await until(() => lying.every((l) => routingTableSize(l.libp2p) >= 3), SETTLE_MS)
    for (const l of lying) await l.libp2p.contentRouting.provide(blobCid(id))
    await provider.blobs.provide(id)
    const fetcher = await joinFetcher(lab, fetchTimeoutMs)
    try {
      const outcome = await fetchViaDht(fetcher, id, fetchTimeoutMs, lying.map((l) => l.libp2p.peerId))
      return { ...outcome, liesServed: lying.reduce((n, l) => n + l.liesServed, 0) }
    } finally {
      await fetcher.stop()
      await forgetAll(lab, [fetcher.libp2p.peerId])
    }
  } finally {
    await Promise.all(lying.map((l) => l.stop()))
    await forgetAll(lab, lying.map((l) => l.libp2p.peerId))
  }
}

export interface SybilTrialInit {
  sybils: number
  behaviour: SybilBehaviour
  /** Mine ids closer to the blob's key than every honest peer (else: random ids). */
  nearKey: boolean
  /**
   * With nearKey: also mine `sybils` ids near each of the blob's replica
   * provider keys (R74a), as an attacker who knows the scheme would; the
   * trial then runs sybils x (1 + replica keys) of them.
   */
  nearReplicaKeys?: boolean
  fetchTimeoutMs: number
}

export interface SybilTrialOutcome extends FetchOutcome {
  /** Leading bits the closest honest peer shares with the blob's key, and the fewest any sybil shares with the key it was mined for. */
  honestBestBits: number
  sybilMinBits: number
  /** Sybils run in the trial (more than asked for with nearReplicaKeys). */
  sybils: number
  /** Sybils in the fetcher's routing table when it started looking. */
  sybilsInFetcherTable: number
  /** Provider records handed to sybils (and dropped), and queries they answered. */
  droppedRecords: number
  sybilQueries: number
}

/**
 * One trial: an honest peer stores a fresh blob and announces it while the
 * sybils are up and connected to every honest peer; then a fresh fetcher
 * (whom the sybils also reach) looks for it through the DHT alone.
 */
export async function sybilTrial(lab: DhtLab, init: SybilTrialInit): Promise<SybilTrialOutcome> {
  const provider = lab.honest.at(-1)!
  const { id } = await provider.blobs.local.put(randomBlob(BLOB_BYTES))
  const target = kadIdOfCid(blobCid(id))
  const honestBits = (key: Uint8Array) => Math.max(...lab.honest.map((h) => commonPrefixBits(kadIdOfPeer(h.libp2p.peerId), key)))
  const honestBestBits = honestBits(target)
  const targets = init.nearKey && init.nearReplicaKeys === true ? providerKeys(id).map((cid) => kadIdOfCid(cid)) : [target]
  // Closer than every honest peer, and by a margin: a fetcher joining later will not be closer either.
  const mined = await Promise.all(targets.map(async (t) => ({ target: t, keys: await keysNear(t, init.sybils, init.nearKey ? Math.max(8, honestBits(t) + 2) : 0) })))
  const keys = mined.flatMap((m) => m.keys)
  const dead = await Promise.all((await freePorts(JUNK_RECORDS)).map((port) => deadPeer(port)))
  // Forged records too: honest peers that do not have the blob, at dead addresses.
  const forged = lab.honest.slice(0, -1).map((h) => ({ id: h.libp2p.peerId.toMultihash().bytes, addrs: dead[0]!.addrs }))
  const sybils: KadSybil[] = []
  const junk = () => ({ closer: sybils.map((s) => kadPeerOf(s.peerId, s.libp2p.getMultiaddrs())), providers: [...forged, ...dead].slice(0, JUNK_RECORDS) })
  for (const key of keys) sybils.push(new KadSybil({ privateKey: key, behaviour: init.behaviour, junk }))
  await Promise.all(sybils.map((s) => s.start()))
  try {
    const dialAll = (peer: DhtPeer) => Promise.all(sybils.map((s) => s.libp2p.dial(peer.libp2p.getMultiaddrs()).catch(() => undefined)))
    const sybilsIn = async (peer: DhtPeer) => (await Promise.all(sybils.map((s) => inRoutingTable(peer.libp2p, s.peerId)))).filter(Boolean).length
    await Promise.all(lab.honest.map(dialAll))
    await steady(async () => (await Promise.all(lab.honest.map(sybilsIn))).reduce((a, b) => a + b, 0), SETTLE_MS)
    await provider.blobs.provide(id)
    const fetcher = await joinFetcher(lab, init.fetchTimeoutMs)
    try {
      await dialAll(fetcher)
      const inTable = await steady(() => sybilsIn(fetcher), SETTLE_MS)
      const outcome = await fetchViaDht(fetcher, id, init.fetchTimeoutMs)
      return {
        ...outcome,
        honestBestBits,
        sybilMinBits: Math.min(...mined.flatMap((m) => m.keys.map((k) => commonPrefixBits(kadIdOfPeer(peerIdFromPrivateKey(k)), m.target)))),
        sybils: sybils.length,
        sybilsInFetcherTable: inTable,
        droppedRecords: sybils.reduce((n, s) => n + s.counters.droppedRecords, 0),
        sybilQueries: sybils.reduce((n, s) => n + s.counters.queries, 0)
      }
    } finally {
      await fetcher.stop()
      await forgetAll(lab, [fetcher.libp2p.peerId])
    }
  } finally {
    await Promise.all(sybils.map((s) => s.stop()))
    await forgetAll(lab, sybils.map((s) => s.peerId))
  }
}
