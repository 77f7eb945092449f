// This node's provider announcements in the DHT: under each of a blob's
// provider keys (R74a), best effort and off the hot path, at once or, for a
// fetched blob, as the fetch asked (AnnounceOptions). One announcement per
// blob at a time; stop() ends those running and cancels those waiting.
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from '../log.ts'
import { providerKeys } from './provider-keys.ts'
import type { BlobId } from './types.ts'

/** When a fetched blob is announced. */
export interface AnnounceOptions {
  /** Announce this node as a provider once fetched (default true). */
  announce?: boolean
  /**
   * When to announce this node as a provider after the fetch (`announce`
   * false still means never). 'always' (the default): at once.
   * 'sourceBusy': only if a peer answered busy during the fetch, that is
   * when the blob is asked for faster than its providers serve it, and at a
   * random moment within `announceWithinMs`. For a blob many peers fetch
   * together, such as a job's scene: fifty workers announcing it at once
   * are fifty sets of DHT walks at once, just as they all start the job,
   * and they buy nothing while the creator keeps up.
   */
  announceWhen?: 'always' | 'sourceBusy'
  announceWithinMs?: number
  /** A blob smaller than this is not announced: serving it costs its providers less than a DHT announcement costs the network. */
  announceMinBytes?: number
}

/**
 * For a job's inputs and outputs fetched by the peers working on it (the
 * scene by every worker, frames and scene by checkers): announced only when
 * large and their source answered busy, at a random moment within a minute.
 * Every worker of a job fetches the scene as the job starts; their
 * announcements, four DHT walks each, all at once kept a 51-node swarm's
 * event loop full for ~20 s, and while the source keeps up, or the blob is
 * small enough to serve in moments, they buy nothing.
 */
export const JOB_BLOB_ANNOUNCE = { announceWhen: 'sourceBusy', announceWithinMs: 60_000, announceMinBytes: 4 * 1024 * 1024 } as const satisfies AnnounceOptions

export class ProviderAnnouncements {
  private readonly libp2p: Pick<Libp2p, 'contentRouting'>
  private readonly log: Logger
  private readonly running = new Map<BlobId, Promise<void>>()
  /** Announcements spread over time (announceWithinMs). */
  private readonly waiting = new Set<ReturnType<typeof setTimeout>>()
  private lifetime = new AbortController()

  constructor(libp2p: Pick<Libp2p, 'contentRouting'>, log: Logger) {
    this.libp2p = libp2p
    this.log = log
  }

  start(): void {
    this.lifetime = new AbortController()
  }

  stop(): void {
    this.lifetime.abort(new Error('blob store stopping'))
    for (const timer of this.waiting) clearTimeout(timer)
    this.waiting.clear()
  }

  /** Announces the blob under each of its provider keys, concurrently. Never rejects; repeated calls share one announcement. */
  provide(id: BlobId): Promise<void> {
    const pending = this.running.get(id)
    if (pending !== undefined) return pending
    const signal = this.lifetime.signal
    const promise = Promise.all(
      providerKeys(id).map((key) =>
        this.libp2p.contentRouting.provide(key, { signal }).catch((err: unknown) => this.log.debug('provide failed', { id, key: key.toString(), err }))
      )
    )
      .then(() => {})
      .finally(() => this.running.delete(id))
    this.running.set(id, promise)
    return promise
  }

  /** After a fetch: announce now, later (announceWithinMs), or never (announce false, a blob under announceMinBytes, or no source busy with announceWhen 'sourceBusy'). */
  afterFetch(id: BlobId, size: number, options: AnnounceOptions, sourceBusy: boolean): void {
    if (options.announce === false || size < (options.announceMinBytes ?? 0)) return
    if (options.announceWhen === 'sourceBusy' && !sourceBusy) return
    const within = options.announceWithinMs ?? 0
    if (within <= 0) {
      void this.provide(id)
      return
    }
    const timer = setTimeout(() => {
      this.waiting.delete(timer)
      void this.provide(id)
    }, Math.floor(Math.random() * within))
    timer.unref()
    this.waiting.add(timer)
  }
}
