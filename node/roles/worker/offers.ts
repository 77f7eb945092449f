// Worker offers: what we advertise on the `offers` topic (price, bench
// score, capacity), and what others advertise, which is where the network's
// average asking price comes from. An offer goes out when what it says
// changes (at most one a second, changes in between coalesced), to peers
// that just joined the topic, and unchanged every OFFER_REFRESH_MS so peers
// keep us: a busy worker's tasks no longer cost the mesh an offer each.
// Fewer free slots is the one change that is not urgent (nobody is sent
// work by our offer; a job's bids and claims say what we take on): it
// waits OFFER_BUSY_DELAY_MS, so a job's start does not have every worker
// offer at once, and a slot that frees by then costs no offer at all.
import { type Clock, type ClockTimer, systemClock } from '../../clock.ts'
import { type Hardware, LIMITS, type WorkerOffer } from '../../../protocol/index.ts'
import { OFFER_REFRESH_MS } from '../offer-book.ts'
export { OFFER_REFRESH_MS, OFFER_TTL_MS, OfferBook, type OfferStats } from '../offer-book.ts'
import type { Logger } from '../../log.ts'
import type { RendererCapabilities } from '../../renderers/types.ts'
import { clampUtf8 } from './hardware.ts'
import type { WorkerKv } from './kv.ts'

export interface OfferSelf {
  capabilities: RendererCapabilities
  hardware: Hardware
  benchScore: number
  price: number
  slots: number
  freeSlots: number
  region: string
}

/** The WorkerOffer payload; strings and lists are cut to what peers accept, so a long CPU name never gets us REJECTed. */
export function buildOfferPayload(self: OfferSelf, seq: number, timestampMs: number): WorkerOffer {
  const caps = self.capabilities
  return {
    renderers: [
      {
        name: caps.name,
        version: clampUtf8(caps.version),
        engines: caps.engines.slice(0, LIMITS.maxEngines).map((e) => clampUtf8(e)),
        devices: caps.devices.slice(0, LIMITS.maxEngines).map((d) => clampUtf8(d))
      }
    ],
    hardware: { ...self.hardware, cpuModel: clampUtf8(self.hardware.cpuModel), gpuModel: clampUtf8(self.hardware.gpuModel), gpuVendor: clampUtf8(self.hardware.gpuVendor) },
    benchScore: self.benchScore,
    price: self.price,
    slots: self.slots,
    freeSlots: Math.max(0, Math.min(self.freeSlots, self.slots)),
    region: clampUtf8(self.region),
    timestampMs,
    seq
  }
}

/**
 * Peers keep the highest seq seen per signer and drop anything not above it,
 * so seq must keep rising across restarts. Wall-clock milliseconds do that
 * even if the stored value is lost; the stored value covers a clock that
 * stepped backwards.
 */
export function nextOfferSeq(lastSeq: number | undefined, now: number): number {
  return Math.max(now, (lastSeq ?? 0) + 1)
}

const SEQ_KEY = 'offer-seq'
/**
 * Seqs reserved per write: the store holds a ceiling no seq used so far
 * exceeds, moved up by an hour of milliseconds whenever a seq would pass it.
 * Seqs follow the clock, so that is one write an hour instead of one per
 * offer; a restart starts above the ceiling, whatever the clock says.
 */
export const OFFER_SEQ_BLOCK = 3_600_000
/** At most one offer this often; what changes in between goes out in the next one. */
export const OFFER_MIN_GAP_MS = 1_000
/** A slot taken shows in our offer this long after at the latest (sooner if another offer goes out). */
export const OFFER_BUSY_DELAY_MS = 15_000
/** Peers that join the topic hear from us within this long, one offer for all who join meanwhile. */
export const OFFER_JOIN_DELAY_MS = 5_000

export interface OfferPublisherInit {
  /** Signs the payload as a WorkerOffer envelope. */
  sign(offer: WorkerOffer): Uint8Array
  publish(envelope: Uint8Array): Promise<unknown>
  self(): OfferSelf
  kv: WorkerKv
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  logger: Logger
  /** An unchanged offer is sent again this long after the last one (default OFFER_REFRESH_MS). */
  intervalMs?: number
  /** Default OFFER_MIN_GAP_MS. */
  minGapMs?: number
  /** Default OFFER_JOIN_DELAY_MS. */
  joinDelayMs?: number
  /** Default OFFER_BUSY_DELAY_MS. */
  busyDelayMs?: number
  /** Registers a listener called when peers join the offers topic (they missed our last offer). */
  onJoin?(listener: () => void): void
}

/**
 * Publishes an offer at start, then when what it says changes (update()),
 * to peers that join, and as a refresh; one at a time, so seqs reach the
 * wire in order.
 */
export class OfferPublisher {
  private readonly init: OfferPublisherInit
  private readonly refreshMs: number
  private readonly minGapMs: number
  private readonly joinDelayMs: number
  private readonly busyDelayMs: number
  private running = false
  private listening = false
  /** When an offer is due whatever it says: the refresh, or sooner for peers that joined. */
  private forceAtMs = Number.POSITIVE_INFINITY
  /** When to look whether what the offer says changed (update() asked). */
  private checkAtMs = Number.POSITIVE_INFINITY
  /** update() calls waiting for that look (and the offer it sends, if any). */
  private waiters: Array<() => void> = []
  private timer?: ClockTimer
  private timerAtMs = Number.POSITIVE_INFINITY
  private sending?: Promise<void>
  /** What the last offer sent said, seq, timestamp and free slots aside; undefined after a failed send. */
  private lastSaid?: string
  private lastFreeSlots = 0
  private lastSentMs = Number.NEGATIVE_INFINITY
  private lastSeq?: number
  /** No seq above this may be used before a higher one is stored. */
  private reservedSeq = 0

