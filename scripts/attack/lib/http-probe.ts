// Malformed, oversized and endless requests on a node's local HTTP API,
// written byte by byte over a raw socket (no client library to tidy them
// up). A request is refused when the node answers 4xx (or 501/505 from the
// HTTP parser) or closes the connection; 2xx is acceptance and 500 is a
// crash path, neither is a refusal; no answer in time is held. An endless
// request is also timed until the node closes its connection.
import { once } from 'node:events'
import { createConnection, type Socket } from 'node:net'
import { sleep } from './hosts.ts'

/** What the node did: the status it answered (if any), and whether it closed the connection in time. */
export interface HttpOutcome {
  status?: number
  closed: boolean
  /** Bytes the probe wrote before it stopped. */
  sentBytes: number
  /** Until the answer (a finite request) or the close (an endless one), or the wait ran out. */
  ms: number
}

export interface HttpTarget {
  port: number
  token: string
}

export interface HttpProbe {
  name: string
  /** Writes the request; for an endless one, keeps writing until the socket closes or `signal` aborts. */
  write(socket: Socket, signal: AbortSignal): Promise<void>
  /** Never finishes: the probe waits for the node to close the connection, not just to answer. */
  endless?: boolean
}

/** 4xx (or 501/505 from the HTTP parser), or a close without an answer. */
export function isRefusal(outcome: HttpOutcome): boolean {
  if (outcome.status === undefined) return outcome.closed
  return (outcome.status >= 400 && outcome.status < 500) || outcome.status === 501 || outcome.status === 505
}

export function runHttpProbe(target: HttpTarget, probe: HttpProbe, waitMs: number): Promise<HttpOutcome> {
  const start = performance.now()
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: target.port })
    const writing = new AbortController()
    let received = ''
    let status: number | undefined
    let done = false
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      writing.abort()
      socket.destroy()
      resolve({ status, closed, sentBytes: socket.bytesWritten, ms: Math.round(performance.now() - start) })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (chunk: Buffer) => {
      if (status !== undefined) return
      received += chunk.toString('latin1')
      const line = /^HTTP\/1\.[01] (\d{3})/.exec(received)
      if (line === null) return
      status = Number(line[1])
      if (!probe.endless) finish(false)
    })
    socket.on('error', () => {})
    socket.on('close', () => finish(true))
    socket.on('connect', () => void probe.write(socket, writing.signal).catch(() => {}))
  })
}

const CRLF = '\r\n'

