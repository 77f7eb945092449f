// The farm routes on a real API server, reading real node APIs on
// 127.0.0.1 (small ApiServers that answer like a worker and a creator):
// each node's status, slots, tasks and earnings in one list, one line per
// node that fails, wrong tokens and foreign URLs refused, and no token ever
// in an answer.
import { createServer, type Server } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiServer } from '../../../../node/api/server.ts'
import { FarmFile } from '../../../../node/dashboard/farm.ts'
import { registerFarmApi } from '../../../../node/dashboard/farm-api.ts'
import { silentLogger } from '../../../../node/log.ts'
import { MetricsRegistry } from '../../../../node/metrics/index.ts'

const HOST_TOKEN = '11'.repeat(32)
const WORKER_TOKEN = '22'.repeat(32)
const CREATOR_TOKEN = '33'.repeat(32)
let dir: string
let host: ApiServer
let worker: ApiServer
let creator: ApiServer
let silent: Server
let silentUrl: string
let deadUrl: string

function apiServer(token: string): ApiServer {
  return new ApiServer({ token, port: 0, metrics: new MetricsRegistry(), logger: silentLogger })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-farm-api-'))
  worker = apiServer(WORKER_TOKEN)
  worker.route('GET', '/api/status', () => ({ version: '0.1.0', role: 'worker', peerId: '12D3KooWorker', uptimeS: 75, connections: 3, registration: 'registered', extra: 'x'.repeat(10) }))
  worker.route('GET', '/api/earnings', () => ({ ledger: true, total: '1234', perHour: '600', perHourWindowS: 120 }))
  worker.route('GET', '/api/worker/settings', () => ({ slots: 2, freeSlots: 1 }))
  worker.route('GET', '/api/worker/tasks', ({ query }) => ({ current: [{ jobId: 'a' }], recent: query.get('limit') === '1' ? [] : ['too many'], totals: { committed: 7 } }))
  creator = apiServer(CREATOR_TOKEN)
  creator.route('GET', '/api/status', () => ({ version: '0.1.0', role: 'creator', peerId: '12D3KooCreator', uptimeS: 9, connections: 1 }))
  creator.route('GET', '/api/earnings', () => ({ ledger: false, reason: 'no ledger' }))
  host = apiServer(HOST_TOKEN)
  registerFarmApi({ api: host, file: new FarmFile(dir), now: Date.now, timeoutMs: 500, cacheMs: 0 })
  await Promise.all([host.start(), worker.start(), creator.start()])
  // A node that takes the connection and never answers.
  silent = createServer(() => {})
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`
  // A port nothing listens on any more.
  const gone = createServer()
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve))
  deadUrl = `http://127.0.0.1:${(gone.address() as { port: number }).port}`
  await new Promise((resolve) => gone.close(resolve))
})

afterAll(async () => {
  silent?.closeAllConnections()
  await new Promise((resolve) => silent?.close(resolve))
  await Promise.all([host?.stop(), worker?.stop(), creator?.stop()])
  await rm(dir, { recursive: true, force: true })
})

/** What the farm routes answer: a list of node rows, or an error line. */
type FarmAnswer = { nodes: Record<string, unknown>[]; error?: string }

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: FarmAnswer; text: string }> {
  const res = await fetch(host.url + path, { method, headers: { authorization: `Bearer ${HOST_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: JSON.parse(text), text }
}

describe('farm API', () => {
  it('refuses a URL off loopback, a malformed token and a token the node refuses, each with one line', async () => {
    const foreign = await call('POST', '/api/farm', { url: 'http://192.168.1.20:9000', token: WORKER_TOKEN })
    expect(foreign.status).toBe(400)
    expect(foreign.body.error).toMatch(/^url must be http:\/\/127\.0\.0\.1:<port> or http:\/\/localhost:<port> \(a node's API listens on loopback only; reach another machine's node through an SSH tunnel\), got "http:\/\/192\.168\.1\.20:9000"$/)
    expect((await call('POST', '/api/farm', { url: worker.url, token: 'nope' })).body.error).toMatch(/^token must be the node's api-token/)
    const wrong = await call('POST', '/api/farm', { url: worker.url, token: CREATOR_TOKEN })
    expect(wrong).toMatchObject({ status: 400, body: { error: `${worker.url} refused the token: give it the api-token from that node's data dir` } })
    expect((await call('GET', '/api/farm')).body).toEqual({ nodes: [] })
  })

  it('lists each node with what it reports, one line for each that fails, and never a token', async () => {
    for (const [url, token] of [
      [worker.url.replace('127.0.0.1', 'localhost'), WORKER_TOKEN],
      [creator.url, CREATOR_TOKEN],
      [silentUrl, WORKER_TOKEN],
      [deadUrl, WORKER_TOKEN]
    ]) {
      const added = await call('POST', '/api/farm', { url, token })
      expect(added.status).toBe(200)
      expect(added.text).not.toContain(token)
    }
    const farm = await call('GET', '/api/farm')
    expect(farm.status).toBe(200)
    for (const token of [WORKER_TOKEN, CREATOR_TOKEN]) expect(farm.text).not.toContain(token)
    const byUrl = new Map(farm.body.nodes.map((n) => [n.url, n]))
    expect(byUrl.get(worker.url)).toEqual({ url: worker.url, addedMs: expect.any(Number), role: 'worker', peerId: '12D3KooWorker', version: '0.1.0', uptimeS: 75, connections: 3, registration: 'registered', slots: 2, freeSlots: 1, tasksRunning: 1, tasksCommitted: 7, earnings: { ledger: true, total: '1234', perHour: '600', perHourWindowS: 120 } })
    expect(byUrl.get(creator.url)).toEqual({ url: creator.url, addedMs: expect.any(Number), role: 'creator', peerId: '12D3KooCreator', version: '0.1.0', uptimeS: 9, connections: 1, earnings: { ledger: false } })
    expect(byUrl.get(silentUrl)).toMatchObject({ error: 'no answer within 0.5 s' })
    expect(byUrl.get(deadUrl)).toMatchObject({ error: 'not answering (ECONNREFUSED)' })
    expect(byUrl.get(deadUrl)).not.toHaveProperty('role')
  })

  it('removes a node, and refuses to remove one not listed', async () => {
    const removed = await call('POST', '/api/farm/remove', { url: deadUrl })
    expect(removed.status).toBe(200)
    expect(removed.body.nodes.map((n) => n.url)).not.toContain(deadUrl)
    expect(removed.body.nodes.every((n) => Object.keys(n).sort().join() === 'addedMs,url')).toBe(true)
    expect(await call('POST', '/api/farm/remove', { url: deadUrl })).toMatchObject({ status: 400, body: { error: `${deadUrl} is not in the farm list` } })
    expect((await call('GET', '/api/farm')).body.nodes.map((n) => n.url)).not.toContain(deadUrl)
  })

  it('shows a node whose token stopped working as refused, not as down', async () => {
    // The node's token changed after it was added: its row says so.
    const file = new FarmFile(dir)
    await file.add({ url: creator.url, token: '44'.repeat(32) }, 1)
    const other = apiServer(HOST_TOKEN)
    registerFarmApi({ api: other, file, now: Date.now, timeoutMs: 500, cacheMs: 0 })
    await other.start()
    try {
      const res = await fetch(`${other.url}/api/farm`, { headers: { authorization: `Bearer ${HOST_TOKEN}` } })
      const row = ((await res.json()) as { nodes: { url: string; error?: string }[] }).nodes.find((n) => n.url === creator.url)
      expect(row?.error).toBe('the node refused the token (401)')
    } finally {
      await other.stop()
    }
  })
})
