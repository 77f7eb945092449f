// Penalty points for peers that send more than a rate limit allows (SPEC
// R36), read by gossipsub as the application-specific score (P5). A limit
// breach is the sender's own doing, unlike an invalid message, so it is
// charged to the peer that sent it and never to the message: gossipsub
// marks a REJECTed message invalid and then penalises every peer that
// delivers a copy, which would let one flood get honest relays penalised.

/** Score points per message over the limit: at the graylist threshold (-1000) after 100 of them. */
export const FLOOD_PENALTY_POINTS = 10
/** Points halve this often, so a flood of a few thousand keeps its sender graylisted for minutes, not forever. */
export const FLOOD_PENALTY_HALF_LIFE_MS = 60_000
/** No peer owes more than this (a graylisted peer's messages are dropped unread, so no more accrue). */
const MAX_POINTS = 100_000
/** Entries kept at once; below one point a peer's entry is worth nothing. */
const MAX_PEERS = 4096

interface Owed {
  points: number
  atMs: number
}

export class FloodPenalties {
  private readonly now: () => number
  private readonly owed = new Map<string, Owed>()

  constructor(init: { now: () => number }) {
    this.now = init.now
  }

  /** Charges `peer` for one message over its limit. */
  charge(peer: string, points = FLOOD_PENALTY_POINTS): void {
    const nowMs = this.now()
    if (!this.owed.has(peer) && this.owed.size >= MAX_PEERS) this.prune(nowMs)
    this.owed.set(peer, { points: Math.min(MAX_POINTS, this.pointsOf(peer, nowMs) + points), atMs: nowMs })
  }

  /** Gossipsub's P5 for `peer`: zero, or negative while it owes points. */
  score(peer: string): number {
    const points = this.pointsOf(peer, this.now())
    return points === 0 ? 0 : -points
  }

  private pointsOf(peer: string, nowMs: number): number {
    const entry = this.owed.get(peer)
    if (entry === undefined) return 0
    return entry.points * 0.5 ** (Math.max(0, nowMs - entry.atMs) / FLOOD_PENALTY_HALF_LIFE_MS)
  }

  private prune(nowMs: number): void {
    for (const peer of this.owed.keys()) if (this.pointsOf(peer, nowMs) < 1) this.owed.delete(peer)
    if (this.owed.size >= MAX_PEERS) this.owed.delete(this.owed.keys().next().value as string)
  }
}
