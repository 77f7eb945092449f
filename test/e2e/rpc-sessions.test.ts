// Streams that carry several request/reply exchanges, over two real hosts on
// 127.0.0.1: the client's session cache reuses an open stream, keeps a few
// for concurrent calls, closes idle ones, and falls back to a new stream
// once when a reused one fails; the server answers exchanges in order on one
// stream, keeps its size caps per request, and resets a stream left idle.
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/log.ts'
import { useHostPair } from './helpers/host-pair.ts'
import { type RpcOptions, serveRpc } from '../../node/net/rpc.ts'
import { RpcSessions } from '../../node/net/rpc-sessions.ts'

const hosts = useHostPair([93, 94])

const OPTIONS: RpcOptions = { maxRequestBytes: 1024, maxReplyBytes: 1024, timeoutMs: 10_000 }
let protocols = 0
const nextProtocol = () => `/pictor-test/session-${++protocols}/1.0.0`

/** The client's open streams of `protocol` to the server. */
const openStreams = (protocol: string) =>
  hosts.client
    .getConnections(hosts.server.peerId)
    .flatMap((c) => c.streams)
    .filter((s) => s.protocol === protocol && s.status === 'open')

const closed = (stream: Stream) => new Promise<void>((resolve) => (stream.status === 'open' ? stream.addEventListener('close', () => resolve(), { once: true }) : resolve()))

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 10))
}

/** Echoes each request reversed and counts them. */
async function serveEcho(protocol: string, options: RpcOptions = OPTIONS) {
  const seen: number[] = []
  const unhandle = await serveRpc(hosts.server, protocol, async (req) => {
    seen.push(req[0]!)
    return Uint8Array.from(req).reverse()
  }, options, silentLogger)
  return { seen, unhandle }
}

describe('RpcSessions against serveRpc', () => {
  it('sends sequential requests on one open stream', async () => {
    const protocol = nextProtocol()
    const echo = await serveEcho(protocol)
    const sessions = new RpcSessions(hosts.client)
    try {
      for (let i = 1; i <= 5; i++) expect([...(await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(i, 0, 9), OPTIONS))]).toEqual([9, 0, i])
      expect(sessions.opened).toBe(1)
      expect(echo.seen).toEqual([1, 2, 3, 4, 5])
      expect(openStreams(protocol)).toHaveLength(1)
    } finally {
      sessions.close()
      await echo.unhandle()
    }
  })

  it('gives concurrent calls their own streams, keeps at most maxIdleStreams, and reuses them', async () => {
    const protocol = nextProtocol()
    const echo = await serveEcho(protocol)
    const sessions = new RpcSessions(hosts.client, { maxIdleStreams: 2 })
    try {
      const replies = await Promise.all([1, 2, 3].map((i) => sessions.call(hosts.server.peerId, protocol, Uint8Array.of(i, 7), OPTIONS)))
      expect(replies.map((r) => [...r])).toEqual([[7, 1], [7, 2], [7, 3]])
      expect(sessions.opened).toBe(3)
      expect(sessions.idleStreams).toBe(2)
      await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(4), OPTIONS)
      await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(5), OPTIONS)
      expect(sessions.opened).toBe(3)
      // The third stream was closed, not kept: the server ended it when the client closed its side.
      await until(() => openStreams(protocol).length === 2)
    } finally {
      sessions.close()
      await echo.unhandle()
    }
  })

  it('closes a stream left idle past idleMs, and the server ends its side', async () => {
    const protocol = nextProtocol()
    const echo = await serveEcho(protocol)
    const sessions = new RpcSessions(hosts.client, { idleMs: 50 })
    try {
      await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(1), OPTIONS)
      const [stream] = openStreams(protocol)
      expect(stream).toBeDefined()
      await closed(stream!)
      expect(stream!.status).toBe('closed')
      expect(sessions.idleStreams).toBe(0)
      // The next call opens a new stream.
      await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(2), OPTIONS)
      expect(sessions.opened).toBe(2)
    } finally {
      sessions.close()
      await echo.unhandle()
    }
  })

  it('drops a stream the server reset while idle (its idle timeout) and calls on a new one', async () => {
    const protocol = nextProtocol()
    const echo = await serveEcho(protocol, { ...OPTIONS, idleTimeoutMs: 50 })
    const sessions = new RpcSessions(hosts.client, { idleMs: 60_000 })
    try {
      await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(1), OPTIONS)
      const [stream] = openStreams(protocol)
      await closed(stream!)
      expect(stream!.status).not.toBe('open')
      await until(() => sessions.idleStreams === 0)
      expect([...(await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(2, 3), OPTIONS))]).toEqual([3, 2])
      expect(sessions.opened).toBe(2)
    } finally {
      sessions.close()
      await echo.unhandle()
    }
  })
})

