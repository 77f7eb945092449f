// What the node's local HTTP servers (the API and the devchain's JSON-RPC)
// share: bound to 127.0.0.1 only, stopped without waiting for idle
// keep-alive connections, request bodies read under a size cap.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'

// Required, not imported: an ES import of node:http reads every export,
// including the lazy ones backed by undici (fetch's HTTP client, ~0.75 MB of
// source), which then stays loaded in a node that never fetches anything:
// ~3 MiB of an idle worker's resident memory.
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http')

export async function listenOnLoopback(server: Server, port: number): Promise<void> {
  server.headersTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

export interface LoopbackHttpInit {
  /** Names the server in the error for `url` read before `start`. */
  name: string
  /** 0 picks a free port. */
  port: number
  /** How long one request may take, from its first byte. */
  requestTimeoutMs: number
}

/** A local HTTP server's lifecycle; the subclass answers each request in `onRequest`. */
export abstract class LoopbackHttpServer {
  readonly #http: LoopbackHttpInit
  #server?: Server

  constructor(http: LoopbackHttpInit) {
    this.#http = http
  }

  /** Must not throw or reject: nothing above it answers the request. */
  protected abstract onRequest(req: IncomingMessage, res: ServerResponse): void

  get url(): string {
    const address = this.#server?.address() as AddressInfo | null
    if (!address) throw new Error(`${this.#http.name} is not listening`)
    return `http://127.0.0.1:${address.port}`
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res))
    server.requestTimeout = this.#http.requestTimeoutMs
    await listenOnLoopback(server, this.#http.port)
    this.#server = server
  }

  async stop(): Promise<void> {
    const server = this.#server
    if (!server) return
    this.#server = undefined
    await closeServer(server)
  }
}

export interface ReadBodyOptions {
  /**
   * Pause the request once it passes the limit, so the rest is never read
   * (for answers that close the connection). Otherwise the rest is still
   * read, and dropped.
   */
  pauseOnOverflow?: boolean
}

/**
 * The body, or undefined when it is over `maxBytes` (declared or actual).
 * Event-based on purpose: leaving a `for await` early would destroy the
 * socket before a 413 answer could be written.
 */
export function readBodyBytes(req: IncomingMessage, maxBytes: number, options: ReadBodyOptions = {}): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(undefined)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) {
        chunks.push(chunk)
        return
      }
      req.off('data', onData).off('end', onEnd).off('error', reject)
      if (options.pauseOnOverflow) req.pause()
      resolve(undefined)
    }
    const onEnd = () => resolve(Buffer.concat(chunks, size))
    req.on('data', onData).on('end', onEnd).on('error', reject)
  })
}

/** The body as UTF-8 text, or undefined when it is over `maxBytes` (readBodyBytes). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return (await readBodyBytes(req, maxBytes))?.toString('utf8')
}
