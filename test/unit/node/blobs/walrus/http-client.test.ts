// The Walrus HTTP client against small servers on 127.0.0.1 that misbehave
// on purpose: malformed or huge answers, lying lengths, ignored ranges,
// failures that come and go. Every server counts the requests it saw, so the
// retry policy is checked by counts, never by clocks.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  WalrusConfigError,
  WalrusHttpError,
  WalrusNetworkError,
  WalrusNotFoundError,
  WalrusResponseError,
  WalrusTimeoutError,
  WalrusTooLargeError
} from '../../../../../node/blobs/walrus/errors.ts'
import { WalrusHttpClient, type WalrusHttpClientInit } from '../../../../../node/blobs/walrus/http-client.ts'
import { silentLogger } from '../../../../../node/log.ts'

const BLOB_ID = 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk'
const OTHER_ID = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const DATA = randomBytes(100_000)

type Handler = (req: IncomingMessage, res: ServerResponse, n: number, body: Buffer) => void

interface TestServer {
  url: string
  requests: { method: string; url: string; range?: string; body: Buffer }[]
}

const servers: (Server | TcpServer)[] = []

afterEach(async () => {
  for (const s of servers.splice(0)) {
    if ('closeAllConnections' in s) s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }
})

async function serve(handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.push({ method: req.method!, url: req.url!, range: req.headers.range, body })
      handler(req, res, requests.length, body)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

/** A server that writes raw HTTP, so headers can lie. */
async function serveRaw(respond: (request: string, n: number) => string | Buffer, then: 'close' | 'hang' = 'close'): Promise<TestServer> {
  const requests: TestServer['requests'] = []
  const server = createTcpServer((socket) => {
    let text = ''
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
      if (!text.includes('\r\n\r\n')) return
      requests.push({ method: text.split(' ')[0]!, url: text.split(' ')[1]!, body: Buffer.alloc(0) })
      socket.write(respond(text, requests.length))
      if (then === 'close') socket.end()
      text = ''
    })
    socket.on('error', () => {})
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

function client(url: string, init: Partial<WalrusHttpClientInit> = {}): WalrusHttpClient {
  return new WalrusHttpClient({ publisherUrl: url, aggregatorUrl: url, retries: 3, retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 5_000, logger: silentLogger, random: () => 0, ...init })
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
}

const created = { newlyCreated: { blobObject: { id: `0x${'ab'.repeat(32)}`, blobId: BLOB_ID, size: 5, storage: { startEpoch: 3, endEpoch: 8 } }, cost: 1 } }

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a failure')
}

describe('WalrusHttpClient.store', () => {
  it('PUTs the raw bytes with the epochs and options, and reads a newlyCreated answer', async () => {
    const s = await serve((_req, res) => json(res, 200, created))
    const stored = await client(s.url, { epochs: 5 }).store(DATA, { permanent: true, sendObjectTo: `0x${'cd'.repeat(32)}` })
    expect(stored).toEqual({ blobId: BLOB_ID, objectId: `0x${'ab'.repeat(32)}`, endEpoch: 8, status: 'newlyCreated' })
    expect(s.requests).toHaveLength(1)
    expect(s.requests[0]!.method).toBe('PUT')
    expect(s.requests[0]!.url).toBe(`/v1/blobs?epochs=5&permanent=true&send_object_to=0x${'cd'.repeat(32)}`)
    expect(Buffer.compare(s.requests[0]!.body, DATA)).toBe(0)
  })

  it('reads an alreadyCertified answer, and keeps a base path', async () => {
    const s = await serve((_req, res) => json(res, 200, { alreadyCertified: { blobId: BLOB_ID, event: { txDigest: 'x', eventSeq: '0' }, endEpoch: 12 } }))
    const stored = await client(`${s.url}/walrus/`).store(DATA.subarray(0, 10))
    expect(stored).toEqual({ blobId: BLOB_ID, objectId: undefined, endEpoch: 12, status: 'alreadyCertified' })
    expect(s.requests[0]!.url).toBe('/walrus/v1/blobs?epochs=1')
  })

  it('refuses malformed, odd and oversized answers without retrying them', async () => {
    const answers: ((res: ServerResponse) => void)[] = [
      (res) => res.writeHead(200).end('{"newlyCreated":'),
      (res) => json(res, 200, { newlyCreated: { blobObject: { blobId: 'not-a-blob-id' } } }),
      (res) => json(res, 200, { alreadyCertified: { blobId: 42 } }),
      (res) => json(res, 200, { markedInvalid: { blobId: BLOB_ID } }),
      (res) => json(res, 200, [1, 2, 3]),
      // Chunked, so no Content-Length warns the client: it must stop on its own.
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write(`{"newlyCreated":{"blobObject":{"blobId":"${BLOB_ID}","pad":"`)
        for (let i = 0; i < 100; i++) res.write('x'.repeat(1024))
        res.end('"}}}')
      }
    ]
    for (const answer of answers) {
      const s = await serve((_req, res) => answer(res))
      const err = await failure(client(s.url).store(DATA))
      expect(err).toBeInstanceOf(WalrusResponseError)
      expect(err.message).not.toContain('\n')
      expect(s.requests).toHaveLength(1)
    }
  })

  it('retries 5xx and 429 until an answer comes', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) return json(res, 503, { error: { message: 'busy' } })
      if (n === 2) return res.writeHead(429).end('Too many requests')
      if (n === 3) return json(res, 504, { error: { message: 'not enough confirmations' } })
      json(res, 200, created)
    })
    expect((await client(s.url).store(DATA)).blobId).toBe(BLOB_ID)
    expect(s.requests).toHaveLength(4)
  })

  it('gives up after the configured retries with the last status and message', async () => {
    const s = await serve((_req, res) => json(res, 500, { error: { code: 500, message: 'storage nodes\nunreachable' } }))
    const err = await failure(client(s.url, { retries: 2 }).store(DATA))
    expect(err).toBeInstanceOf(WalrusHttpError)
    expect((err as WalrusHttpError).status).toBe(500)
    expect(err.message).toBe('walrus publisher answered HTTP 500: storage nodes unreachable')
    expect(s.requests).toHaveLength(3)
  })

  it('does not retry other 4xx; 413 is a too-large error', async () => {
    const bad = await serve((_req, res) => json(res, 400, { error: { message: 'epochs must be a whole number' } }))
    const err = await failure(client(bad.url).store(DATA))
    expect(err).toBeInstanceOf(WalrusHttpError)
    expect(err.message).toMatch(/HTTP 400: epochs must be a whole number/)
    expect(bad.requests).toHaveLength(1)
    const big = await serve((_req, res) => res.writeHead(413).end('Failed to buffer the request body: length limit exceeded'))
    const tooLarge = await failure(client(big.url).store(DATA))
    expect(tooLarge).toBeInstanceOf(WalrusTooLargeError)
    expect(tooLarge.message).toMatch(/100000 bytes as too large: Failed to buffer/)
    expect(big.requests).toHaveLength(1)
  })

  it('retries a connection dropped before the answer', async () => {
    const s = await serve((req, res, n) => {
      if (n <= 2) return req.socket.destroy()
      json(res, 200, created)
    })
    expect((await client(s.url).store(DATA)).blobId).toBe(BLOB_ID)
    expect(s.requests).toHaveLength(3)
  })

  it('a publisher that never answers times out on every try', async () => {
    const s = await serve(() => {})
    const err = await failure(client(s.url, { timeoutMs: 100, retries: 1 }).store(DATA))
    expect(err).toBeInstanceOf(WalrusTimeoutError)
    expect(s.requests).toHaveLength(2)
  })

  it('an abort stops at once, also between retries', async () => {
    const s = await serve((_req, res) => json(res, 503, {}))
    const controller = new AbortController()
    const c = client(s.url, { retryBaseMs: 60_000, retryMaxMs: 60_000 })
    const pending = c.store(DATA, { signal: controller.signal })
    while (s.requests.length === 0) await new Promise((r) => setTimeout(r, 5))
    controller.abort(new Error('user gave up'))
    expect((await failure(pending)).message).toBe('user gave up')
    expect(s.requests).toHaveLength(1)
  })

  it('refuses a bad sendObjectTo before any request', async () => {
    const s = await serve((_req, res) => json(res, 200, created))
    await expect(client(s.url).store(DATA, { sendObjectTo: '0x12' })).rejects.toBeInstanceOf(WalrusConfigError)
    expect(s.requests).toHaveLength(0)
  })
})

