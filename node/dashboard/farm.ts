// The farm list: the other nodes a render-farm operator follows from this
// node's dashboard, kept in `farm.json` in the data dir. It holds their API
// tokens, so it is written mode 0600, atomically (temp file + rename: a
// crash leaves the old list or the new one, never half of one), and no
// route ever sends a token back out.
//
// Only loopback URLs are accepted (http://127.0.0.1:<port> or
// http://localhost:<port>): a node's API listens on 127.0.0.1 and nowhere
// else, so that is the only place one can be. A node on another machine is
// reached through an SSH tunnel (ssh -N -L 9101:127.0.0.1:<its port> host),
// which makes it a loopback URL here. Refusing other hosts also keeps this
// node from sending a token to, or probing, anything on the network.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PictorError } from '../errors.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'

export const FARM_FILE = 'farm.json'
export const MAX_FARM_NODES = 64
/** Longer than any loopback URL this accepts (http://127.0.0.1:65535/ is 23): anything longer is refused before it is parsed. */
const MAX_URL_CHARS = 64
const FARM_FORMAT = 1

export type FarmErrorCode = 'BAD_INPUT' | 'FULL' | 'CORRUPT'

export class FarmError extends PictorError {
  declare readonly code: FarmErrorCode
  constructor(code: FarmErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

export interface FarmNode {
  /** Normalised: http://127.0.0.1:<port>, no trailing slash. */
  url: string
  /** The node's API token (its data dir's api-token): 64 lowercase hex characters. */
  token: string
  addedMs: number
}

const LOOPBACK_URL = /^http:\/\/(127\.0\.0\.1|localhost):([1-9][0-9]{0,4})\/?$/
const TOKEN = /^[0-9a-f]{64}$/

const quote = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) + (value.length > 40 ? '…' : '') : typeof value)

/**
 * A node API URL as the farm keeps it, or BAD_INPUT. `localhost` becomes
 * 127.0.0.1: the API listens on IPv4 only, and `localhost` may resolve to
 * ::1 first; it also makes one node one entry whichever name was typed.
 */
export function parseFarmUrl(value: unknown): string {
  const m = typeof value === 'string' && value.length <= MAX_URL_CHARS ? LOOPBACK_URL.exec(value.trim()) : null
  const port = Number(m?.[2])
  if (m === null || port > 65535) {
    throw new FarmError('BAD_INPUT', `url must be http://127.0.0.1:<port> or http://localhost:<port> (a node's API listens on loopback only; reach another machine's node through an SSH tunnel), got ${quote(value)}`)
  }
  return `http://127.0.0.1:${port}`
}

/** The node's API token, in the data dir's api-token format (64 lowercase hex characters), or BAD_INPUT. */
export function parseFarmToken(value: unknown): string {
  const token = typeof value === 'string' ? value.trim() : value
  if (typeof token !== 'string' || !TOKEN.test(token)) throw new FarmError('BAD_INPUT', `token must be the node's api-token (64 lowercase hex characters in its data dir), got ${typeof token === 'string' ? `${token.length} characters` : typeof token}`)
  return token
}

function objectBody(body: unknown, example: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FarmError('BAD_INPUT', `send a JSON object like ${example}`)
  return body as Record<string, unknown>
}

/** POST /api/farm: { url, token }. */
export function parseFarmAdd(body: unknown): { url: string; token: string } {
  const o = objectBody(body, '{"url": "http://127.0.0.1:9101", "token": "<api-token>"}')
  for (const key of Object.keys(o)) if (key !== 'url' && key !== 'token') throw new FarmError('BAD_INPUT', `unknown field ${quote(key)}; send url and token`)
  return { url: parseFarmUrl(o.url), token: parseFarmToken(o.token) }
}

/** POST /api/farm/remove: { url }. */
export function parseFarmRemove(body: unknown): { url: string } {
  const o = objectBody(body, '{"url": "http://127.0.0.1:9101"}')
  return { url: parseFarmUrl(o.url) }
}

/** farm.json as written; anything else in it is refused with one line rather than half-read. */
function parseFarmFile(text: string, path: string): FarmNode[] {
  const corrupt = (why: string) => new FarmError('CORRUPT', `${path} is not a farm list (${why}): fix or delete it`)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw corrupt('not JSON')
  }
  const d = data as { format?: unknown; nodes?: unknown } | null
  if (typeof d !== 'object' || d === null || d.format !== FARM_FORMAT || !Array.isArray(d.nodes)) throw corrupt(`expected {"format": ${FARM_FORMAT}, "nodes": [...]}`)
  if (d.nodes.length > MAX_FARM_NODES) throw corrupt(`over ${MAX_FARM_NODES} nodes`)
  return d.nodes.map((n: unknown, i: number) => {
    const node = n as Partial<FarmNode> | null
    try {
      if (typeof node !== 'object' || node === null || !Number.isSafeInteger(node.addedMs)) throw new FarmError('BAD_INPUT', 'no addedMs')
      return { url: parseFarmUrl(node.url), token: parseFarmToken(node.token), addedMs: node.addedMs as number }
    } catch (err) {
      throw corrupt(`node ${i}: ${(err as Error).message}`)
    }
  })
}

/**
 * farm.json, read once and then kept in memory; changes are written one at
 * a time (a second waits for the first), each as a whole new file.
 */
export class FarmFile {
  readonly path: string
  private nodes?: FarmNode[]
  private queue: Promise<unknown> = Promise.resolve()

  constructor(dataDir: string) {
    this.path = join(dataDir, FARM_FILE)
  }

  async list(): Promise<FarmNode[]> {
    if (this.nodes === undefined) {
      let text: string | undefined
      try {
        text = await readFile(this.path, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new FarmError('CORRUPT', `cannot read ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err })
      }
      // Not cached when corrupt: a fixed file is read again on the next call.
      this.nodes = text === undefined ? [] : parseFarmFile(text, this.path)
    }
    return this.nodes.map((n) => ({ ...n }))
  }

  /** Adds a node, or gives a listed one its new token; FULL past MAX_FARM_NODES. */
  add(node: { url: string; token: string }, now: number): Promise<FarmNode[]> {
    return this.change((nodes) => {
      const known = nodes.find((n) => n.url === node.url)
      if (known !== undefined) return nodes.map((n) => (n === known ? { ...n, token: node.token } : n))
      if (nodes.length >= MAX_FARM_NODES) throw new FarmError('FULL', `the farm list holds ${MAX_FARM_NODES} nodes at most; remove one first`)
      return [...nodes, { url: node.url, token: node.token, addedMs: now }]
    })
  }

  /** Removes a node; BAD_INPUT when it is not listed. */
  remove(url: string): Promise<FarmNode[]> {
    return this.change((nodes) => {
      if (!nodes.some((n) => n.url === url)) throw new FarmError('BAD_INPUT', `${url} is not in the farm list`)
      return nodes.filter((n) => n.url !== url)
    })
  }

  private change(edit: (nodes: FarmNode[]) => FarmNode[]): Promise<FarmNode[]> {
    const run = this.queue.then(async () => {
      const next = edit(await this.list())
      await writeFileAtomic(this.path, JSON.stringify({ format: FARM_FORMAT, nodes: next }, null, 2) + '\n', { mode: 0o600 })
      this.nodes = next
      return next.map((n) => ({ ...n }))
    })
    this.queue = run.catch(() => {})
    return run
  }
}
