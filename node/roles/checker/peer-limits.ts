// Per-peer limits on check requests (SPEC R103h): one request in flight per
// remote peer, and a token bucket per peer for requests that get past the
// `busy` checks. Pure: the clock is passed in. A busy answer costs no
// token, so a creator retrying while its own check runs loses nothing.

export interface PeerLimitsInit {
  /** Requests one peer may have in flight (being validated or checked). */
  maxInFlightPerPeer: number
  /** Requests a peer may send at once after a quiet spell. */
  burst: number
  /** Tokens a peer gets back per second. */
  refillPerSecond: number
  now(): number
}

interface PeerState {
  inFlight: number
  tokens: number
  atMs: number
}

/** Peers remembered at most; idle, full-bucket peers are forgotten first. */
export const MAX_TRACKED_PEERS = 4096

export class PeerLimits {
  private readonly init: PeerLimitsInit
  private readonly peers = new Map<string, PeerState>()

  constructor(init: PeerLimitsInit) {
    this.init = init
  }

  /** Why `peer` must wait, or undefined when it may go ahead (then call `leave` when done). */
  enter(peer: string): string | undefined {
    const state = this.refilled(peer)
    if (state.inFlight >= this.init.maxInFlightPerPeer) return `${state.inFlight} request(s) of this peer in flight`
    if (state.tokens < 1) return 'too many requests from this peer: retry later'
    state.tokens -= 1
    state.inFlight += 1
    return undefined
  }

  /** Whether `peer` has as many requests in flight as it may. */
  full(peer: string): boolean {
    return (this.peers.get(peer)?.inFlight ?? 0) >= this.init.maxInFlightPerPeer
  }

  leave(peer: string): void {
    const state = this.peers.get(peer)
    if (state !== undefined && state.inFlight > 0) state.inFlight -= 1
  }

  private refilled(peer: string): PeerState {
    const now = this.init.now()
    let state = this.peers.get(peer)
    if (state === undefined) {
      if (this.peers.size >= MAX_TRACKED_PEERS) this.forgetIdle(now)
      state = { inFlight: 0, tokens: this.init.burst, atMs: now }
      this.peers.set(peer, state)
      return state
    }
    const elapsed = Math.max(0, now - state.atMs)
    state.tokens = Math.min(this.init.burst, state.tokens + (elapsed / 1000) * this.init.refillPerSecond)
    state.atMs = now
    return state
  }

  /** Drops peers with nothing in flight whose bucket has refilled: forgetting them gives them nothing they would not have. */
  private forgetIdle(now: number): void {
    for (const [peer, s] of this.peers) {
      const tokens = s.tokens + (Math.max(0, now - s.atMs) / 1000) * this.init.refillPerSecond
      if (s.inFlight === 0 && tokens >= this.init.burst) this.peers.delete(peer)
    }
    // Still full (a flood from many identities): drop the oldest idle entries, or refuse to grow past the bound.
    for (const [peer, s] of this.peers) {
      if (this.peers.size < MAX_TRACKED_PEERS) break
      if (s.inFlight === 0) this.peers.delete(peer)
    }
  }
}
