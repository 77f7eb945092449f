// Replay guard (SPEC R31, R35). Remembers, per signer and message type,
// either the highest sequence number seen (WorkerOffer) or the hash of each
// payload seen (everything else). Memory is bounded two ways: entries older
// than the freshness window are dropped, since R29/R30 already refuse any
// message that old, and past `maxEntries` the least recently touched entry
// goes. Time is passed in on every call; nothing here reads a clock.
import { toHex } from '../bytes.ts'
import { LIMITS } from '../constants.ts'

export type ReplayKey =
  | { signer: Uint8Array; type: number; seq: number }
  | { signer: Uint8Array; type: number; hash: Uint8Array }

export type ReplayVerdict = 'new' | 'duplicate' | 'old-seq'

export interface ReplayGuardInit {
  /** Default LIMITS.maxReplayEntries. */
  maxEntries?: number
  /**
   * How long an entry is kept. Default maxMessageAgeMs + clockSkewMs: a
   * message accepted at time T has a timestamp <= T + clockSkewMs, so from
   * T + clockSkewMs + maxMessageAgeMs on, a replay of it is STALE (R30) and
   * the entry is no longer needed.
   */
  ttlMs?: number
}

interface Entry {
  seq: number
  seenMs: number
}

export class ReplayGuard {
  readonly maxEntries: number
  readonly ttlMs: number
  // Map iteration order is insertion order; re-inserting on every touch makes
  // the first entry the least recently touched one.
  readonly #entries = new Map<string, Entry>()

  constructor(init: ReplayGuardInit = {}) {
    this.maxEntries = Math.max(1, init.maxEntries ?? LIMITS.maxReplayEntries)
    this.ttlMs = init.ttlMs ?? LIMITS.maxMessageAgeMs + LIMITS.clockSkewMs
  }

  get size(): number {
    return this.#entries.size
  }

  /** Looks only; call `record` once the message has proved genuine. */
  check(key: ReplayKey, nowMs: number): ReplayVerdict {
    const entry = this.#live(keyOf(key), nowMs)
    if (entry === undefined) return 'new'
    if (!('seq' in key)) return 'duplicate'
    if (key.seq === entry.seq) return 'duplicate'
    return key.seq < entry.seq ? 'old-seq' : 'new'
  }

  record(key: ReplayKey, nowMs: number): void {
    const k = keyOf(key)
    const seq = 'seq' in key ? Math.max(key.seq, this.#live(k, nowMs)?.seq ?? key.seq) : 0
    this.#entries.delete(k)
    this.#entries.set(k, { seq, seenMs: nowMs })
    this.#prune(nowMs)
  }

  #live(k: string, nowMs: number): Entry | undefined {
    const entry = this.#entries.get(k)
    if (entry === undefined) return undefined
    if (nowMs - entry.seenMs > this.ttlMs) {
      this.#entries.delete(k)
      return undefined
    }
    return entry
  }

  #prune(nowMs: number): void {
    for (const [k, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && nowMs - entry.seenMs <= this.ttlMs) break
      this.#entries.delete(k)
    }
  }
}

function keyOf(key: ReplayKey): string {
  const who = `${key.type}:${toHex(key.signer)}`
  return 'seq' in key ? `s:${who}` : `h:${who}:${toHex(key.hash)}`
}
