// Worker offers: what we advertise on the `offers` topic every few seconds
// (price, bench score, capacity), and what others advertise, which is where
// the network's average asking price comes from.
import { type Hardware, LIMITS, type WorkerOffer } from '../../../protocol/index.ts'
export { OfferBook, type OfferStats } from '../offer-book.ts'
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

export interface OfferPublisherInit {
  /** Signs the payload as a WorkerOffer envelope. */
  sign(offer: WorkerOffer): Uint8Array
  publish(envelope: Uint8Array): Promise<unknown>
  self(): OfferSelf
  kv: WorkerKv
  now(): number
  logger: Logger
  intervalMs?: number
}

/** Publishes an offer at start and then every `intervalMs` (5 s), with a seq that never repeats. */
export class OfferPublisher {
  private readonly init: OfferPublisherInit
  private timer?: NodeJS.Timeout
  private lastSeq?: number
  private publishing?: Promise<void>
  /** One more publish, asked for while one was on its way (it may carry the old price or free slots). */
  private again?: Promise<void>
  private stopped = false

  constructor(init: OfferPublisherInit) {
    this.init = init
  }

  async start(): Promise<void> {
    this.stopped = false
    const stored = await this.init.kv.get(SEQ_KEY)
    this.lastSeq = typeof stored === 'number' && Number.isSafeInteger(stored) ? stored : undefined
    await this.publishNow()
    this.timer = setInterval(() => void this.publishNow(), this.init.intervalMs ?? 5_000)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    this.timer = undefined
    await this.again
    await this.publishing
  }

  /** Never rejects: a missed offer is replaced by the next one a few seconds later. */
  publishNow(): Promise<void> {
    // One at a time, so seqs reach the wire in order; what changed meanwhile goes out right after.
    if (this.publishing !== undefined) {
      this.again ??= this.publishing.then(() => {
        this.again = undefined
        return this.stopped ? undefined : this.publishNow()
      })
      return this.again
    }
    this.publishing = this.publishOnce()
      .catch((err) => this.init.logger.debug('offer not published', { err }))
      .finally(() => {
        this.publishing = undefined
      })
    return this.publishing
  }

  private async publishOnce(): Promise<void> {
    const now = this.init.now()
    const seq = nextOfferSeq(this.lastSeq, now)
    this.lastSeq = seq
    // Stored before it is used, so a crash right after publishing cannot reuse it.
    await this.init.kv.put(SEQ_KEY, seq)
    await this.init.publish(this.init.sign(buildOfferPayload(this.init.self(), seq, now)))
  }
}