function request(method: string, path: string, headers: Record<string, string>, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  if (body !== '' && headers['Transfer-Encoding'] === undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  return lines.join(CRLF) + CRLF + CRLF + body
}

const sendText = (text: string | Buffer): HttpProbe['write'] => async (socket) => {
  socket.write(text)
}

/** Writes `chunk` over and over, waiting for drain, until the socket closes or the probe stops. */
async function writeForever(socket: Socket, signal: AbortSignal, chunk: string | Buffer, pauseMs = 0): Promise<void> {
  while (!signal.aborted && !socket.destroyed && socket.writable) {
    if (!socket.write(chunk)) {
      // Whichever comes first; the other listener goes with `settled`.
      const settled = new AbortController()
      const either = AbortSignal.any([signal, settled.signal])
      await Promise.race([once(socket, 'drain', { signal: either }), once(socket, 'close', { signal: either })]).catch(() => {})
      settled.abort()
    }
    if (pauseMs > 0) await sleep(pauseMs)
  }
}

/** The API attacks; `jobId` names a job the node has (frame paths are only parsed for a known job). */
export function httpProbes(target: HttpTarget, jobId: string): HttpProbe[] {
  const auth = { Authorization: `Bearer ${target.token}` }
  const json = { ...auth, 'Content-Type': 'application/json' }
  const get = (path: string, headers: Record<string, string> = auth) => sendText(request('GET', path, headers))
  const probes: HttpProbe[] = [
    { name: 'no token', write: get('/api/status', {}) },
    { name: 'wrong token', write: get('/api/status', { Authorization: `Bearer ${'x'.repeat(target.token.length)}` }) },
    { name: 'token of another length', write: get('/api/status', { Authorization: 'Bearer x' }) },
    { name: 'invalid JSON body', write: sendText(request('POST', '/api/jobs', json, '{"renderer":')) },
    { name: 'JSON array as a job', write: sendText(request('POST', '/api/jobs', json, '[1,2,3]')) },
    { name: 'JSON __proto__ job', write: sendText(request('POST', '/api/jobs', json, '{"__proto__":{"renderer":"builtin"},"constructor":{"prototype":{"x":1}}}')) },
    { name: 'job of wrong types', write: sendText(request('POST', '/api/jobs', json, JSON.stringify({ renderer: 'builtin', sceneBlob: 'zz', frameStart: -1, frameEnd: 1e300, width: 'wide' }))) },
    { name: 'JSON body over 1 MiB', write: sendText(request('POST', '/api/jobs', json, JSON.stringify({ comment: 'x'.repeat(2 * 1024 * 1024) }))) },
    { name: 'content-length and chunked together', write: sendText(`POST /api/jobs HTTP/1.1${CRLF}Host: x${CRLF}Authorization: Bearer ${target.token}${CRLF}Content-Type: application/json${CRLF}Content-Length: 4${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}0${CRLF}${CRLF}`) },
    { name: 'negative content-length', write: sendText(`POST /api/jobs HTTP/1.1${CRLF}Host: x${CRLF}Content-Length: -1${CRLF}${CRLF}`) },
    { name: 'garbage request line', write: sendText(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a])) },
    { name: 'unknown method', write: sendText(request('BREW', '/api/status', auth)) },
    { name: 'header over 64 KiB', write: sendText(request('GET', '/api/status', { ...auth, 'X-Fill': 'a'.repeat(64 * 1024) })) },
    { name: 'path traversal', write: get('/api/../../../etc/passwd') },
    { name: 'metrics by POST', write: sendText(request('POST', '/metrics', {}, 'x')) }
  ]
  for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '%E0%A4%A', '%00', 'a'.repeat(4000)]) {
    probes.push({ name: `job id ${id.slice(0, 16)}`, write: get(`/api/jobs/${id}`) })
  }
  for (const frame of ['__proto__', 'constructor', 'toString', 'valueOf', '%E0%A4%A', '-1', '1e9', '0x10', '99999999999999999999']) {
    probes.push({ name: `frame ${frame}`, write: get(`/api/jobs/${jobId}/frames/${frame}`) })
  }
  probes.push(
    // Endless: the node must cut each of them, whatever it answers first.
    { name: 'endless headers (1 line/s)', endless: true, write: async (socket, signal) => {
      socket.write(`GET /api/status HTTP/1.1${CRLF}Host: x${CRLF}`)
      await writeForever(socket, signal, `X-Slow: ${'s'.repeat(16)}${CRLF}`, 1000)
    } },
    { name: 'endless chunked JSON body', endless: true, write: async (socket, signal) => {
      socket.write(`POST /api/jobs HTTP/1.1${CRLF}Host: x${CRLF}Authorization: Bearer ${target.token}${CRLF}Content-Type: application/json${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}`)
      const payload = 'x'.repeat(60 * 1024)
      await writeForever(socket, signal, `${payload.length.toString(16)}${CRLF}${payload}${CRLF}`)
    } },
    { name: 'endless body without a token', endless: true, write: async (socket, signal) => {
      socket.write(`POST /api/blobs HTTP/1.1${CRLF}Host: x${CRLF}Content-Type: application/octet-stream${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}`)
      const payload = 'y'.repeat(60 * 1024)
      await writeForever(socket, signal, `${payload.length.toString(16)}${CRLF}${payload}${CRLF}`)
    } },
    { name: 'declared 5 GB upload at full speed', endless: true, write: async (socket, signal) => {
      socket.write(request('POST', '/api/blobs', { ...auth, 'Content-Type': 'application/octet-stream', 'Content-Length': String(5 * 1024 ** 3) }))
      await writeForever(socket, signal, Buffer.alloc(64 * 1024, 0x61))
    } },
    { name: 'silent connection', endless: true, write: async () => {} }
  )
  return probes
}
