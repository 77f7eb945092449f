// The simulator's network: who can reach whom, how long a message takes,
// and which ones are lost. Each node sits in a region; a message waits for
// its sender's uplink (bytes / bandwidth, one message after another, as on
// a real link), then travels the regions' one-way latency plus a random
// jitter; it is lost with probability `loss`, and dropped when its ends are
// on different sides of a partition or either end is offline. Every random
// draw comes from the seeded generator, in the order of the sends, so one
// seed gives one history.
import type { VirtualClock } from './virtual-clock.ts'

export interface NetworkModelInit {
  clock: VirtualClock
  /** Uniform in [0, 1): seededRandom(seed). */
  random: () => number
  /** One-way latency within a region and between two regions. */
  latencyMs: { same: number; cross: number }
  /** Up to this share of the latency is added at random to each message. */
  jitter: number
  /** Each node's uplink. */
  uplinkBytesPerS: number
  /** Probability that a message is lost. */
  loss: number
}

export interface NetworkStats {
  messages: number
  bytes: number
  delivered: number
  lost: number
  partitioned: number
  offline: number
}

interface NetNode {
  region: string
  online: boolean
  /** When the uplink is free for the next message. */
  uplinkFreeMs: number
}

export class NetworkModel {
  readonly stats: NetworkStats = { messages: 0, bytes: 0, delivered: 0, lost: 0, partitioned: 0, offline: 0 }
  private readonly init: NetworkModelInit
  private readonly nodes = new Map<string, NetNode>()
  /** Partition side of each node while a partition holds; nodes not in it reach everyone. */
  private sides = new Map<string, number>()

  constructor(init: NetworkModelInit) {
    for (const [name, value] of Object.entries({ ...init.latencyMs, uplinkBytesPerS: init.uplinkBytesPerS })) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`network ${name} must be a finite number >= 0, got ${value}`)
    }
    if (init.uplinkBytesPerS === 0) throw new RangeError('network uplinkBytesPerS must be above 0')
    for (const [name, value] of Object.entries({ jitter: init.jitter, loss: init.loss })) {
      if (!(value >= 0 && value <= 1)) throw new RangeError(`network ${name} must be from 0 to 1, got ${value}`)
    }
    this.init = init
  }

  /** A node joins (or comes back) in `region`. */
  add(id: string, region: string): void {
    const known = this.nodes.get(id)
    if (known !== undefined) {
      known.online = true
      known.region = region
      return
    }
    this.nodes.set(id, { region, online: true, uplinkFreeMs: 0 })
  }

  /** The node leaves or crashes: what is sent to it from now on, or is still on its way, is dropped. */
  setOffline(id: string): void {
    const node = this.nodes.get(id)
    if (node !== undefined) node.online = false
  }

  isOnline(id: string): boolean {
    return this.nodes.get(id)?.online === true
  }

  /** Cuts the network into sides: nodes on different sides cannot reach each other until heal(). */
  partition(sides: readonly (readonly string[])[]): void {
    this.sides = new Map()
    sides.forEach((side, i) => {
      for (const id of side) this.sides.set(id, i)
    })
  }

  heal(): void {
    this.sides = new Map()
  }

  /**
   * Sends `bytes` from one node to another; `deliver` runs when it arrives,
   * unless it is lost on the way. Returns whether it was sent at all (its
   * sender online and its receiver reachable now).
   */
  send(from: string, to: string, bytes: number, deliver: () => void): boolean {
    const now = this.init.clock.now()
    const arrives = this.transit(from, to, bytes, now)
    if (arrives === 'unsent') return false
    if (arrives !== 'lost') {
      this.init.clock.setTimeout(() => {
        if (this.arrive(from, to)) deliver()
      }, arrives - now)
    }
    return true
  }

  /**
   * When `bytes` sent from `from` at `atMs` (now, or later for a hop of a
   * gossip flood worked out ahead: gossip-model.ts) reach `to`: 'unsent'
   * when an end is offline or cut off now, 'lost' on the way. Takes the
   * sender's uplink until the message is out, and counts it.
   */
  transit(from: string, to: string, bytes: number, atMs: number): number | 'unsent' | 'lost' {
    const sender = this.nodes.get(from)
    const receiver = this.nodes.get(to)
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`message size must be an integer >= 0, got ${bytes}`)
    this.stats.messages++
    this.stats.bytes += bytes
    if (sender === undefined || receiver === undefined || !sender.online || !receiver.online) {
      this.stats.offline++
      return 'unsent'
    }
    if (!this.reachable(from, to)) {
      this.stats.partitioned++
      return 'unsent'
    }
    const { clock, random, latencyMs, jitter, uplinkBytesPerS, loss } = this.init
    const sendingMs = (bytes / uplinkBytesPerS) * 1000
    const departs = Math.max(atMs, sender.uplinkFreeMs) + sendingMs
    // The link carries these bytes from now on: a hop booked ahead (a flood's) adds its load, not a hold on the link until its own time.
    sender.uplinkFreeMs = Math.max(sender.uplinkFreeMs, clock.now()) + sendingMs
    const latency = sender.region === receiver.region ? latencyMs.same : latencyMs.cross
    const arrives = departs + latency * (1 + jitter * random())
    if (random() < loss) {
      this.stats.lost++
      return 'lost'
    }
    return arrives
  }

  /** Counts a message whose arrival time does not matter (a gossip duplicate), as delivered when its receiver is up and reachable now. */
  count(from: string, to: string, bytes: number): void {
    this.stats.messages++
    this.stats.bytes += bytes
    this.arrive(from, to)
  }

  /** Whether a message in transit is delivered now: not if its receiver went away (or was cut off) while it travelled. Counts it. */
  arrive(from: string, to: string): boolean {
    if (!this.isOnline(to)) this.stats.offline++
    else if (!this.reachable(from, to)) this.stats.partitioned++
    else {
      this.stats.delivered++
      return true
    }
    return false
  }

  private reachable(a: string, b: string): boolean {
    const [sa, sb] = [this.sides.get(a), this.sides.get(b)]
    return sa === undefined || sb === undefined || sa === sb
  }
}