describe('RpcSessions against a server that fails a reused stream', () => {
  /** Answers the first request of each stream, then aborts the stream at the next one (as a server closing it would). */
  async function serveOnce(protocol: string, failFirst = false) {
    let streams = 0
    await hosts.server.handle(protocol, async (stream: Stream) => {
      const lp = lpStream(stream)
      const n = ++streams
      try {
        const req = (await lp.read()).subarray()
        if (failFirst && n === 1) throw new Error('refusing')
        await lp.write(req)
        await lp.read()
        stream.abort(new Error('no second exchange here'))
      } catch (err) {
        stream.abort(err as Error)
      }
    })
    return { streams: () => streams }
  }

  it('sends the request once more on a new stream', async () => {
    const protocol = nextProtocol()
    const once = await serveOnce(protocol)
    const sessions = new RpcSessions(hosts.client, { idleMs: 60_000 })
    try {
      expect([...(await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(1), OPTIONS))]).toEqual([1])
      expect(sessions.idleStreams).toBe(1)
      expect([...(await sessions.call(hosts.server.peerId, protocol, Uint8Array.of(2), OPTIONS))]).toEqual([2])
      expect(sessions.opened).toBe(2)
      expect(once.streams()).toBe(2)
    } finally {
      sessions.close()
      await hosts.server.unhandle(protocol)
    }
  })

  it('does not retry a request that fails on a new stream', async () => {
    const protocol = nextProtocol()
    const once = await serveOnce(protocol, true)
    const sessions = new RpcSessions(hosts.client)
    try {
      await expect(sessions.call(hosts.server.peerId, protocol, Uint8Array.of(1), OPTIONS)).rejects.toThrow()
      expect(sessions.opened).toBe(1)
      expect(once.streams()).toBe(1)
      expect(sessions.idleStreams).toBe(0)
    } finally {
      sessions.close()
      await hosts.server.unhandle(protocol)
    }
  })
})

describe('serveRpc sessions against a raw client', () => {
  it('answers exchanges in order on one stream and closes cleanly when the client closes its side', async () => {
    const protocol = nextProtocol()
    const echo = await serveEcho(protocol)
    try {
      const stream = await hosts.client.dialProtocol(hosts.server.peerId, protocol)
      const lp = lpStream(stream)
      for (let i = 1; i <= 3; i++) {
        await lp.write(Uint8Array.of(i, 5))
        expect([...(await lp.read()).subarray()]).toEqual([5, i])
      }
      await stream.close()
      await closed(stream)
      expect(stream.status).toBe('closed')
      expect(echo.seen).toEqual([1, 2, 3])
    } finally {
      await echo.unhandle()
    }
  })

  it('resets streams held open without a request past the idle timeout', async () => {
    const protocol = nextProtocol()
    const echo = await serveEcho(protocol, { ...OPTIONS, idleTimeoutMs: 100 })
    try {
      const streams = await Promise.all([1, 2, 3].map(() => hosts.client.dialProtocol(hosts.server.peerId, protocol)))
      // One exchange each, then nothing: the server must not keep them.
      for (const [i, stream] of streams.entries()) {
        const lp = lpStream(stream)
        await lp.write(Uint8Array.of(i))
        await lp.read()
      }
      await Promise.all(streams.map(closed))
      for (const stream of streams) expect(stream.status).not.toBe('open')
      expect(echo.seen).toEqual([0, 1, 2])
    } finally {
      await echo.unhandle()
    }
  })

  it('keeps the request size cap on every exchange of a stream', async () => {
    const protocol = nextProtocol()
    const echo = await serveEcho(protocol, { ...OPTIONS, maxRequestBytes: 16 })
    try {
      const stream = await hosts.client.dialProtocol(hosts.server.peerId, protocol)
      const lp = lpStream(stream)
      await lp.write(Uint8Array.of(1))
      await lp.read()
      await lp.write(new Uint8Array(17).fill(2))
      await closed(stream)
      expect(stream.status).not.toBe('open')
      expect(echo.seen).toEqual([1])
    } finally {
      await echo.unhandle()
    }
  })
})
