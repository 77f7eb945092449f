// Limits on inbound connections: how long a handshake may take, how many may
// be in handshake at once, and how large a share of them one address may hold,
// so that a few idle sockets cannot keep honest peers out (SPEC R3).

export interface ConnectionLimits {
  /** Whole inbound upgrade (multistream, Noise, muxer), from accept to a usable connection. */
  inboundUpgradeTimeoutMs: number
  /** A socket that neither reads nor writes this long is closed. */
  inboundSocketInactivityTimeoutMs: number
  /** Inbound connections in handshake at once, all addresses together. */
  maxPendingInbound: number
  /** Inbound connections in handshake at once from one address. */
  maxPendingInboundPerAddress: number
  /** Inbound connections, in handshake or open, from one address. */
  maxInboundPerAddress: number
  /** New inbound connections one address may open per second. */
  inboundConnectionsPerAddressPerSecond: number
  /** Open connections, inbound and outbound. */
  maxConnections: number
  /** Raw TCP sockets the listener accepts at once (undefined: no cap). */
  maxInboundSockets: number | undefined
}

// An honest handshake is about three round trips (multistream-select, Noise XX,
// muxer selection): well under a second even at 300 ms RTT. 5 s leaves room
// for a busy node; libp2p's 10 s let each idle socket hold a slot twice as long.
export const INBOUND_UPGRADE_TIMEOUT_MS = 5_000

// Every open connection carries the connection monitor's ping every 10 s and a
// yamux keepalive every 30 s, so a minute of silence means the peer is gone
// (the transport's default held dead sockets for two).
export const INBOUND_SOCKET_INACTIVITY_TIMEOUT_MS = 60_000

// libp2p's default pending set is 10: ten idle sockets filled it. A pending
// connection costs one socket and a little Noise state, so 64 is cheap and
// absorbs a whole neighbourhood redialling after a restart.
export const MAX_PENDING_INBOUND = 64

// One host has at most one handshake with us in flight; 4 leaves room for a
// few nodes behind one NAT. Filling the pending set then takes 16 addresses.
export const MAX_PENDING_INBOUND_PER_ADDRESS = 4

// A few nodes behind one NAT, each with one connection and a redial racing
// it; more than that from one address is someone hoarding connection slots.
export const MAX_INBOUND_PER_ADDRESS = 16

// libp2p's default: an honest peer redials far slower than this, and it stops
// one address from churning refused sockets faster than we can turn them away.
export const INBOUND_CONNECTIONS_PER_ADDRESS_PER_SECOND = 5

// libp2p's default, stated so the socket cap below can be derived from it.
export const MAX_CONNECTIONS = 300

// Backstop on file descriptors: every connection we may keep plus every
// handshake we may have pending; past it the kernel-accepted socket is dropped.
export const MAX_INBOUND_SOCKETS = MAX_CONNECTIONS + MAX_PENDING_INBOUND

export const PRODUCTION_CONNECTION_LIMITS: ConnectionLimits = {
  inboundUpgradeTimeoutMs: INBOUND_UPGRADE_TIMEOUT_MS,
  inboundSocketInactivityTimeoutMs: INBOUND_SOCKET_INACTIVITY_TIMEOUT_MS,
  maxPendingInbound: MAX_PENDING_INBOUND,
  maxPendingInboundPerAddress: MAX_PENDING_INBOUND_PER_ADDRESS,
  maxInboundPerAddress: MAX_INBOUND_PER_ADDRESS,
  inboundConnectionsPerAddressPerSecond: INBOUND_CONNECTIONS_PER_ADDRESS_PER_SECOND,
  maxConnections: MAX_CONNECTIONS,
  maxInboundSockets: MAX_INBOUND_SOCKETS
}

// A loopback testnet runs up to ~50 nodes on 127.0.0.1, often in one process:
// every peer has the same address, so per-address limits would refuse the
// swarm itself, and a crowded event loop makes handshakes slow. Nothing
// hostile is expected there, so the limits only bound runaway bugs.
export const LOCAL_TESTNET_CONNECTION_LIMITS: ConnectionLimits = {
  inboundUpgradeTimeoutMs: 10_000,
  inboundSocketInactivityTimeoutMs: INBOUND_SOCKET_INACTIVITY_TIMEOUT_MS,
  maxPendingInbound: 1_000,
  maxPendingInboundPerAddress: 1_000,
  maxInboundPerAddress: 1_000,
  inboundConnectionsPerAddressPerSecond: 10_000,
  maxConnections: 1_000,
  maxInboundSockets: undefined
}
