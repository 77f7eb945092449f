// Connection gater that gives each remote address a bounded share of our
// inbound connections: at most a few handshakes pending, at most a few more
// connections open. libp2p only bounds the pending set as a whole, so one
// address with ten idle sockets could fill it and keep every other peer out
// (SPEC R3).
import { isIPv4, isIPv6 } from 'node:net'
import type { ConnectionGater, MultiaddrConnection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface InboundGaterInit {
  /** Inbound connections in handshake at once from one address. */
  maxPendingPerAddress: number
  /** Inbound connections, in handshake or open, from one address. */
  maxInboundPerAddress: number
}

export interface InboundCounts {
  pending: number
  open: number
}

export interface InboundGater extends ConnectionGater {
  /** What an address (as `addressKeyOf` names it) holds now. */
  countsOf(key: string): InboundCounts
  /** Connections turned away so far, by reason. */
  refused(): { pending: number; total: number }
}

/**
 * The unit an attacker pays for: an IPv4 address, or an IPv6 /64 (one host
 * usually owns a whole /64). IPv4-mapped IPv6 counts as its IPv4 address.
 * Undefined for anything that is not an IP address.
 */
export function addressKeyOf(ip: string): string | undefined {
  const bare = ip.split('%')[0]
  if (isIPv4(bare)) return bare
  if (!isIPv6(bare)) return undefined
  const lower = bare.toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped !== null) return mapped[1]
  const [head, tail] = lower.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  // An embedded dotted IPv4 tail fills the last two groups; only the first four matter here.
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]))
  const groups = tail === undefined ? headGroups : [...headGroups, ...new Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
  const prefix = groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16))
  return `${prefix.join(':')}::/64`
}

function remoteKeyOf(addr: Multiaddr): string | undefined {
  const ip = addr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
  return ip === undefined ? undefined : addressKeyOf(ip)
}

interface Tracked {
  key: string
  state: 'pending' | 'open'
}

export function createInboundGater(init: InboundGaterInit): InboundGater {
  const pending = new Map<string, number>()
  const open = new Map<string, number>()
  const tracked = new WeakMap<MultiaddrConnection, Tracked>()
  const refusals = { pending: 0, total: 0 }

  const add = (counts: Map<string, number>, key: string, delta: number): void => {
    const next = (counts.get(key) ?? 0) + delta
    if (next > 0) counts.set(key, next)
    else counts.delete(key)
  }

  const release = (maConn: MultiaddrConnection): void => {
    const entry = tracked.get(maConn)
    if (entry === undefined) return
    tracked.delete(maConn)
    add(entry.state === 'pending' ? pending : open, entry.key, -1)
  }

  return {
    // Runs once libp2p has taken the connection into its pending set; refusing
    // here hands the slot straight back, so a refused socket holds nothing.
    denyInboundConnection(maConn) {
      const key = remoteKeyOf(maConn.remoteAddr)
      if (key === undefined) return false
      // Already closed: no 'close' event would come to release a count.
      if (maConn.status !== 'open') return true
      const pendingNow = pending.get(key) ?? 0
      if (pendingNow >= init.maxPendingPerAddress) {
        refusals.pending++
        return true
      }
      if (pendingNow + (open.get(key) ?? 0) >= init.maxInboundPerAddress) {
        refusals.total++
        return true
      }
      add(pending, key, 1)
      tracked.set(maConn, { key, state: 'pending' })
      maConn.addEventListener('close', () => release(maConn), { once: true })
      return false
    },

    // The handshake is done: the connection leaves the address's pending share
    // and counts as open until its socket closes.
    denyInboundUpgradedConnection(_peer, maConn) {
      const entry = tracked.get(maConn)
      if (entry?.state === 'pending') {
        add(pending, entry.key, -1)
        add(open, entry.key, 1)
        entry.state = 'open'
      }
      return false
    },

    countsOf(key) {
      return { pending: pending.get(key) ?? 0, open: open.get(key) ?? 0 }
    },

    refused() {
      return { ...refusals }
    }
  }
}
