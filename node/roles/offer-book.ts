// The offers other workers gossip, latest per signer, bounded and aged out.
// The worker reads the network's average asking price from it; the creator
// reads whole offers to say why nobody bids and to plan a job.
import { LIMITS, type WorkerOffer } from '../../protocol/index.ts'

/**
 * How long a worker's offer is kept without a newer one: as long as any
 * message stays fresh (R30), which is what "heard from in the last 2
 * minutes" means to a creator explaining why nobody bids.
 */
export const OFFER_TTL_MS = LIMITS.maxMessageAgeMs
/**
 * Workers send an offer when what it says changes, and the same offer again
 * this often (30 s) so peers keep them: four sends per TTL, so one or two
 * lost ones never make a live worker look gone.
 */
export const OFFER_REFRESH_MS = OFFER_TTL_MS / 4

export interface OfferStats {
  /** Mean asking price of the other workers heard from recently; null when none. */
  averagePrice: number | null
  /** Distinct workers heard from recently. */
  offersSeen: number
}

interface SeenOffer {
  price: number
  seenMs: number
  /** Kept only with `keepOffers`: a whole offer is up to ~40 KB, a price a few bytes. */
  offer?: WorkerOffer
}

/**
 * Latest offer per signer. Counting each worker once keeps a chatty worker
 * from dragging the average; our own offers never arrive here (gossip does
 * not echo them), so the average is what the rest of the network asks.
 */
export class OfferBook {
  private readonly bySigner = new Map<string, SeenOffer>()
  private readonly ttlMs: number
  private readonly maxSigners: number
  private readonly keepOffers: boolean

  constructor(init: { ttlMs?: number; maxSigners?: number; keepOffers?: boolean } = {}) {
    // Offers are refreshed every OFFER_REFRESH_MS; one not refreshed for the TTL belongs to a worker that left.
    this.ttlMs = init.ttlMs ?? OFFER_TTL_MS
    this.maxSigners = init.maxSigners ?? 10_000
    this.keepOffers = init.keepOffers ?? false
  }

  record(signerHex: string, offer: WorkerOffer, now: number): void {
    // Re-insert so Map order is least recently heard first: eviction drops the quietest worker.
    this.bySigner.delete(signerHex)
    if (this.bySigner.size >= this.maxSigners) {
      const oldest = this.bySigner.keys().next().value
      if (oldest !== undefined) this.bySigner.delete(oldest)
    }
    this.bySigner.set(signerHex, { price: offer.price, seenMs: now, offer: this.keepOffers ? offer : undefined })
  }

  /** The latest offer of each worker heard within the TTL (empty unless the book keeps offers). */
  recent(now: number): WorkerOffer[] {
    this.forgetStale(now)
    return [...this.bySigner.values()].flatMap((seen) => (seen.offer === undefined ? [] : [seen.offer]))
  }

  private forgetStale(now: number): void {
    for (const [signer, seen] of this.bySigner) if (seen.seenMs < now - this.ttlMs) this.bySigner.delete(signer)
  }

  stats(now: number): OfferStats {
    this.forgetStale(now)
    let sum = 0
    let n = 0
    for (const seen of this.bySigner.values()) {
      sum += seen.price
      n++
    }
    return { averagePrice: n === 0 ? null : Math.round(sum / n), offersSeen: n }
  }
}
