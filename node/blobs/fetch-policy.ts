// How a fetch treats the providers that fail it: a busy one it was told
// to ask is asked again after a jittered pause, and one that broke the
// protocol (R73) is remembered and never asked for that blob again.

/**
 * A peer the caller named that answers `busy` (its concurrent-serve cap: 50
 * workers fetching a job's scene from its creator at once) is asked again
 * after a jittered pause doubling from BUSY_PAUSE_MS, up to BUSY_RETRIES
 * times (about 5 s in all), before the DHT: it very likely holds the blob,
 * and a provider search by every waiting worker costs the network far more.
 */
export const BUSY_RETRIES = 8
const BUSY_PAUSE_MS = 50
const BUSY_PAUSE_MAX_MS = 1_000

/** The pause before busy retry `attempt` (1-based): doubling, capped, with jitter so waiters spread out. */
export function busyPauseMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BUSY_PAUSE_MAX_MS, BUSY_PAUSE_MS * 2 ** (attempt - 1))
  return Math.round(base * (0.5 + random()))
}

/**
 * Blobs for which bad providers are remembered; the oldest entry goes first.
 * Bounded so that a flood of lies for random ids cannot grow it, while a
 * blob being fetched now keeps its entry.
 */
export const MAX_BAD_PROVIDER_BLOBS = 1024
/** Bad providers remembered per blob: a fetch gives up after maxPeersPerBlob failed answers, so this is several fetches' worth of liars. */
const MAX_BAD_PROVIDERS_PER_BLOB = 64

/** The providers that broke the protocol, per blob; bounded both ways. */
export class BadProviders {
  private readonly byBlob = new Map<string, Set<string>>()

  add(id: string, peer: string): void {
    let bad = this.byBlob.get(id)
    if (bad === undefined) {
      if (this.byBlob.size >= MAX_BAD_PROVIDER_BLOBS) this.byBlob.delete(this.byBlob.keys().next().value!)
      bad = new Set()
      this.byBlob.set(id, bad)
    }
    if (bad.size < MAX_BAD_PROVIDERS_PER_BLOB) bad.add(peer)
  }

  of(id: string): Iterable<string> {
    return this.byBlob.get(id) ?? []
  }
}
