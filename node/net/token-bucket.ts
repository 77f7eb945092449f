// Token buckets for gossip rate limits (SPEC R36, R38): a bucket holds at
// most `burst` tokens and refills at `perSecond`; each message takes one.
// The clock is passed in, so the limits are exact in tests.

export interface RateLimit {
  /** Tokens a full bucket holds: the most messages let through at once. */
  burst: number
  /** Tokens added per second, up to `burst`. */
  perSecond: number
}

export class TokenBucket {
  private readonly limit: RateLimit
  private tokens: number
  private atMs: number

  constructor(limit: RateLimit, nowMs: number) {
    this.limit = limit
    this.tokens = limit.burst
    this.atMs = nowMs
  }

  /** Takes one token if there is one. */
  take(nowMs: number): boolean {
    this.refill(nowMs)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** A full bucket behaves exactly like a new one, so it can be dropped. */
  isFull(nowMs: number): boolean {
    this.refill(nowMs)
    return this.tokens >= this.limit.burst
  }

  private refill(nowMs: number): void {
    // A clock that steps back adds nothing rather than taking tokens away.
    const elapsedMs = Math.max(0, nowMs - this.atMs)
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsedMs * this.limit.perSecond) / 1000)
    this.atMs = Math.max(this.atMs, nowMs)
  }
}

/** Buckets kept at once; past this, full buckets are dropped (nothing is lost), then the oldest. */
const MAX_BUCKETS = 4096

/** One bucket per key (a peer id). */
export class KeyedBuckets {
  private readonly limit: RateLimit
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(limit: RateLimit) {
    this.limit = limit
  }

  get size(): number {
    return this.buckets.size
  }

  take(key: string, nowMs: number): boolean {
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.prune(nowMs)
      bucket = new TokenBucket(this.limit, nowMs)
      this.buckets.set(key, bucket)
    }
    return bucket.take(nowMs)
  }

  private prune(nowMs: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(nowMs)) this.buckets.delete(key)
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string)
  }
}