describe('WalrusHttpClient.read', () => {
  const rangeOf = (req: IncomingMessage) => /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '')!.slice(1).map(Number) as [number, number]

  it('asks for a closed range and returns exactly those bytes', async () => {
    const s = await serve((req, res) => {
      const [a, b] = rangeOf(req)
      res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${DATA.length}` }).end(DATA.subarray(a, b + 1))
    })
    const bytes = await client(s.url).read(BLOB_ID, { offset: 1000, length: 5000 })
    expect(Buffer.compare(bytes, DATA.subarray(1000, 6000))).toBe(0)
    expect(s.requests[0]!.url).toBe(`/v1/blobs/${BLOB_ID}`)
    expect(s.requests[0]!.range).toBe('bytes=1000-5999')
  })

  it('cuts a 200 that ignored the range down to the asked bytes', async () => {
    const s = await serve((_req, res) => res.writeHead(200).end(DATA))
    const bytes = await client(s.url).read(BLOB_ID, { offset: 70_000, length: 20_000 })
    expect(Buffer.compare(bytes, DATA.subarray(70_000, 90_000))).toBe(0)
  })

  it('stops at the asked length when the aggregator sends more', async () => {
    const s = await serve((_req, res) => res.writeHead(206).end(DATA))
    const bytes = await client(s.url).read(BLOB_ID, { offset: 0, length: 10 })
    expect(Buffer.compare(bytes, DATA.subarray(0, 10))).toBe(0)
    expect(s.requests).toHaveLength(1)
  })

  it('does not rely on Content-Length: a huge claim allocates nothing more, a short body is a retried failure', async () => {
    const huge = await serveRaw(() => Buffer.concat([Buffer.from('HTTP/1.1 206 Partial Content\r\ncontent-length: 99999999999\r\n\r\n'), DATA.subarray(0, 64)]))
    expect(Buffer.compare(await client(huge.url).read(BLOB_ID, { offset: 0, length: 64 }), DATA.subarray(0, 64))).toBe(0)
    const short = await serveRaw(() => Buffer.concat([Buffer.from('HTTP/1.1 206 Partial Content\r\ncontent-length: 64\r\n\r\n'), DATA.subarray(0, 64)]))
    const err = await failure(client(short.url).read(BLOB_ID, { offset: 0, length: 100 }))
    expect(err).toBeInstanceOf(WalrusResponseError)
    expect(err.message).toBe('walrus aggregator sent 64 of 100 bytes')
    expect(short.requests).toHaveLength(4)
    const cut = await serveRaw(() => Buffer.concat([Buffer.from('HTTP/1.1 206 Partial Content\r\ncontent-length: 100\r\n\r\n'), DATA.subarray(0, 30)]))
    expect(await failure(client(cut.url, { retries: 1 }).read(BLOB_ID, { offset: 0, length: 100 }))).toBeInstanceOf(WalrusNetworkError)
    expect(cut.requests).toHaveLength(2)
  })

  it('refuses bytes from another offset than asked', async () => {
    const s = await serve((_req, res) => res.writeHead(206, { 'content-range': `bytes 0-9/${DATA.length}` }).end(DATA.subarray(0, 10)))
    const err = await failure(client(s.url).read(BLOB_ID, { offset: 5, length: 10 }))
    expect(err).toBeInstanceOf(WalrusResponseError)
    expect(s.requests).toHaveLength(1)
  })

  it('404 is not-found and final; 503 is retried; 416 is final', async () => {
    const missing = await serve((_req, res) => json(res, 404, { error: { message: 'the requested blob ID does not exist' } }))
    expect(await failure(client(missing.url).read(BLOB_ID, { offset: 0, length: 1 }))).toBeInstanceOf(WalrusNotFoundError)
    expect(missing.requests).toHaveLength(1)
    const flaky = await serve((_req, res, n) => (n < 3 ? json(res, 503, {}) : res.writeHead(206).end(DATA.subarray(0, 8))))
    expect(Buffer.compare(await client(flaky.url).read(BLOB_ID, { offset: 0, length: 8 }), DATA.subarray(0, 8))).toBe(0)
    expect(flaky.requests).toHaveLength(3)
    const range = await serve((_req, res) => json(res, 416, {}))
    expect(await failure(client(range.url).read(BLOB_ID, { offset: 0, length: 8 }))).toBeInstanceOf(WalrusHttpError)
    expect(range.requests).toHaveLength(1)
  })

  it('reads give up on their own limits, stores keep theirs', async () => {
    const s = await serve((_req, res) => json(res, 503, {}))
    const c = client(s.url, { retries: 3, readRetries: 1 })
    expect(await failure(c.read(BLOB_ID, { offset: 0, length: 8 }))).toBeInstanceOf(WalrusHttpError)
    expect(s.requests).toHaveLength(2)
    expect(await failure(c.store(DATA))).toBeInstanceOf(WalrusHttpError)
    expect(s.requests).toHaveLength(2 + 4)
    const hung = await serveRaw(() => Buffer.from('HTTP/1.1 206 Partial Content\r\ncontent-length: 100\r\n\r\n'), 'hang')
    const err = await failure(client(hung.url, { timeoutMs: 60_000, readTimeoutMs: 100, readRetries: 0 }).read(BLOB_ID, { offset: 0, length: 100 }))
    expect(err).toBeInstanceOf(WalrusTimeoutError)
    expect(err.message).toContain('100 ms')
  })

  it('a body that stalls times out and is retried', async () => {
    const s = await serveRaw(() => Buffer.concat([Buffer.from('HTTP/1.1 206 Partial Content\r\ncontent-length: 100\r\n\r\n'), DATA.subarray(0, 10)]), 'hang')
    const err = await failure(client(s.url, { timeoutMs: 100, retries: 2 }).read(BLOB_ID, { offset: 0, length: 100 }))
    expect(err).toBeInstanceOf(WalrusTimeoutError)
    expect(s.requests).toHaveLength(3)
  })

  it('refuses a malformed blob id or range before any request', async () => {
    const s = await serve((_req, res) => res.writeHead(206).end(DATA))
    await expect(client(s.url).read('../../etc/passwd', { offset: 0, length: 1 })).rejects.toThrow(/43 characters/)
    await expect(client(s.url).read(BLOB_ID, { offset: -1, length: 1 })).rejects.toThrow(/byte range/)
    await expect(client(s.url).read(BLOB_ID, { offset: 0, length: 0 })).rejects.toThrow(/byte range/)
    expect(s.requests).toHaveLength(0)
  })

  it('readAll refuses a blob past maxBytes, however the body is framed', async () => {
    const s = await serve((req, res) => (req.url!.endsWith(OTHER_ID) ? res.writeHead(200).end(DATA.subarray(0, 1000)) : res.writeHead(200).end(DATA)))
    expect((await client(s.url).readAll(OTHER_ID, { maxBytes: 1000 })).byteLength).toBe(1000)
    expect(await failure(client(s.url).readAll(BLOB_ID, { maxBytes: 1000 }))).toBeInstanceOf(WalrusResponseError)
    const lying = await serveRaw(() => Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n'), DATA.subarray(0, 2000)]))
    expect((await client(lying.url).readAll(BLOB_ID, { maxBytes: 1000 })).byteLength).toBe(10)
  })
})

describe('WalrusHttpClient settings and health', () => {
  it('refuses unusable URLs and settings with one line', () => {
    const cases: [Partial<WalrusHttpClientInit>, RegExp][] = [
      [{ publisherUrl: 'ftp://example.com' }, /publisher URL must be http or https, got ftp:/],
      [{ aggregatorUrl: 'not a url' }, /aggregator URL "not a url" is not a URL/],
      [{ publisherUrl: 'http://user:pw@example.com' }, /credentials/],
      [{ aggregatorUrl: 'http://example.com/?x=1' }, /query/],
      [{ epochs: 0 }, /epochs must be a whole number from 1/],
      [{ retries: 1.5 }, /retries/]
    ]
    for (const [init, message] of cases) {
      const err = (() => {
        try {
          client('http://127.0.0.1:1', init)
        } catch (e) {
          return e as Error
        }
      })()
      expect(err).toBeInstanceOf(WalrusConfigError)
      expect(err!.message).toMatch(message)
      expect(err!.message).not.toContain('\n')
    }
  })

  it('health says one line per endpoint', async () => {
    const up = await serve((req, res) => (req.url === '/v1/api' ? json(res, 200, { name: 'test' }) : json(res, 404, {})))
    const down = await serve((_req, res) => json(res, 503, {}))
    const healthy = await client(up.url).health()
    expect(healthy).toEqual({ ok: true, detail: `walrus publisher ${up.url}: ok\nwalrus aggregator ${up.url}: ok` })
    const mixed = await new WalrusHttpClient({ publisherUrl: up.url, aggregatorUrl: down.url, logger: silentLogger }).health()
    expect(mixed).toEqual({ ok: false, detail: `walrus publisher ${up.url}: ok\nwalrus aggregator ${down.url}: HTTP 503` })
    const closed = await serveRaw(() => '')
    servers.pop()!.close()
    const gone = await new WalrusHttpClient({ publisherUrl: up.url, aggregatorUrl: closed.url, logger: silentLogger }).health()
    expect(gone.ok).toBe(false)
    expect(gone.detail.split('\n')).toHaveLength(2)
    expect(gone.detail.split('\n')[1]).toBe(`walrus aggregator ${closed.url}: walrus request failed: ECONNREFUSED`)
  })
})
