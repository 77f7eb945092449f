// `pictor devchain` on the wire: JSON-RPC 2.0 over HTTP POST on 127.0.0.1.
// Params are by name; amounts are decimal strings. Every bad request gets a
// JSON-RPC error and the server keeps serving:
//   -32700 parse error, -32600 invalid request (also: body over 256 KiB,
//   HTTP 413; a Content-Type other than application/json, HTTP 415),
//   -32601 unknown method, -32602 invalid params,
//   -32001 the faucet without the devchain's token (HTTP 401),
//   -32000 the ledger refused: error.data.code is the LedgerErrorCode,
//   -32603 internal error.
// Loopback is not enough on its own: any web page the user opens can POST
// to 127.0.0.1. Requiring application/json makes a browser ask first (a CORS
// preflight this server never grants), and the faucet, the one call that
// needs no signature, also needs the token from the data dir.
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PictorError } from '../../errors.ts'
import { LedgerError } from '../errors.ts'
import type { Logger } from '../../log.ts'
import { isAddress, isHex32, parseU64 } from './calls.ts'
import type { DevChain } from './chain.ts'
import { toWire } from './wire.ts'
import { LoopbackHttpServer, readBody } from '../../api/loopback-http.ts'

export const MAX_RPC_BODY_BYTES = 256 * 1024
/** More requests than this in one batch is refused: one HTTP request must not hold the chain for long. */
export const MAX_RPC_BATCH = 64

export const RPC_ERRORS = { parse: -32700, invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, internal: -32603, ledger: -32000, unauthorized: -32001 } as const

/**
 * Methods that need the devchain's token. Only the faucet: `ledger_submit`
 * carries transactions signed by their sender (and nonce-checked), and the
 * rest only read.
 */
export const TOKEN_METHODS: ReadonlySet<string> = new Set(['ledger_faucet'])

export class RpcError extends PictorError {
  readonly rpcCode: number
  readonly data?: unknown
  constructor(rpcCode: number, message: string, data?: unknown) {
    super('RPC', message)
    this.rpcCode = rpcCode
    this.data = data
  }
}

type Params = Record<string, unknown>
type Method = (chain: DevChain, p: Params) => unknown

function address(p: Params, name = 'address'): string {
  if (!isAddress(p[name])) throw new RpcError(RPC_ERRORS.invalidParams, `${name} must be a Sui address (0x + 64 lowercase hex)`)
  return p[name] as string
}

function jobId(p: Params): string {
  if (!isHex32(p.jobId)) throw new RpcError(RPC_ERRORS.invalidParams, 'jobId must be 64 lowercase hex characters')
  return p.jobId as string
}

function count(p: Params, name: string, fallback?: number): number {
  const v = p[name] ?? fallback
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new RpcError(RPC_ERRORS.invalidParams, `${name} must be a non-negative integer`)
  return v as number
}

/** The method table. Reads answer from the chain's current state; `ledger_submit` and `ledger_faucet` write. */
export const RPC_METHODS: Record<string, Method> = {
  ledger_info: (chain) => toWire(chain.info()),
  ledger_submit: async (chain, p) => toWire(await chain.submit(p.tx)),
  ledger_faucet: async (chain, p) => toWire(await chain.faucet(address(p), parseU64(p.amount, 'amount'))),
  ledger_nonce: (chain, p) => chain.nonce(address(p)),
  ledger_balance: (chain, p) => chain.balance(address(p)).toString(),
  ledger_node: (chain, p) => toWire(chain.node(address(p))) ?? null,
  ledger_job: (chain, p) => toWire(chain.job(jobId(p))) ?? null,
  ledger_task: (chain, p) => toWire(chain.task(jobId(p), count(p, 'taskIndex'))),
  ledger_events: async (chain, p) => toWire(await chain.events(count(p, 'fromSeq', 0), count(p, 'limit', 1000))),
  ledger_block: async (chain, p) => (await chain.block(count(p, 'height'))) ?? null
}

interface RpcResponse {
  jsonrpc: '2.0'
  id: string | number | null
  result?: unknown
  error?: { code: number; message: string; data?: unknown }
}

export interface DevchainRpcServerInit {
  chain: DevChain
  /** 0 picks a free port. */
  port: number
  /** What TOKEN_METHODS need in `Authorization: Bearer <token>` (DIR/devchain-token). */
  token: string
  logger: Logger
}

// Loopback only, JSON only, and the faucet only with the token.
export class DevchainRpcServer extends LoopbackHttpServer {
  private readonly init: DevchainRpcServerInit

