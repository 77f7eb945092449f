import type { MultiaddrConnection, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addressKeyOf, createInboundGater, type InboundGater } from '../../../../node/net/inbound-gater.ts'

/** Just what the gater reads of a connection: its remote address, its status and its 'close' event. */
class FakeConnection extends EventTarget {
  status: 'open' | 'closed' = 'open'
  readonly remoteAddr
  constructor(ip: string, port = 4001) {
    super()
    this.remoteAddr = multiaddr(`/${ip.includes(':') ? 'ip6' : 'ip4'}/${ip}/tcp/${port}`)
  }
  close(): void {
    this.status = 'closed'
    this.dispatchEvent(new Event('close'))
  }
}

const PEER = {} as PeerId

function asMaConn(conn: FakeConnection): MultiaddrConnection {
  return conn as unknown as MultiaddrConnection
}

async function admit(gater: InboundGater, conn: FakeConnection): Promise<boolean> {
  return !(await gater.denyInboundConnection!(asMaConn(conn)))
}

async function upgrade(gater: InboundGater, conn: FakeConnection): Promise<void> {
  expect(await gater.denyInboundUpgradedConnection!(PEER, asMaConn(conn))).toBe(false)
}

describe('createInboundGater', () => {
  it('refuses a fifth pending handshake from one address, not from another', async () => {
    const gater = createInboundGater({ maxPendingPerAddress: 4, maxInboundPerAddress: 16 })
    for (let i = 0; i < 4; i++) expect(await admit(gater, new FakeConnection('10.0.0.2', i))).toBe(true)
    expect(await admit(gater, new FakeConnection('10.0.0.2', 9))).toBe(false)
    expect(await admit(gater, new FakeConnection('10.0.0.3'))).toBe(true)
    expect(gater.countsOf('10.0.0.2')).toEqual({ pending: 4, open: 0 })
    expect(gater.refused()).toEqual({ pending: 1, total: 0 })
  })

  it('gives the slot back when a pending connection closes', async () => {
    const gater = createInboundGater({ maxPendingPerAddress: 1, maxInboundPerAddress: 16 })
    const first = new FakeConnection('10.0.0.2')
    expect(await admit(gater, first)).toBe(true)
    expect(await admit(gater, new FakeConnection('10.0.0.2', 2))).toBe(false)
    first.close()
    first.close()
    expect(gater.countsOf('10.0.0.2')).toEqual({ pending: 0, open: 0 })
    expect(await admit(gater, new FakeConnection('10.0.0.2', 3))).toBe(true)
  })

  it('moves an upgraded connection from pending to open, and caps both together', async () => {
    const gater = createInboundGater({ maxPendingPerAddress: 2, maxInboundPerAddress: 3 })
    const conns = [1, 2, 3].map((port) => new FakeConnection('10.0.0.2', port))
    for (const conn of conns.slice(0, 2)) {
      expect(await admit(gater, conn)).toBe(true)
      await upgrade(gater, conn)
    }
    expect(gater.countsOf('10.0.0.2')).toEqual({ pending: 0, open: 2 })
    expect(await admit(gater, conns[2])).toBe(true)
    // Pending share is free (1 of 2) but 3 are held in all.
    expect(await admit(gater, new FakeConnection('10.0.0.2', 4))).toBe(false)
    expect(gater.refused()).toEqual({ pending: 0, total: 1 })
    conns[0].close()
    expect(gater.countsOf('10.0.0.2')).toEqual({ pending: 1, open: 1 })
    expect(await admit(gater, new FakeConnection('10.0.0.2', 5))).toBe(true)
  })

  it('refuses a connection that is already closed, and counts nothing for it', async () => {
    const gater = createInboundGater({ maxPendingPerAddress: 4, maxInboundPerAddress: 16 })
    const conn = new FakeConnection('10.0.0.2')
    conn.status = 'closed'
    expect(await admit(gater, conn)).toBe(false)
    expect(gater.countsOf('10.0.0.2')).toEqual({ pending: 0, open: 0 })
  })

  it('ignores an upgrade it never saw start (an outbound dial answering as responder)', async () => {
    const gater = createInboundGater({ maxPendingPerAddress: 4, maxInboundPerAddress: 16 })
    await upgrade(gater, new FakeConnection('10.0.0.2'))
    expect(gater.countsOf('10.0.0.2')).toEqual({ pending: 0, open: 0 })
  })

  it('counts all of an IPv6 /64 as one address', async () => {
    const gater = createInboundGater({ maxPendingPerAddress: 2, maxInboundPerAddress: 16 })
    expect(await admit(gater, new FakeConnection('2001:db8:1:2::1'))).toBe(true)
    expect(await admit(gater, new FakeConnection('2001:db8:1:2:ffff::9'))).toBe(true)
    expect(await admit(gater, new FakeConnection('2001:db8:1:2:abcd:1:2:3'))).toBe(false)
    expect(await admit(gater, new FakeConnection('2001:db8:1:3::1'))).toBe(true)
  })

  it('keeps counts equal to what is held, within both limits, whatever the order of events', async () => {
    const op = fc.record({ kind: fc.constantFrom('open', 'upgrade', 'close'), address: fc.integer({ min: 0, max: 2 }), pick: fc.nat() })
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const limits = { maxPendingPerAddress: 3, maxInboundPerAddress: 5 }
        const gater = createInboundGater(limits)
        const held: { conn: FakeConnection; ip: string; state: 'pending' | 'open' }[] = []
        for (const { kind, address, pick } of ops) {
          const ip = `10.0.0.${address}`
          if (kind === 'open') {
            const conn = new FakeConnection(ip, held.length)
            if (await admit(gater, conn)) held.push({ conn, ip, state: 'pending' })
          } else if (held.length > 0) {
            const entry = held[pick % held.length]
            if (kind === 'upgrade') {
              await upgrade(gater, entry.conn)
              entry.state = 'open'
            } else {
              entry.conn.close()
              held.splice(held.indexOf(entry), 1)
            }
          }
          for (const a of [0, 1, 2]) {
            const mine = held.filter((h) => h.ip === `10.0.0.${a}`)
            const counts = { pending: mine.filter((h) => h.state === 'pending').length, open: mine.filter((h) => h.state === 'open').length }
            expect(gater.countsOf(`10.0.0.${a}`)).toEqual(counts)
            expect(counts.pending).toBeLessThanOrEqual(limits.maxPendingPerAddress)
            expect(counts.pending + counts.open).toBeLessThanOrEqual(limits.maxInboundPerAddress)
          }
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe('addressKeyOf', () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    expect(addressKeyOf('127.0.0.2')).toBe('127.0.0.2')
    expect(addressKeyOf('::ffff:127.0.0.2')).toBe('127.0.0.2')
    expect(addressKeyOf('::1')).toBe('0:0:0:0::/64')
    expect(addressKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressKeyOf('2001:DB8:0001:02::')).toBe('2001:db8:1:2::/64')
    expect(addressKeyOf('not an address')).toBeUndefined()
    expect(addressKeyOf('')).toBeUndefined()
  })

  it('gives every spelling of an IPv6 address the key of its first four groups', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        // The URL parser writes the canonical (compressed, lower-case) form.
        const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1)
        const expanded = expand(canonical)
        // IPv4-mapped addresses are keyed as IPv4 (the case above).
        fc.pre(!(expanded.slice(0, 5).every((g) => g === 0) && expanded[5] === 0xffff))
        expect(addressKeyOf(ip)).toBe(addressKeyOf(canonical))
        expect(addressKeyOf(ip)).toBe(`${expanded.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`)
      }),
      { numRuns: 2_000 }
    )
  })
})

/** Eight numeric groups of a canonical IPv6 address (no dotted tail: the URL parser writes it as hex). */
function expand(ip: string): number[] {
  const [head, tail] = ip.split('::')
  const h = head === '' ? [] : head.split(':')
  const t = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]
  return groups.map((g) => Number.parseInt(g, 16))
}
