// `pictor walrus-dev`: a Walrus publisher and aggregator in one HTTP server,
// written from the Walrus HTTP API, for tests and local networks that must
// not reach Walrus testnet. Blob ids are the real ones for the configured
// shard count; blobs live on disk and survive a restart. Routes:
//   PUT  /v1/blobs                          publisher (see publisher.ts)
//   GET|HEAD /v1/blobs/<blobId>             aggregator (see aggregator.ts)
//   GET|HEAD /v1/blobs/by-object-id/<id>
//   GET  /v1/api                            health: name, shards, epoch
//   GET|PUT|DELETE /dev/faults              fault switches (see faults.ts)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { closeServer } from '../api/loopback-http.ts'
import { warmBlobIds } from '../blobs/walrus/blob-id.ts'
import { UserError } from '../errors.ts'
import { type Logger, silentLogger } from '../log.ts'
import { handleRead } from './aggregator.ts'
import type { WalrusDevContext } from './context.ts'
import { FaultSettingsError, parseFaultSettings, WalrusFaults } from './faults.ts'
import { RequestGate } from './gate.ts'
import { handlePublish, readBytes } from './publisher.ts'
import { WalrusDevStore } from './store.ts'
import { sendError, sendJson, sendText } from './wire.ts'

export const WALRUS_DEV_NAME = 'pictor walrus-dev'
/** What public Walrus publishers accept in one request. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
/** A Walrus daemon's publisher runs this many stores at once, and queues as many more. */
export const PUBLISHER_MAX_ACTIVE = 8
export const PUBLISHER_MAX_QUEUED = 8
const MAX_FAULTS_BODY_BYTES = 64 * 1024

export interface WalrusDevServerInit {
  dir: string
  /** Shards of the network whose blob ids to compute (Walrus testnet and mainnet: 1000). */
  shards: number
  /** Default 127.0.0.1. */
  host?: string
  /** 0 (the default) picks a free port. */
  port?: number
  maxBodyBytes?: number
  /** Length of an epoch; absent, the epoch stays 1 and no blob expires. */
  epochMs?: number
  clock?: () => number
  logger?: Logger
}

export interface WalrusDevServer {
  /** Serves both the publisher and the aggregator. */
  readonly url: string
  readonly faults: WalrusFaults
  /** The current Walrus epoch. */
  readonly epoch: number
  /** Requests served so far, by side (tests tell which path a blob took). */
  readonly requests: { publisher: number; aggregator: number }
  close(): Promise<void>
}

export async function startWalrusDevServer(init: WalrusDevServerInit): Promise<WalrusDevServer> {
  const clock = init.clock ?? Date.now
  const logger = init.logger ?? silentLogger
  const host = init.host ?? '127.0.0.1'
  const store = await WalrusDevStore.open({ dir: init.dir, shards: init.shards, now: clock(), logger })
  // The publisher names every stored blob by its id: the encoder is ready before the first upload.
  warmBlobIds()
  const epochMs = init.epochMs
  const closing = new AbortController()
  const ctx: WalrusDevContext = {
    store,
    faults: new WalrusFaults(),
    shards: init.shards,
    maxBodyBytes: init.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    epoch: () => (epochMs ? 1 + Math.floor(Math.max(0, clock() - store.genesisMs) / epochMs) : 1),
    logger,
    closing: closing.signal
  }
  const gate = new RequestGate(PUBLISHER_MAX_ACTIVE, PUBLISHER_MAX_QUEUED)
  const requests = { publisher: 0, aggregator: 0 }
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (path === '/v1/blobs') requests.publisher++
    else if (path?.startsWith('/v1/blobs/')) requests.aggregator++
    route(ctx, gate, req, res).catch((err) => {
      logger.error('walrus-dev request failed', { method: req.method, url: req.url, err })
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_ERROR', 'internal error in walrus-dev')
      else res.destroy()
    })
  })
  server.headersTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${init.port ?? 0}`
      reject(new UserError('WALRUS_DEV', err.code === 'EADDRINUSE' ? `${where} is in use` : `cannot listen on ${where}: ${err.message}`, { cause: err }))
    })
    server.listen(init.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  logger.info('walrus-dev started', { url, shards: init.shards, dir: store.dir })
  return {
    url,
    faults: ctx.faults,
    get epoch() {
      return ctx.epoch()
    },
    requests,
    close: () => {
      closing.abort()
      return closeServer(server)
    }
  }
}

async function route(ctx: WalrusDevContext, gate: RequestGate, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://walrus-dev')
  const path = url.pathname
  const method = req.method ?? 'GET'
  if (path === '/v1/blobs') {
    if (method !== 'PUT') return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} ${path}: blobs are stored with PUT`, { allow: 'PUT' })
    const entered = gate.enter()
    if (entered === undefined) return sendText(res, 429, 'Too many requests: the publisher is busy, retry later')
    const release = await entered
    try {
      return await handlePublish(ctx, req, res, url.searchParams)
    } finally {
      release()
    }
  }
  if (path.startsWith('/v1/blobs/')) {
    if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} ${path}: blobs are read with GET`, { allow: 'GET, HEAD' })
    return handleRead(ctx, req, res, path.slice('/v1/blobs/'.length))
  }
  if (path === '/v1/api' && method === 'GET') return sendJson(res, 200, { name: WALRUS_DEV_NAME, shards: ctx.shards, epoch: ctx.epoch(), maxBodyBytes: ctx.maxBodyBytes })
  if (path === '/dev/faults') return faultsRoute(ctx, req, res, method)
  sendError(res, 404, 'ROUTE_NOT_FOUND', `no route for ${method} ${path}`)
}

async function faultsRoute(ctx: WalrusDevContext, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (method === 'GET') return sendJson(res, 200, ctx.faults.get())
  if (method === 'DELETE') {
    ctx.faults.clear()
    return sendJson(res, 200, ctx.faults.get())
  }
  if (method !== 'PUT') return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} /dev/faults: use GET, PUT or DELETE`, { allow: 'GET, PUT, DELETE' })
  const body = await readBytes(req, MAX_FAULTS_BODY_BYTES)
  if (body === undefined) return sendText(res, 413, `fault settings over ${MAX_FAULTS_BODY_BYTES} bytes`, { connection: 'close' })
  try {
    ctx.faults.set(parseFaultSettings(parseJson(body.toString('utf8'))))
  } catch (err) {
    if (err instanceof FaultSettingsError) return sendError(res, 400, 'INVALID_FAULTS', err.message)
    throw err
  }
  ctx.logger.info('fault switches set', { faults: ctx.faults.get() })
  sendJson(res, 200, ctx.faults.get())
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new FaultSettingsError('fault settings are not valid JSON')
  }
}
