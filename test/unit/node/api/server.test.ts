import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MetricsRegistry } from '../../../../node/metrics/index.ts'
import { ApiServer, HttpError, MAX_BODY_BYTES } from '../../../../node/api/server.ts'
import { silentLogger } from '../../../../node/log.ts'

const TOKEN = 'ab'.repeat(32)
let server: ApiServer

beforeEach(async () => {
  const metrics = new MetricsRegistry()
  metrics.counter('pictor_test_total', 'a test counter').inc({ kind: 'x' }, 2)
  server = new ApiServer({ token: TOKEN, port: 0, metrics, logger: silentLogger })
  server.route('GET', '/api/things/:id', (req) => ({ id: req.params.id }))
  server.route('POST', '/api/echo', (req) => ({ got: req.body }))
  server.route('GET', '/api/boom', () => {
    throw new HttpError(409, 'conflict here')
  })
  await server.start()
})
afterEach(() => server.stop())

const call = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
  fetch(server.url + path, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) } })

describe('local API server', () => {
  it('listens on 127.0.0.1 and needs the bearer token', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await call('/api/things/1', {}, null)).status).toBe(401)
    expect((await call('/api/things/1', {}, 'cd'.repeat(32))).status).toBe(401)
    expect(await (await call('/api/things/42')).json()).toEqual({ id: '42' })
  })

  it('answers bad requests with one clear error and keeps serving', async () => {
    expect((await call('/api/nope')).status).toBe(404)
    expect((await call('/api/things/1', { method: 'DELETE' })).status).toBe(405)
    const bad = await call('/api/echo', { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'request body is not valid JSON' })
    const big = await call('/api/echo', { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1), headers: { 'content-type': 'application/json' } })
    expect(big.status).toBe(413)
    expect(await (await call('/api/boom')).json()).toEqual({ error: 'conflict here' })
    expect(await (await call('/api/echo', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })).json()).toEqual({ got: { a: 1 } })
  })

  it('closes the connection of a refused request whose body never ends', async () => {
    const port = Number(new URL(server.url).port)
    for (const auth of ['', `authorization: Bearer ${TOKEN}\r\n`]) {
      const socket = connect(port, '127.0.0.1')
      socket.on('error', () => {})
      const closed = new Promise((resolve) => socket.once('close', resolve))
      let feed: ReturnType<typeof setInterval> | undefined
      let answer = ''
      socket.on('data', (d) => {
        answer += d
        // A client stops sending once it is answered. One that kept writing would meet the server's close
        // with a write error (EPIPE), and Node drops what it had not read yet: the answer, at random.
        clearInterval(feed)
      })
      // Without the token: 401 before the body is read; with it: 413 once the body passes the limit.
      socket.write(`POST /api/echo HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${auth}content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`)
      const chunk = `${(64 * 1024).toString(16)}\r\n${'x'.repeat(64 * 1024)}\r\n`
      feed = setInterval(() => socket.writable && socket.write(chunk), 1)
      await closed
      clearInterval(feed)
      expect(answer).toMatch(auth === '' ? /^HTTP\/1\.1 401/ : /^HTTP\/1\.1 413/)
    }
  })

  it('serves Prometheus metrics without a token', async () => {
    const text = await (await call('/metrics', {}, null)).text()
    expect(text).toContain('# TYPE pictor_test_total counter')
    expect(text).toContain('pictor_test_total{kind="x"} 2')
  })
})
