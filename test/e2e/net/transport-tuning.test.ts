// The tuned transport of node/net/host.ts (native noise crypto, batched
// socket writes, larger socket buffers) on real sockets: it talks to a host
// with libp2p's defaults in both directions, a changed byte on the wire
// never reaches the application, and the write batching does apply.
import { createHash, randomBytes } from 'node:crypto'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Libp2p, MessageStream, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { afterAll, describe, expect, it } from 'vitest'
import { sendPaced } from '../../../node/blobs/stream-io.ts'
import { createHost } from '../../../node/net/host.ts'
import { batchSocketWrites, SOCKET_HIGH_WATER_MARK, TCP_SOCKET_OPTIONS, withBatchedSocketWrites } from '../../../node/net/socket-writes.ts'

const SINK = '/pictor-test/sink/1.0.0'
const MIB = 1024 * 1024
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** What a sink stream received, and whether it ended cleanly. */
interface Received {
  bytes: Buffer
  error?: Error
}

/** Collects every stream opened on SINK; `next()` resolves with the next one's bytes once it ends or fails. */
async function sink(node: Libp2p): Promise<{ next(): Promise<Received> }> {
  const results: Promise<Received>[] = []
  const waiters: ((r: Promise<Received>) => void)[] = []
  await node.handle(SINK, (stream: Stream) => {
    const result = (async () => {
      const parts: Buffer[] = []
      try {
        for await (const chunk of stream) parts.push(Buffer.from(chunk.subarray()))
        await stream.close()
        return { bytes: Buffer.concat(parts) }
      } catch (err) {
        stream.abort(err as Error)
        return { bytes: Buffer.concat(parts), error: err as Error }
      }
    })()
    const waiter = waiters.shift()
    if (waiter !== undefined) waiter(result)
    else results.push(result)
  })
  return {
    next: () => results.shift() ?? new Promise<Received>((resolve) => waiters.push((r) => void r.then(resolve)))
  }
}

async function send(from: Libp2p, to: Libp2p, bytes: Uint8Array): Promise<void> {
  const stream = await from.dialProtocol(to.peerId, SINK)
  for (let at = 0; at < bytes.byteLength; at += MIB) await sendPaced(stream, bytes.subarray(at, at + MIB))
  await stream.close()
}

const tunedHost = async () => createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], localTestnet: true })

const defaultHost = () =>
  createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })

