// 64-byte request/response round trips between two hosts in this process:
//   openStream  one libp2p stream, length-prefixed ping-pong, many round trips
//   newStream   callRpc: a new stream (and protocol negotiation) per request
//   session     RpcSessions.call against serveRpc: the task protocol's client,
//               requests on a stream it keeps open (one stream opened in all)
//   baseline    raw node:net TCP echo on 127.0.0.1, same process, same run
// Each figure is per round trip, in microseconds; ratios are medians over the
// raw TCP median.
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { silentLogger } from '../../node/log.ts'
import { callRpc, type RpcOptions, serveRpc } from '../../node/net/rpc.ts'
import { RpcSessions } from '../../node/net/rpc-sessions.ts'
import { type BenchHost, connect, startHosts, stopHosts } from './lib/hosts.ts'
import { progress, runBench } from './lib/report.ts'
import { figures, round, summarise } from './lib/stats.ts'

const BENCH = 'rpc-roundtrip'
const MESSAGE_BYTES = 64
const ECHO_PROTOCOL = '/pictor-bench/echo/1.0.0'
const RPC_PROTOCOL = '/pictor-bench/rpc/1.0.0'
const RPC_OPTIONS: RpcOptions = { maxRequestBytes: 1024, maxReplyBytes: 1024, timeoutMs: 10_000 }
// Sized for ~1-2 s per mode on a loaded 2-core machine; the first WARMUP are dropped (JIT, buffers).
const ROUNDS = { openStream: 3000, newStream: 1000, session: 3000, rawTcp: 10_000 }
const WARMUP_FRACTION = 0.1

async function timeRounds(rounds: number, once: () => Promise<void>): Promise<number[]> {
  const warmup = Math.floor(rounds * WARMUP_FRACTION)
  const samples: number[] = []
  for (let i = 0; i < warmup + rounds; i++) {
    const start = performance.now()
    await once()
    if (i >= warmup) samples.push((performance.now() - start) * 1000)
  }
  return samples
}

function assertEcho(reply: Uint8Array, request: Uint8Array): void {
  if (reply.byteLength !== request.byteLength || reply[0] !== request[0]) throw new Error(`bad echo: ${reply.byteLength} bytes`)
}

async function serveEcho(server: BenchHost): Promise<void> {
  await server.libp2p.handle(ECHO_PROTOCOL, async (stream: Stream) => {
    const lp = lpStream(stream, { maxDataLength: 1024 })
    try {
      for (;;) await lp.write((await lp.read()).subarray())
    } catch {
      // UnexpectedEOFError when the client closes: the normal end.
    } finally {
      await stream.close().catch((err: Error) => stream.abort(err))
    }
  })
}

async function openStreamRounds(client: BenchHost, server: BenchHost, request: Uint8Array): Promise<number[]> {
  const stream = await client.libp2p.dialProtocol(server.libp2p.peerId, ECHO_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: 1024 })
  try {
    return await timeRounds(ROUNDS.openStream, async () => {
      await lp.write(request)
      assertEcho((await lp.read()).subarray(), request)
    })
  } finally {
    await stream.close()
  }
}

async function newStreamRounds(client: BenchHost, server: BenchHost, request: Uint8Array): Promise<number[]> {
  const unserve = await serveRpc(server.libp2p, RPC_PROTOCOL, async (req) => req, RPC_OPTIONS, silentLogger)
  try {
    return await timeRounds(ROUNDS.newStream, async () => {
      assertEcho(await callRpc(client.libp2p, server.libp2p.peerId, RPC_PROTOCOL, request, RPC_OPTIONS), request)
    })
  } finally {
    await unserve()
  }
}

async function sessionRounds(client: BenchHost, server: BenchHost, request: Uint8Array): Promise<{ samples: number[]; streamsOpened: number }> {
  const unserve = await serveRpc(server.libp2p, RPC_PROTOCOL, async (req) => req, RPC_OPTIONS, silentLogger)
  const sessions = new RpcSessions(client.libp2p)
  try {
    const samples = await timeRounds(ROUNDS.session, async () => {
      assertEcho(await sessions.call(server.libp2p.peerId, RPC_PROTOCOL, request, RPC_OPTIONS), request)
    })
    return { samples, streamsOpened: sessions.opened }
  } finally {
    sessions.close()
    await unserve()
  }
}

/** A TCP client that sends `request` and waits until as many bytes came back. */
function tcpRoundTripper(socket: Socket, size: number): () => Promise<void> {
  let pending: { received: number; resolve: () => void } | undefined
  socket.on('data', (chunk: Buffer) => {
    if (pending === undefined) throw new Error('unexpected bytes from echo server')
    pending.received += chunk.byteLength
    if (pending.received >= size) {
      const { resolve } = pending
      pending = undefined
      resolve()
    }
  })
  return () =>
    new Promise<void>((resolve) => {
      pending = { received: 0, resolve }
      socket.write(Buffer.alloc(size, 7))
    })
}

async function rawTcpRounds(): Promise<number[]> {
  const server: Server = createServer((sock) => {
    sock.setNoDelay(true)
    sock.pipe(sock)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const socket = createConnection({ host: '127.0.0.1', port, noDelay: true })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  try {
    return await timeRounds(ROUNDS.rawTcp, tcpRoundTripper(socket, MESSAGE_BYTES))
  } finally {
    socket.end()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

await runBench(BENCH, async () => {
  const hosts = await startHosts(2, 0x7270)
  const [client, server] = hosts as [BenchHost, BenchHost]
  try {
    await connect(client, server)
    await serveEcho(server)
    const request = new Uint8Array(MESSAGE_BYTES).fill(42)
    progress(BENCH, `raw tcp x${ROUNDS.rawTcp}`)
    const raw = await rawTcpRounds()
    progress(BENCH, `open stream x${ROUNDS.openStream}`)
    const open = await openStreamRounds(client, server, request)
    progress(BENCH, `new stream per request x${ROUNDS.newStream}`)
    const fresh = await newStreamRounds(client, server, request)
    progress(BENCH, `session (RpcSessions) x${ROUNDS.session}`)
    const session = await sessionRounds(client, server, request)
    const rawMedian = summarise(raw).median
    return {
      bench: BENCH,
      params: { messageBytes: MESSAGE_BYTES },
      openStream: { rounds: open.length, ...figures(open, 'Us'), ratioToTcp: round(summarise(open).median / rawMedian, 1) },
      newStream: { rounds: fresh.length, ...figures(fresh, 'Us'), ratioToTcp: round(summarise(fresh).median / rawMedian, 1) },
      session: { rounds: session.samples.length, streamsOpened: session.streamsOpened, ...figures(session.samples, 'Us'), ratioToTcp: round(summarise(session.samples).median / rawMedian, 1) },
      baseline: { rawTcp: { rounds: raw.length, ...figures(raw, 'Us') } }
    }
  } finally {
    await stopHosts(hosts)
  }
})