  constructor(init: DevchainRpcServerInit) {
    super({ name: 'devchain RPC server', port: init.port, requestTimeoutMs: 30_000 })
    this.init = init
  }

  protected onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.handle(req, res).catch((err) => {
      this.init.logger.error('rpc handler crashed', { err })
      if (!res.headersSent) reply(res, 500, errorResponse(null, new RpcError(RPC_ERRORS.internal, 'internal error')))
    })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      reply(res, 405, errorResponse(null, new RpcError(RPC_ERRORS.invalidRequest, 'JSON-RPC requests are POSTed')))
      return
    }
    if (!isJson(req.headers['content-type'])) {
      // The body is not read: close the connection rather than drain it.
      res.setHeader('connection', 'close')
      reply(res, 415, errorResponse(null, new RpcError(RPC_ERRORS.invalidRequest, 'JSON-RPC requests need Content-Type: application/json')))
      return
    }
    const body = await readBody(req, MAX_RPC_BODY_BYTES)
    if (body === undefined) {
      // Close the connection: the rest of an oversized body is not read.
      res.setHeader('connection', 'close')
      reply(res, 413, errorResponse(null, new RpcError(RPC_ERRORS.invalidRequest, `request body over ${MAX_RPC_BODY_BYTES} bytes`)))
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      reply(res, 200, errorResponse(null, new RpcError(RPC_ERRORS.parse, 'request is not valid JSON')))
      return
    }
    if (!this.authorised(req) && (Array.isArray(parsed) ? parsed : [parsed]).some(needsToken)) {
      reply(res, 401, errorResponse(null, new RpcError(RPC_ERRORS.unauthorized, 'ledger_faucet needs the devchain token: Authorization: Bearer <devchain-token in its data dir>')))
      return
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0 || parsed.length > MAX_RPC_BATCH) {
        reply(res, 200, errorResponse(null, new RpcError(RPC_ERRORS.invalidRequest, `a batch holds 1 to ${MAX_RPC_BATCH} requests`)))
        return
      }
      const out: RpcResponse[] = []
      for (const item of parsed) {
        const r = await this.call(item)
        if (r !== undefined) out.push(r)
      }
      if (out.length === 0) res.writeHead(204).end()
      else reply(res, 200, out)
      return
    }
    const r = await this.call(parsed)
    if (r === undefined) res.writeHead(204).end()
    else reply(res, 200, r)
  }

  private authorised(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '')
    const expected = Buffer.from(this.init.token)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  /** One request object; undefined for a notification (no id), which gets no response. */
  private async call(request: unknown): Promise<RpcResponse | undefined> {
    const r = request as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown }
    const validId = r !== null && typeof r === 'object' && (r.id === undefined || r.id === null || typeof r.id === 'string' || Number.isSafeInteger(r.id))
    const id = validId && r.id !== undefined ? (r.id as string | number | null) : null
    if (!validId || Array.isArray(r) || r.jsonrpc !== '2.0' || typeof r.method !== 'string') {
      return errorResponse(id, new RpcError(RPC_ERRORS.invalidRequest, 'not a JSON-RPC 2.0 request object'))
    }
    const notification = r.id === undefined
    try {
      if (!Object.hasOwn(RPC_METHODS, r.method)) throw new RpcError(RPC_ERRORS.methodNotFound, `unknown method ${r.method}`)
      const params = r.params ?? {}
      if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new RpcError(RPC_ERRORS.invalidParams, 'params must be an object (by name)')
      const result = await RPC_METHODS[r.method](this.init.chain, params as Params)
      return notification ? undefined : { jsonrpc: '2.0', id, result }
    } catch (err) {
      if (!(err instanceof RpcError) && !(err instanceof LedgerError)) this.init.logger.error('rpc method failed', { method: r.method, err })
      return notification ? undefined : errorResponse(id, err)
    }
  }
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase() === 'application/json'
}

/** Whether a request object (valid or not) names a method that needs the token. */
function needsToken(request: unknown): boolean {
  const method = (request as { method?: unknown } | null)?.method
  return typeof method === 'string' && TOKEN_METHODS.has(method)
}

function errorResponse(id: string | number | null, err: unknown): RpcResponse {
  if (err instanceof RpcError) return { jsonrpc: '2.0', id, error: { code: err.rpcCode, message: err.message, ...(err.data === undefined ? {} : { data: err.data }) } }
  if (err instanceof LedgerError) return { jsonrpc: '2.0', id, error: { code: RPC_ERRORS.ledger, message: err.message, data: { code: err.code } } }
  return { jsonrpc: '2.0', id, error: { code: RPC_ERRORS.internal, message: 'internal error' } }
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
}