describe('tuned transport', () => {
  const started: Libp2p[] = []
  const start = async <T extends Libp2p>(node: Promise<T>): Promise<T> => {
    const n = await node
    started.push(n)
    return n
  }

  afterAll(async () => {
    await Promise.allSettled(started.map((n) => n.stop()))
  })

  it('interoperates with libp2p defaults: tuned host dialling and dialled, data both ways', async () => {
    const tuned = await start(tunedHost())
    const plain = await start(defaultHost())
    const tunedSink = await sink(tuned)
    const plainSink = await sink(plain)
    await tuned.dial(plain.getMultiaddrs())
    // Odd sizes: records that do not fill 64 KiB, lists that span reads, one small message.
    for (const size of [3 * MIB + 12_345, 700]) {
      const bytes = randomBytes(size)
      await send(tuned, plain, bytes)
      const there = await plainSink.next()
      expect(there.error).toBeUndefined()
      expect(sha256(there.bytes)).toBe(sha256(bytes))
      await send(plain, tuned, bytes)
      const back = await tunedSink.next()
      expect(back.error).toBeUndefined()
      expect(sha256(back.bytes)).toBe(sha256(bytes))
    }
    // Now the default host dials a fresh tuned host: the tuned side secures inbound.
    const tunedInbound = await start(tunedHost())
    const inboundSink = await sink(tunedInbound)
    await plain.dial(tunedInbound.getMultiaddrs())
    const bytes = randomBytes(2 * MIB + 1)
    await send(plain, tunedInbound, bytes)
    expect(sha256((await inboundSink.next()).bytes)).toBe(sha256(bytes))
    await send(tunedInbound, plain, bytes)
    expect(sha256((await plainSink.next()).bytes)).toBe(sha256(bytes))
  })

  it('a tuned receiver answers many small messages with its ACK alone, not a window update per frame', async () => {
    const tuned = await start(tunedHost())
    const plain = await start(defaultHost())
    const received = await sink(tuned)
    await plain.dial(tuned.getMultiaddrs())
    const stream = await plain.dialProtocol(tuned.peerId, SINK)
    // The sender's stream counts the window update frames the receiver sends back.
    const parts = stream as unknown as { handleWindowUpdate(frame: unknown): void }
    const handle = parts.handleWindowUpdate.bind(stream)
    let updates = 0
    parts.handleWindowUpdate = (frame) => {
      updates++
      handle(frame)
    }
    const messages = Array.from({ length: 300 }, () => randomBytes(100))
    for (const message of messages) {
      stream.send(message)
      // One frame each: let the muxer send it before the next.
      await new Promise((resolve) => setImmediate(resolve))
    }
    await stream.close()
    expect(sha256((await received.next()).bytes)).toBe(sha256(Buffer.concat(messages)))
    expect(updates).toBeLessThanOrEqual(1)
  })

  it('a byte changed on the wire fails the connection; the application only ever sees a clean prefix', async () => {
    const sender = await start(tunedHost())
    const receiver = await start(tunedHost())
    const received = await sink(receiver)
    // Flips one byte 1 MiB into what the sender writes: well past the handshake, inside a data record.
    const proxy = await tamperingProxy(tcpPort(receiver), MIB)
    try {
      await sender.dial(multiaddr(`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${receiver.peerId}`))
      const bytes = randomBytes(4 * MIB)
      const sending = send(sender, receiver, bytes).then(
        () => undefined,
        (err: Error) => err
      )
      const got = await received.next()
      await sending
      expect(proxy.flipped()).toBe(true)
      expect(got.bytes.byteLength).toBeLessThan(bytes.byteLength)
      expect(Buffer.compare(got.bytes, bytes.subarray(0, got.bytes.byteLength))).toBe(0)
      await expect.poll(() => receiver.getConnections(sender.peerId).length).toBe(0)
    } finally {
      await proxy.close()
    }
  })

  it('batches socket writes: fewer write calls than noise records, on sockets with the raised high-water mark', async () => {
    const seen: MessageStream[] = []
    // The tuned encrypter, recording the raw connections it is given.
    const recording = withBatchedSocketWrites((components: Parameters<ReturnType<typeof noise>>[0]) => {
      const inner = noise()(components)
      return {
        protocol: inner.protocol,
        secureInbound: (connection, options) => {
          seen.push(connection)
          return inner.secureInbound(connection, options)
        },
        secureOutbound: (connection, options) => {
          seen.push(connection)
          return inner.secureOutbound(connection, options)
        }
      }
    })
    const make = () =>
      createLibp2p({
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        transports: [tcp({ dialOpts: TCP_SOCKET_OPTIONS, listenOpts: TCP_SOCKET_OPTIONS })],
        connectionEncrypters: [recording],
        streamMuxers: [yamux()]
      })
    const a = await start(make())
    const b = await start(make())
    const received = await sink(b)
    await a.dial(b.getMultiaddrs())
    expect(seen).toHaveLength(2)
    // Both ends were hooked (a TCP connection of this @libp2p/tcp version), and have the raised mark.
    for (const connection of seen) {
      expect(batchSocketWrites(connection)).toBe(true)
      expect((connection as unknown as { socket: Socket }).socket.writableHighWaterMark).toBe(SOCKET_HIGH_WATER_MARK)
    }
    const socket = (seen.find((c) => (c as unknown as { direction: string }).direction === 'outbound') as unknown as { socket: Socket }).socket
    let calls = 0
    const write = socket._write.bind(socket)
    const writev = socket._writev?.bind(socket)
    socket._write = (...args: Parameters<Socket['_write']>) => {
      calls++
      write(...args)
    }
    if (writev !== undefined) {
      socket._writev = (...args: Parameters<NonNullable<Socket['_writev']>>) => {
        calls++
        writev(...args)
      }
    }
    const bytes = randomBytes(8 * MIB)
    await send(a, b, bytes)
    expect(sha256((await received.next()).bytes)).toBe(sha256(bytes))
    // 8 MiB is 129 noise records, each a length and a ciphertext: 258 write calls unbatched.
    expect(calls).toBeGreaterThan(0)
    expect(calls).toBeLessThan(129)
  })
})

function tcpPort(node: Libp2p): number {
  const port = node.getMultiaddrs()[0]?.getComponents().find((c) => c.name === 'tcp')?.value
  if (port === undefined) throw new Error('node has no TCP address')
  return Number(port)
}

/** A TCP proxy to `port` that flips one byte at offset `at` of the client-to-server direction. */
async function tamperingProxy(port: number, at: number): Promise<{ port: number; flipped(): boolean; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  let seen = 0
  let flipped = false
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.on('data', (chunk: Buffer) => {
      if (!flipped && seen + chunk.byteLength > at) {
        chunk[at - seen]! ^= 0x40
        flipped = true
      }
      seen += chunk.byteLength
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    flipped: () => flipped,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
