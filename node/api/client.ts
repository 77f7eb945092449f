// Talks to a running node's local API with the token from its data dir:
// what the `status`, `peers` and `job` commands use.
import { readFile } from 'node:fs/promises'
import { ApiError, UserError } from '../errors.ts'
import { openDataDir } from '../store/data-dir.ts'

export class ApiClient {
  readonly url: string
  readonly token: string

  constructor(url: string, token: string) {
    this.url = url
    this.token = token
  }

  static async fromDataDir(dir: string): Promise<ApiClient> {
    const { paths, token } = await openDataDir(dir)
    let info: { url?: unknown }
    try {
      info = JSON.parse(await readFile(paths.api, 'utf8'))
    } catch {
      throw new UserError('NOT_RUNNING', `no node is running on ${paths.root} (start one with \`pictor start --data-dir ${dir}\`)`)
    }
    if (typeof info.url !== 'string' || !info.url.startsWith('http://127.0.0.1:')) throw new UserError('NOT_RUNNING', `${paths.api} is corrupted`)
    return new ApiClient(info.url, token)
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, path, body)
    return (await res.json()) as T
  }

  /** The raw response, for streamed bodies (frame downloads). */
  async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response
    try {
      res = await fetch(this.url + path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause
      throw new UserError('NOT_RUNNING', `the node at ${this.url} is not answering (${cause?.code ?? cause?.message ?? (err as Error).message})`)
    }
    if (!res.ok) {
      const detail = (await res.json().catch(() => ({}))) as { error?: string }
      throw new ApiError(res.status, detail.error ?? `HTTP ${res.status}`)
    }
    return res
  }
}
