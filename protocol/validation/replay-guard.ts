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

/**
 * A replay key with its lookup string made once. A message's key is the
 * same at every node that receives it, so a relay of one message to many
 * guards (the simulator) prepares it once.
 */
export interface PreparedReplayKey {
  readonly id: string
  readonly seq?: number
}

export type ReplayVerdict = 'new' | 'duplicate' | 'old-seq'

export function prepareReplayKey(key: ReplayKey): PreparedReplayKey {
  const who = `${key.type}:${toHex(key.signer)}`
  return 'seq' in key ? { id: `s:${who}`, seq: key.seq } : { id: `h:${who}:${toHex(key.hash)}` }
}

const prepared = (key: ReplayKey | PreparedReplayKey): PreparedReplayKey => ('id' in key ? key : prepareReplayKey(key))

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
  check(key: ReplayKey | PreparedReplayKey, nowMs: number): ReplayVerdict {
    const { id, seq } = prepared(key)
    const entry = this.#live(id, nowMs)
    if (entry === undefined) return 'new'
    if (seq === undefined || seq === entry.seq) return 'duplicate'
    return seq < entry.seq ? 'old-seq' : 'new'
  }

  record(key: ReplayKey | PreparedReplayKey, nowMs: number): void {
    const { id, seq } = prepared(key)
    const kept = seq === undefined ? 0 : Math.max(seq, this.#live(id, nowMs)?.seq ?? seq)
    this.#entries.delete(id)
    this.#entries.set(id, { seq: kept, seenMs: nowMs })
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
