// A BlobStore that falls back to the network (Helia's networked storage):
// reads are served locally when possible; otherwise known peers are tried
// first, then DHT providers, one at a time, each transfer verified against
// the id. A peer that fails (wrong bytes, not found, error) is dropped for
// this blob and the next one is tried; one whose transfer only broke off
// (reset, busy, stalled) is asked once more when the others are used up.
// One that broke the protocol (R73: wrong bytes, more or fewer than
// announced, a malformed header) is also disconnected and never asked for
// that blob again. Whatever this node stores, it then announces as a
// provider (provider-announcements.ts: under each of the blob's provider
// keys, R74a, off the hot path); a search asks all of them.

import type { Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { raceAbort } from '../abort.ts'
import { createLogger, type Logger } from '../log.ts'
import { type FetchedBlob, fetchBlobFromPeer } from './blob-client.ts'
import { BlobServer, type BlobServerInit } from './blob-protocol.ts'
import { BlobSessions } from './blob-sessions.ts'
import { LIMITS } from '../../protocol/index.ts'
import { BlobFetchError, BlobNotFoundError, BlobPeerBusyError, BlobPeerUnreachableError, BlobTooLargeError, isBadProvider } from './errors.ts'
import { assertBlobId } from './ids.ts'
import { BadProviders, BUSY_RETRIES, busyPauseMs } from './fetch-policy.ts'
import type { LocalBlobStore } from './local-store.ts'
import { type AnnounceOptions, ProviderAnnouncements } from './provider-announcements.ts'
import { providerKeys } from './provider-keys.ts'
import { ProviderLookup } from './provider-lookup.ts'
import type { BlobGetOptions, BlobId, BlobPutOptions, BlobStat, BlobStore, RemoteBlobs, RemoteCopy, RemoteRef } from './types.ts'

/** The host the store runs on; `services.dht` is pictor's kad-dht (R4), asked directly by the provider lookup. */
export { busyPauseMs, MAX_BAD_PROVIDER_BLOBS } from './fetch-policy.ts'

export type BlobLibp2p = Pick<Libp2p<{ dht: Pick<KadDHT, 'getClosestPeers'> }>, 'peerId' | 'handle' | 'unhandle' | 'dialProtocol' | 'hangUp' | 'contentRouting' | 'peerStore' | 'services'>

/**
 * How long dialling a provider found in the DHT may take. Its record may
 * name a dead or unroutable address (junk costs an attacker nothing), and a
 * lookup can hand out up to MAX_PROVIDERS_TRIED of them. TCP, noise and
 * yamux take three round trips, well within this on any link a blob is
 * worth fetching over.
 */
const DHT_DIAL_TIMEOUT_MS = 2_000
export interface NetworkedBlobStoreComponents {
  libp2p: BlobLibp2p
  /** Started and stopped by its owner; this store only wraps it. */
  local: LocalBlobStore
  /** A remote backend (Walrus) tried before peers when a read names a remote ref. */
  remote?: RemoteBlobs
  logger?: Logger
}

export interface NetworkedBlobStoreInit extends BlobServerInit {
  /**
   * Peers that answered for one blob but did not deliver it (busy, stalled,
   * too large, wrong bytes) before giving up; also the most peers taken from
   * the caller's list. A peer that cannot be reached or does not have the
   * blob costs only a round trip and does not count: DHT providers are
   * bounded by the search instead (MAX_PROVIDERS_TRIED).
   */
  maxPeersPerBlob?: number
  /** How long the DHT is searched for providers of one blob (all its provider keys, together). */
  findProvidersTimeoutMs?: number
  /** How long dialling a provider found in the DHT may take (peers named by the caller get fetchIdleTimeoutMs). */
  dhtDialTimeoutMs?: number
  /** A peer that sends nothing for this long is dropped for the blob. */
  fetchIdleTimeoutMs?: number
  /** Refuse blobs larger than this from the network (defaults to the local store's limit). */
  maxBytes?: number
}

export interface NetworkedGetOptions extends BlobGetOptions, AnnounceOptions {
  /** Peers to try before asking the DHT, e.g. the job's creator. */
  peers?: PeerId[]
  /** Where the blob also lives remotely, and its size: read from there first, then from peers. */
  remote?: RemoteCopy
  /**
   * The most this blob can honestly be (a frame: its job's maxFrameBytes),
   * below the store's own limit: a provider announcing more is refused
   * before a byte of the body is read, and a remote copy said to be larger
   * is not read. Concurrent fetches of one id share the first caller's cap.
   */
  maxBytes?: number
  /** fsync what is fetched (default true); false for bytes that can be fetched or made again. */
  durable?: boolean
}

/** A blob made local, and its bytes when it came over the network into memory (NetworkedBlobStore.fetchWithBytes). */
export interface LocalBlob {
  /** The store's file: read it, never write, move or delete it. */
  path: string
  /** Already checked against the id; read them, never change them. */
  bytes?: Uint8Array
}

interface SharedFetch {
  promise: Promise<FetchedBlob>
  controller: AbortController
  waiters: number
}

export class NetworkedBlobStore implements BlobStore {
  readonly local: LocalBlobStore
  readonly remote: RemoteBlobs | undefined
  private readonly libp2p: BlobLibp2p
  private readonly server: BlobServer
  private readonly log: Logger
  private readonly maxPeersPerBlob: number
  private readonly findProvidersTimeoutMs: number
  private readonly fetchIdleTimeoutMs: number
  private readonly dhtDialTimeoutMs: number
  private readonly maxBytes: number | undefined
  private readonly fetches = new Map<BlobId, SharedFetch>()
  /** Peers that broke the protocol for a blob (R73), by blob id; insertion order is age. */
  private readonly badProviders = new BadProviders()
  private readonly announcements: ProviderAnnouncements
  /** Blob streams to peers kept open between fetches (1.1.0). */
  private readonly sessions: BlobSessions
  private lifetime = new AbortController()

  constructor(components: NetworkedBlobStoreComponents, init: NetworkedBlobStoreInit = {}) {
    this.local = components.local
    this.remote = components.remote
    this.libp2p = components.libp2p
    this.log = components.logger ?? createLogger('blobs:net')
    this.server = new BlobServer({ libp2p: this.libp2p, store: this.local, logger: this.log.child('server') }, init)
    this.announcements = new ProviderAnnouncements(this.libp2p, this.log)
    this.sessions = new BlobSessions(this.libp2p)
    this.maxPeersPerBlob = init.maxPeersPerBlob ?? 8
    this.findProvidersTimeoutMs = init.findProvidersTimeoutMs ?? 30_000
    this.fetchIdleTimeoutMs = init.fetchIdleTimeoutMs ?? 30_000
    this.dhtDialTimeoutMs = init.dhtDialTimeoutMs ?? DHT_DIAL_TIMEOUT_MS
    this.maxBytes = init.maxBytes
  }

  async start(): Promise<void> {
    this.lifetime = new AbortController()
    this.announcements.start()
    await this.server.start()
  }

  async stop(): Promise<void> {
    this.lifetime.abort(new Error('blob store stopping'))
    this.announcements.stop()
    this.sessions.close()
    await this.server.stop()
  }

  has(id: BlobId): Promise<boolean> {
    return this.local.has(id)
  }

  stat(id: BlobId): Promise<BlobStat | undefined> {
    return this.local.stat(id)
  }

  async put(source: Uint8Array | AsyncIterable<Uint8Array>, options?: BlobPutOptions): Promise<BlobStat> {
    const stat = await this.local.put(source, options)
    if (options?.announce !== false) void this.provide(stat.id)
    return stat
  }

  async putFile(path: string, options?: BlobPutOptions): Promise<BlobStat> {
    const stat = await this.local.putFile(path, options)
    if (options?.announce !== false) void this.provide(stat.id)
    return stat
  }

  async *get(id: BlobId, options: NetworkedGetOptions = {}): AsyncGenerator<Uint8Array> {
    const fetched = (await this.local.stat(id)) === undefined
    if (fetched) await this.fetch(id, options)
    // Progress was reported by the transfer; the local read that follows would restart it from 0.
    // The transfer hashed the bytes on their way in: no second pass.
    yield* this.local.get(id, fetched ? { signal: options.signal, verify: 'once' } : options)
  }

  async getFile(id: BlobId, path: string, options: NetworkedGetOptions = {}): Promise<void> {
    const fetched = (await this.local.stat(id)) === undefined
    if (fetched) await this.fetch(id, options)
    await this.local.getFile(id, path, fetched ? { signal: options.signal, verify: 'once' } : options)
  }

  /** Makes the blob local; concurrent calls for one id share one transfer (fetchShared). */
  async fetch(id: BlobId, options: NetworkedGetOptions = {}): Promise<BlobStat> {
    const fetched = await this.fetchShared(id, options, false)
    return { id: fetched.id, size: fetched.size }
  }

  /**
   * Makes the blob local and returns the path of the stored file, for a
   * reader that needs a file (a renderer, a size check before decoding).
   * The file belongs to the store: read it, never write, move or delete it.
   */
  async fetchToPath(id: BlobId, options: NetworkedGetOptions = {}): Promise<string> {
    await this.fetch(id, options)
    return this.local.pathOf(id)
  }

  /**
   * fetchToPath for a reader that wants the bytes (a frame to decode): a
   * blob of at most MAX_IN_MEMORY_BLOB_BYTES fetched from a peer is
   * received into memory, checked against its id there, stored from there
   * and handed back with its bytes, so the file is not read back. A blob
   * already here, read from the remote copy, or larger comes back with its
   * path only.
   */
  async fetchWithBytes(id: BlobId, options: NetworkedGetOptions = {}): Promise<LocalBlob> {
    const fetched = await this.fetchShared(id, options, true)
    return { path: this.local.pathOf(id), ...(fetched.bytes === undefined ? {} : { bytes: fetched.bytes }) }
  }

  /** Blob streams opened to peers (a stream reused for another blob opens none): for tests and benches. */
  get streamsOpened(): number {
    return this.sessions.opened
  }

  /**
   * Makes the blob local. Concurrent calls for one id share one transfer
   * (the first caller's peers, progress callback and inMemory are used); it
   * is aborted only once every caller has given up.
   */
  private async fetchShared(id: BlobId, options: NetworkedGetOptions, inMemory: boolean): Promise<FetchedBlob> {
    assertBlobId(id)
    const held = await this.local.stat(id)
    if (held !== undefined) return held
    let shared = this.fetches.get(id)
    if (shared === undefined) {
      const controller = new AbortController()
      const signal = AbortSignal.any([controller.signal, this.lifetime.signal])
      const promise = this.fetchFromPeers(id, { ...options, signal }, inMemory).finally(() => this.fetches.delete(id))
      // Callers may all abort; the shared promise must not become an unhandled rejection.
      promise.catch(() => {})
      shared = { promise, controller, waiters: 0 }
      this.fetches.set(id, shared)
    }
    shared.waiters++
    try {
      return await raceAbort(shared.promise, options.signal)
    } finally {
      shared.waiters--
      if (shared.waiters === 0 && options.signal?.aborted) shared.controller.abort(options.signal.reason)
    }
  }

  /**
   * Publishes local blobs to the remote backend, if there is one; undefined
   * when this node keeps blobs peer to peer only.
   */
  async publish(ids: BlobId[], options: { signal?: AbortSignal } = {}): Promise<Map<BlobId, RemoteRef> | undefined> {
    if (this.remote === undefined || ids.length === 0) return undefined
    return await this.remote.publish(ids.map(assertBlobId), options)
  }

  /**
   * Announces this node as a provider of the blob under each of its provider
   * keys (R74a), concurrently. Never rejects; repeated calls share one
   * announcement; ends with the store's lifetime.
   */
  provide(id: BlobId): Promise<void> {
    return this.announcements.provide(id)
  }

  /** The remote copy first (it answers without a peer search), then peers: a bad remote read only costs time. */
  private async fetchFromPeers(id: BlobId, options: NetworkedGetOptions & { signal: AbortSignal }, inMemory: boolean): Promise<FetchedBlob> {
    const { signal } = options
    const failures: unknown[] = []
    const maxBytes = Math.min(this.maxBytes ?? LIMITS.maxBlobBytes, options.maxBytes ?? Number.POSITIVE_INFINITY)
    if (this.remote !== undefined && options.remote !== undefined && options.remote.size > maxBytes) {
      failures.push(new BlobTooLargeError(maxBytes, `blob ${id}: its remote copy is ${options.remote.size} bytes, over the limit of ${maxBytes}`))
    } else if (this.remote !== undefined && options.remote !== undefined) {
      try {
        const stat = await this.remote.fetchInto(options.remote.ref, id, options.remote.size, { signal, onProgress: options.onProgress })
        this.log.debug('fetched blob from the remote store', { id, remote: this.remote.name, size: stat.size })
        this.announcements.afterFetch(id, stat.size, options, false)
        return stat
      } catch (err) {
        if (signal.aborted) throw signal.reason
        this.log.info('remote blob read failed, trying peers', { id, remote: this.remote.name, err })
        failures.push(err)
      }
    }
    const peers = this.candidates(id, options.peers ?? [], signal)
    // Only answers that cost a transfer's worth of time count against the
    // budget: junk provider records (dead addresses, peers without the blob)
    // must not end the search before the honest provider is reached.
    let answered = 0
    // Peers whose transfer broke off for a reason that proves nothing (a reset
    // stream, busy, a stall) are asked once more when the others are used up.
    const again: Candidate[] = []
    // A busy named peer, asked again before anyone else.
    let retryNow: Candidate | undefined
    // Some peer answered busy: the blob is in demand beyond what its providers serve.
    let sourceBusy = false
    const next = async () => {
      const busy = retryNow
      retryNow = undefined
      return busy ?? (await peers.next()) ?? again.shift()
    }
    try {
      for (let candidate = await next(); candidate !== undefined; candidate = await next()) {
        const { peer, viaDht } = candidate
        try {
          const stat = await fetchBlobFromPeer(this.libp2p, this.local, peer, id, {
            signal,
            maxBytes,
            onProgress: options.onProgress,
            idleTimeoutMs: this.fetchIdleTimeoutMs,
            dialTimeoutMs: viaDht ? this.dhtDialTimeoutMs : undefined,
            durable: options.durable,
            sessions: this.sessions,
            inMemory
          })
          this.log.debug('fetched blob', { id, peer: peer.toString(), size: stat.size })
          this.announcements.afterFetch(id, stat.size, options, sourceBusy)
          return stat
        } catch (err) {
          if (signal.aborted) throw signal.reason
          if (err instanceof BlobPeerBusyError) sourceBusy = true
          if (err instanceof BlobPeerBusyError && !viaDht && (candidate.busyRetries ?? 0) < BUSY_RETRIES) {
            const busyRetries = (candidate.busyRetries ?? 0) + 1
            await raceAbort(new Promise((resolve) => setTimeout(resolve, busyPauseMs(busyRetries))), signal)
            retryNow = { ...candidate, busyRetries }
            continue
          }
          const cheap = err instanceof BlobNotFoundError || err instanceof BlobPeerUnreachableError
          if (isBadProvider(err)) this.dropBadProvider(id, peer, err)
          // A DHT record naming a dead or empty peer is what junk looks like: not worth a line each.
          else if (cheap && viaDht) this.log.debug('DHT provider did not serve the blob, trying the next one', { id, peer: peer.toString(), err })
          else this.log.info('blob fetch from peer failed, trying the next one', { id, peer: peer.toString(), err })
          failures.push(err)
          if (!cheap && ++answered >= this.maxPeersPerBlob) break
          if (candidate.retry !== true && err instanceof BlobFetchError && !cheap && !isBadProvider(err)) again.push({ ...candidate, retry: true })
        }
      }
    } finally {
      peers.close()
    }
    const cause = failures.length > 0 ? new AggregateError(failures) : undefined
    if (failures.every((err) => err instanceof BlobNotFoundError)) throw new BlobNotFoundError(id, { cause })
    if (failures.every((err) => err instanceof BlobTooLargeError)) throw new BlobTooLargeError(maxBytes, `blob ${id}: every copy found is over the limit of ${maxBytes} bytes`)
    throw new BlobFetchError(id, `no peer delivered it (${failures.length} tried)`, { cause })
  }

  /** R73: close the connection to a peer that broke the protocol, and never ask it for this blob again. */
  private dropBadProvider(id: BlobId, peer: PeerId, err: unknown): void {
    this.log.warn('blob provider broke the protocol: disconnecting it', { id, peer: peer.toString(), err })
    this.badProviders.add(id, peer.toString())
    void this.libp2p.hangUp(peer, { signal: this.lifetime.signal }).catch((hangUpErr: unknown) => this.log.debug('hang up failed', { peer: peer.toString(), err: hangUpErr }))
  }

  /**
   * Known peers, then DHT providers as they are found under any of the
   * blob's provider keys (ProviderLookup: all keys searched at once, each
   * answer's providers taken in turns, MAX_PROVIDERS_TRIED at most). The
   * search runs beside the transfers, so a long failed transfer does not eat
   * the search's time.
   */
  private candidates(id: BlobId, known: PeerId[], signal: AbortSignal): { next(): Promise<Candidate | undefined>; close(): void } {
    const skip = new Set<string>([this.libp2p.peerId.toString(), ...this.badProviders.of(id)])
    const named: PeerId[] = []
    for (const peer of known) {
      if (named.length >= this.maxPeersPerBlob) break
      if (skip.has(peer.toString())) continue
      skip.add(peer.toString())
      named.push(peer)
    }
    // The DHT is asked only once the known peers are used up: in pictor's flows
    // the peer named by the caller (creator, worker) almost always has the blob,
    // and a provider search per blob was the bulk of a task's overhead.
    let lookup: ProviderLookup | undefined
    let index = 0
    return {
      next: async () => {
        if (index < named.length) return { peer: named[index++]!, viaDht: false }
        lookup ??= new ProviderLookup(
          { libp2p: this.libp2p },
          {
            keys: providerKeys(id),
            skip,
            timeoutMs: this.findProvidersTimeoutMs,
            signal,
            onSearchError: (key, err) => this.log.debug('provider search failed', { id, key: key.toString(), err })
          }
        )
        const peer = await lookup.next()
        return peer === undefined ? undefined : { peer, viaDht: true }
      },
      close: () => lookup?.close()
    }
  }
}

/** A peer to ask for a blob, and whether it came from a DHT record (anyone can write one) rather than the caller. */
interface Candidate {
  peer: PeerId
  viaDht: boolean
  /** Asked once already, and the transfer broke off. */
  retry?: boolean
  /** Times this named peer answered busy and was asked again. */
  busyRetries?: number
}
