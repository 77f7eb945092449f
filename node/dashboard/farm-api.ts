// The farm routes: a render-farm operator's list of nodes (farm.ts), read
// server-side because the browser cannot call another node's API (its
// Host/Origin guard refuses a page from this one, and the token would have
// to live in the page).
//   GET  /api/farm          { nodes: [{ url, addedMs, role, uptimeS, slots, tasksRunning, earnings, error? }] }
//   POST /api/farm          { url, token } adds a node (or gives it a new token)
//   POST /api/farm/remove   { url }
// Each node is asked for /api/status, /api/earnings and, for a worker, its
// settings and tasks, with its token and a short deadline; what fails is one
// line on that node's row. Tokens never leave this node: answers list URLs.
import { HttpError, MAX_BODY_BYTES, type ApiServer } from '../api/server.ts'
import { FarmError, type FarmFile, type FarmNode, parseFarmAdd, parseFarmRemove } from './farm.ts'

export interface FarmNodeView {
  url: string
  addedMs: number
  /** One line: why the node, or part of what it reports, could not be read. */
  error?: string
  role?: string
  peerId?: string
  version?: string
  uptimeS?: number
  connections?: number
  /** Its ledger registration; absent on a node without a ledger. */
  registration?: string
  slots?: number
  freeSlots?: number
  tasksRunning?: number
  tasksCommitted?: number
  /** Decimal micro-PIC; `ledger: false` on a node without a ledger. */
  earnings?: { ledger: true; total: string; perHour: string; perHourWindowS: number } | { ledger: false }
}

export interface FarmView {
  nodes: FarmNodeView[]
}

export interface FarmApiDeps {
  api: Pick<ApiServer, 'route'>
  file: FarmFile
  now(): number
  /** Deadline for reading one node, all its requests together (default 3 s). */
  timeoutMs?: number
  /** A reading at most this old is answered again (default 2 s): every open farm page asks each second. */
  cacheMs?: number
}

/** Bigger than any answer of the routes read here (a status lists subscribers per topic); a node sending more is refused. */
const MAX_ANSWER_BYTES = MAX_BODY_BYTES

export function registerFarmApi(deps: FarmApiDeps): void {
  const { api, file } = deps
  const reader = new FarmReader(deps)
  api.route('GET', '/api/farm', () => farmCall(() => reader.read()))
  api.route('POST', '/api/farm', ({ body }) =>
    farmCall(async () => {
      const node = parseFarmAdd(body)
      const refused = await tokenRefused(node.url, node.token, deps.timeoutMs ?? 3_000)
      if (refused !== undefined) throw new HttpError(400, refused)
      const nodes = await file.add(node, deps.now())
      reader.invalidate()
      return { nodes: nodes.map(publicView) }
    })
  )
  api.route('POST', '/api/farm/remove', ({ body }) =>
    farmCall(async () => {
      const nodes = await file.remove(parseFarmRemove(body).url)
      reader.invalidate()
      return { nodes: nodes.map(publicView) }
    })
  )
}

/** What may be shown of a listed node: never its token. */
function publicView(node: FarmNode): { url: string; addedMs: number } {
  return { url: node.url, addedMs: node.addedMs }
}

async function farmCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof FarmError) throw new HttpError(err.code === 'BAD_INPUT' ? 400 : err.code === 'FULL' ? 409 : 503, err.message)
    throw err
  }
}

/**
 * A wrong token is worth refusing at once; a node that does not answer is
 * added anyway (its SSH tunnel may not be up yet) and shows why on its row.
 */
async function tokenRefused(url: string, token: string, timeoutMs: number): Promise<string | undefined> {
  try {
    await getNodeJson(url, '/api/status', token, AbortSignal.timeout(timeoutMs))
    return undefined
  } catch (err) {
    return err instanceof NodeAnswerError && err.status === 401 ? `${url} refused the token: give it the api-token from that node's data dir` : undefined
  }
}

/** Reads every listed node at most once per cacheMs, however many pages ask. */
export class FarmReader {
  private readonly deps: FarmApiDeps
  private last?: { atMs: number; view: FarmView }
  private reading?: Promise<FarmView>
  private generation = 0

