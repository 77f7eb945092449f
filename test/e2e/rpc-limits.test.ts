// The server side of a one-shot RPC against a peer that misbehaves, over
// two real hosts on 127.0.0.1: a request written too slowly is cut off at
// the read deadline, not the exchange's long one, and a requester that goes
// away aborts the handler's signal (the checker stops its work on it).
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/log.ts'
import { useHostPair } from './helpers/host-pair.ts'
import { type RpcOptions, serveRpc } from '../../node/net/rpc.ts'

const hosts = useHostPair([91, 92])

// The exchange's deadline is far past the test's own timeout: only the read deadline can end these streams in time.
const OPTIONS: RpcOptions = { maxRequestBytes: 1024, maxReplyBytes: 1024, timeoutMs: 120_000, readTimeoutMs: 300 }

const closed = (stream: Stream) => new Promise<void>((resolve) => (stream.status === 'open' ? stream.addEventListener('close', () => resolve(), { once: true }) : resolve()))

describe('serveRpc against a misbehaving requester', () => {
  it('closes a stream whose request is not written within the read timeout, without calling the handler', { timeout: 20_000 }, async () => {
    let calls = 0
    const protocol = '/pictor-test/slow-write/1.0.0'
    const unhandle = await serveRpc(hosts.server, protocol, async (req) => {
      calls++
      return req
    }, OPTIONS, silentLogger)
    try {
      const stream = await hosts.client.dialProtocol(hosts.server.peerId, protocol)
      // A length prefix promising 100 bytes, then 10 of them, then nothing.
      stream.send(Uint8Array.of(100, ...new Uint8Array(10)))
      await closed(stream)
      expect(stream.status).not.toBe('open')
      expect(calls).toBe(0)
    } finally {
      await unhandle()
    }
  })

  it("aborts the handler's signal when the requester goes away before the reply", { timeout: 20_000 }, async () => {
    let started!: () => void
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    let abortedWith: unknown
    const protocol = '/pictor-test/goes-away/1.0.0'
    const unhandle = await serveRpc(hosts.server, protocol, (_req, _connection, signal) => {
      started()
      return new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          abortedWith = signal.reason
          resolve(new Uint8Array())
        })
      })
    }, OPTIONS, silentLogger)
    try {
      const stream = await hosts.client.dialProtocol(hosts.server.peerId, protocol)
      await lpStream(stream).write(Uint8Array.of(1, 2, 3))
      await running
      stream.abort(new Error('requester gone'))
      await new Promise<void>((resolve) => {
        const poll = () => (abortedWith === undefined ? setTimeout(poll, 10) : resolve())
        poll()
      })
      expect(String(abortedWith)).toMatch(/closed before the reply/)
    } finally {
      await unhandle()
    }
  })
})
