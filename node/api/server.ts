// The node's local HTTP API, on 127.0.0.1 only. Every request must name it
// by a loopback Host and come from no foreign Origin (DNS rebinding, other
// pages); every /api route needs the bearer token from the data dir;
// /metrics and the dashboard's files (open routes) need none: they hold no
// secrets. Routes are a table so roles and the dashboard add theirs.
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PictorError } from '../errors.ts'
import type { Logger } from '../log.ts'
import { foreignRequest } from './origin-guard.ts'
import type { MetricsRegistry } from '../metrics/index.ts'
import { LoopbackHttpServer, readBody } from './loopback-http.ts'

export const MAX_BODY_BYTES = 1024 * 1024

/** Thrown by a handler to answer with a status and a one-line message. */
export class HttpError extends PictorError {
  readonly status: number
  constructor(status: number, message: string) {
    super('HTTP', message)
    this.status = status
  }
}

export interface ApiRequest {
  method: string
  path: string
  params: Record<string, string>
  query: URLSearchParams
  body: unknown
  raw: IncomingMessage
}

/** Return a JSON-able value, or take over `res` (streams) and return undefined. */
export type RouteHandler = (req: ApiRequest, res: ServerResponse) => Promise<unknown> | unknown

interface Route {
  method: string
  pattern: RegExp
  keys: string[]
  handler: RouteHandler
  /** Served without the token (static files with no secrets). */
  open: boolean
}

/** Sent with every answer: nothing is sniffed, framed, cached or referred elsewhere. */
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' }

export interface ApiServerInit {
  token: string
  port: number
  metrics: MetricsRegistry
  logger: Logger
}

export class ApiServer extends LoopbackHttpServer {
  private readonly routes: Route[] = []
  private readonly init: ApiServerInit
  private contentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"

  constructor(init: ApiServerInit) {
    super({ name: 'API server', port: init.port, requestTimeoutMs: 60_000 })
    this.init = init
  }

  /** The policy every answer carries (the dashboard's allows its own scripts). */
  setContentSecurityPolicy(policy: string): void {
    this.contentSecurityPolicy = policy
  }

  /** `path` may hold `:name` segments, e.g. `/api/jobs/:id`; `open` routes need no token. */
  route(method: string, path: string, handler: RouteHandler, options: { open?: boolean } = {}): void {
    const keys: string[] = []
    const pattern = new RegExp(
      '^' +
        path.replace(/:(\w+)/g, (_, key: string) => {
          keys.push(key)
          return '([^/]+)'
        }) +
        '$'
    )
    this.routes.push({ method, pattern, keys, handler, open: options.open === true })
  }

  /**
   * What a GET of `path` (with its query) would answer, for the dashboard's
   * live updates; only for routes that return JSON (not ones that stream).
   */
  async read(pathAndQuery: string, raw: IncomingMessage): Promise<unknown> {
    const url = new URL(pathAndQuery, 'http://127.0.0.1')
    const { route, params } = this.match('GET', url.pathname)
    return await route.handler({ method: 'GET', path: url.pathname, params, query: url.searchParams, body: undefined, raw }, undefined as never)
  }

  /** The route for `method` on `pathname` with its decoded params; 404 for an unknown path, 405 for a known one under another method. */
  private match(method: string, pathname: string): { route: Route; params: Record<string, string> } {
    let pathKnown = false
    for (const route of this.routes) {
      const m = route.pattern.exec(pathname)
      if (!m) continue
      pathKnown = true
      if (route.method !== method) continue
      return { route, params: Object.fromEntries(route.keys.map((k, i) => [k, decodeParam(m[i + 1])])) }
    }
    throw new HttpError(pathKnown ? 405 : 404, pathKnown ? `${method} not allowed here` : `no route ${pathname}`)
  }

  protected onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.handle(req, res).catch((err) => this.init.logger.error('api handler crashed', { err }))
  }

  private authorised(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '')
    const expected = Buffer.from(this.init.token)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = req.method ?? 'GET'
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    res.setHeader('content-security-policy', this.contentSecurityPolicy)
    try {
      const foreign = foreignRequest(req.headers, Number(new URL(this.url).port))
      if (foreign !== undefined) throw new HttpError(403, `refused: ${foreign}`)
      if (url.pathname === '/metrics' && method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.init.metrics.render())
        return
      }
      const open = this.routes.find((r) => r.open && r.method === method && r.pattern.test(url.pathname))
      if (open === undefined && !this.authorised(req)) throw new HttpError(401, 'missing or wrong bearer token')
      const matched = this.match(method, url.pathname)
      // Non-JSON bodies (blob uploads) are left on `raw` for the handler to stream.
      const isJson = (req.headers['content-type'] ?? '').startsWith('application/json')
      const body = (method === 'POST' || method === 'PUT') && isJson ? await readJsonBody(req) : undefined
      const result = await matched.route.handler({ method, path: url.pathname, params: matched.params, query: url.searchParams, body, raw: req }, res)
      if (!res.headersSent) sendJson(res, 200, result ?? { ok: true })
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500
      if (status === 500) this.init.logger.error('api request failed', { path: url.pathname, err })
      const message = status === 500 ? 'internal error' : (err as Error).message
      // A body we refused (401, 413, ...) is not read to its end: what still arrives is discarded for a
      // short while after the answer, then the connection is closed, so an endless body stops. Closing at
      // once (as Node does for a response that is not keep-alive) resets the connection with the body
      // unread, and a reset can discard the answer before the client has read it.
      // A body that does end meanwhile leaves the connection as usable as any other.
      if (!req.complete) {
        res.once('finish', () => {
          req.resume()
          const linger = setTimeout(() => req.destroy(), REFUSED_BODY_LINGER_MS).unref()
          req.once('end', () => clearTimeout(linger))
        })
      }
      if (!res.headersSent) sendJson(res, status, { error: message })
      else res.destroy()
    }
  }
}

/** A path segment as the handler sees it; bad percent-encoding is the client's error, not ours. */
function decodeParam(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '')
  } catch {
    throw new HttpError(400, `bad percent-encoding in ${JSON.stringify((segment ?? '').slice(0, 40))}`)
  }
}

/** How long a refused request's connection stays open after the answer, for the client to read it. */
const REFUSED_BODY_LINGER_MS = 500

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req, MAX_BODY_BYTES)
  if (text === undefined) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`)
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'request body is not valid JSON')
  }
}