  constructor(deps: FarmApiDeps) {
    this.deps = deps
  }

  /** The list changed: the next read asks the nodes again. */
  invalidate(): void {
    this.last = undefined
    this.generation++
  }

  async read(): Promise<FarmView> {
    const cacheMs = this.deps.cacheMs ?? 2_000
    if (this.last !== undefined && this.deps.now() - this.last.atMs < cacheMs) return this.last.view
    this.reading ??= this.readAll().finally(() => {
      this.reading = undefined
    })
    return this.reading
  }

  private async readAll(): Promise<FarmView> {
    const generation = this.generation
    const nodes = await this.deps.file.list()
    const timeoutMs = this.deps.timeoutMs ?? 3_000
    const view = { nodes: await Promise.all(nodes.map((n) => readNode(n, timeoutMs))) }
    // A list changed while we read is read again next time, not cached as it was.
    if (generation === this.generation) this.last = { atMs: this.deps.now(), view }
    return view
  }
}

/** A node answered, but not 2xx; `message` is the line it sent. */
class NodeAnswerError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** One node's row: what it answered, and one line for the first thing that failed. */
export async function readNode(node: FarmNode, timeoutMs: number): Promise<FarmNodeView> {
  const view: FarmNodeView = { url: node.url, addedMs: node.addedMs }
  const signal = AbortSignal.timeout(timeoutMs)
  const get = (path: string) => getNodeJson(node.url, path, node.token, signal)
  try {
    const status = record(await get('/api/status'))
    view.role = str(status.role)
    view.peerId = str(status.peerId)
    view.version = str(status.version)
    view.uptimeS = num(status.uptimeS)
    view.connections = num(status.connections)
    view.registration = str(status.registration)
  } catch (err) {
    view.error = problemLine(err, timeoutMs)
    return view
  }
  const parts: Promise<void>[] = [
    get('/api/earnings').then((answer) => {
      const e = record(answer)
      view.earnings = e.ledger === true ? { ledger: true, total: decimal(e.total), perHour: decimal(e.perHour), perHourWindowS: num(e.perHourWindowS) ?? 0 } : { ledger: false }
    })
  ]
  if (view.role === 'worker') {
    parts.push(
      get('/api/worker/settings').then((answer) => {
        const s = record(answer)
        view.slots = num(s.slots)
        view.freeSlots = num(s.freeSlots)
      }),
      get('/api/worker/tasks?limit=1').then((answer) => {
        const t = record(answer)
        view.tasksRunning = Array.isArray(t.current) ? t.current.length : undefined
        view.tasksCommitted = num(record(t.totals).committed)
      })
    )
  }
  const failed = (await Promise.allSettled(parts)).find((r) => r.status === 'rejected')
  if (failed !== undefined) view.error = problemLine(failed.reason, timeoutMs)
  return view
}

/** One GET of a node's API with its token; the answer's JSON, at most MAX_ANSWER_BYTES of it. */
async function getNodeJson(url: string, path: string, token: string, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` }, signal, redirect: 'error' })
  const text = await readCapped(res, MAX_ANSWER_BYTES)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new NodeAnswerError(res.status, `${path} answered ${res.status} with something other than JSON`)
  }
  if (!res.ok) {
    const said = str(record(body).error)
    throw new NodeAnswerError(res.status, res.status === 401 ? 'the node refused the token (401)' : `${path} answered ${res.status}${said === undefined ? '' : `: ${said.slice(0, 160)}`}`)
  }
  return body
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (res.body === null) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw new NodeAnswerError(res.status, `the answer is over ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Why a node could not be read, in one line. */
function problemLine(err: unknown, timeoutMs: number): string {
  if (err instanceof NodeAnswerError) return err.message
  const e = err as Error & { cause?: { code?: string; message?: string } }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`
  return `not answering (${e.cause?.code ?? e.cause?.message ?? e.message})`.slice(0, 200)
}

// Another node's answers are read field by field: only what has the expected type reaches this node's page.
function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, 200) : undefined
}
function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}
function decimal(value: unknown): string {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : '0'
}