  constructor(init: OfferPublisherInit) {
    this.init = init
    this.refreshMs = init.intervalMs ?? OFFER_REFRESH_MS
    this.minGapMs = init.minGapMs ?? OFFER_MIN_GAP_MS
    this.joinDelayMs = init.joinDelayMs ?? OFFER_JOIN_DELAY_MS
    this.busyDelayMs = init.busyDelayMs ?? OFFER_BUSY_DELAY_MS
  }

  async start(): Promise<void> {
    const stored = await this.init.kv.get(SEQ_KEY)
    // Every seq used before is at most the stored value (a ceiling, or the last seq of older versions).
    this.lastSeq = typeof stored === 'number' && Number.isSafeInteger(stored) ? stored : undefined
    this.reservedSeq = this.lastSeq ?? 0
    this.running = true
    if (!this.listening && this.init.onJoin !== undefined) {
      this.listening = true
      this.init.onJoin(() => this.joined())
    }
    await this.send()
  }

  async stop(): Promise<void> {
    this.running = false
    this.timer?.cancel()
    this.timer = undefined
    this.timerAtMs = this.forceAtMs = this.checkAtMs = Number.POSITIVE_INFINITY
    for (const settle of this.waiters.splice(0)) settle()
    while (this.sending !== undefined) await this.sending
  }

  /**
   * Something the offer says may have changed (price, free slots...). If it
   * did, an offer goes out at once, or OFFER_MIN_GAP_MS after the last one
   * with whatever is true then; only fewer free slots waits
   * OFFER_BUSY_DELAY_MS. Resolves once that is done, or at once when
   * nothing changed. Never rejects.
   */
  update(): Promise<void> {
    const change = this.running ? this.change() : 'none'
    if (change === 'none') return Promise.resolve()
    const dueMs = change === 'fewerFreeSlots' ? this.init.now() + this.busyDelayMs : this.lastSentMs + this.minGapMs
    this.checkAtMs = Math.min(this.checkAtMs, dueMs)
    const looked = new Promise<void>((resolve) => this.waiters.push(resolve))
    this.arm()
    return looked
  }

  private joined(): void {
    if (!this.running) return
    this.forceAtMs = Math.min(this.forceAtMs, this.init.now() + this.joinDelayMs)
    this.arm()
  }

  private arm(): void {
    const atMs = Math.min(this.forceAtMs, this.checkAtMs)
    if (!this.running || !Number.isFinite(atMs) || atMs === this.timerAtMs) return
    this.timer?.cancel()
    this.timerAtMs = atMs
    this.timer = (this.init.clock ?? systemClock).setTimeout(() => void this.fire(), Math.max(0, atMs - this.init.now()))
  }

  private async fire(): Promise<void> {
    this.timer = undefined
    this.timerAtMs = Number.POSITIVE_INFINITY
    // The decision is taken once the wire is free, on what is true then.
    while (this.sending !== undefined) await this.sending
    if (!this.running) return
    const now = this.init.now()
    const looking = now >= this.checkAtMs
    if (now >= this.forceAtMs || (looking && this.change() !== 'none')) {
      // This offer says everything true now: every waiting update() is answered by it.
      this.checkAtMs = Number.POSITIVE_INFINITY
      const waiters = this.waiters.splice(0)
      await this.send()
      for (const settle of waiters) settle()
      return
    }
    if (looking) {
      this.checkAtMs = Number.POSITIVE_INFINITY
      for (const settle of this.waiters.splice(0)) settle()
    }
    this.arm()
  }

  /** Synchronous up to `sending`, so a second caller sees it and waits. */
  private send(): Promise<void> {
    this.sending = this.sendOnce().finally(() => {
      this.sending = undefined
      this.forceAtMs = this.lastSentMs + this.refreshMs
      this.arm()
    })
    return this.sending
  }

  /** How the offer as it would be sent now differs from the last one sent. */
  private change(): 'none' | 'fewerFreeSlots' | 'other' {
    const now = buildOfferPayload(this.init.self(), 0, 0)
    if (saidOf(now) !== this.lastSaid || now.freeSlots > this.lastFreeSlots) return 'other'
    return now.freeSlots < this.lastFreeSlots ? 'fewerFreeSlots' : 'none'
  }

  private async sendOnce(): Promise<void> {
    const now = this.init.now()
    this.lastSentMs = now
    try {
      const self = this.init.self()
      const payload = buildOfferPayload(self, 0, 0)
      this.lastSaid = saidOf(payload)
      this.lastFreeSlots = payload.freeSlots
      const seq = await this.nextSeq(now)
      await this.init.publish(this.init.sign(buildOfferPayload(self, seq, now)))
    } catch (err) {
      // The next update() sends it again; the refresh does in any case.
      this.lastSaid = undefined
      this.init.logger.debug('offer not published', { err })
    }
  }

  private async nextSeq(now: number): Promise<number> {
    const seq = nextOfferSeq(this.lastSeq, now)
    if (seq > this.reservedSeq) {
      const ceiling = seq + OFFER_SEQ_BLOCK
      // Stored before the seq is used, so a crash right after publishing cannot reuse it.
      await this.init.kv.put(SEQ_KEY, ceiling)
      this.reservedSeq = ceiling
    }
    this.lastSeq = seq
    return seq
  }
}

/** An offer's content, seq, timestamp and free slots aside. */
function saidOf(offer: WorkerOffer): string {
  return JSON.stringify({ ...offer, freeSlots: 0 })
}
