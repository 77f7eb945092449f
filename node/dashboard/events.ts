// Live updates for the dashboard: `GET /api/events?watch=/api/jobs&watch=…`
// is a Server-Sent Events stream that re-reads each watched API route once
// a second and sends it again only when it changed:
//   event: update
//   data: {"path":"/api/jobs","value":[…]}
// Only the JSON routes below can be watched, at most MAX_WATCHED per
// stream and MAX_STREAMS streams at once; a comment line every 15 s keeps
// idle proxies and the browser from timing out. The browser reads it with
// fetch (EventSource cannot send the token header).
import type { ServerResponse } from 'node:http'
import { type ApiRequest, type ApiServer, HttpError } from '../api/server.ts'

/** The routes a page may watch: each answers JSON and reads only memory or the ledger's cache. */
const WATCHABLE = [/^\/api\/status$/, /^\/api\/peers$/, /^\/api\/jobs$/, /^\/api\/jobs\/[0-9a-f]{64}$/, /^\/api\/worker\/(tasks|settings)$/, /^\/api\/(explorer|farm|earnings)(\/[\w-]+)?$/]
export const MAX_WATCHED = 8
export const MAX_STREAMS = 16
const POLL_MS = 1_000
const HEARTBEAT_MS = 15_000

export function registerEvents(api: ApiServer): void {
  let open = 0
  api.route('GET', '/api/events', async (req: ApiRequest, res: ServerResponse) => {
    const watched = req.query.getAll('watch')
    if (watched.length === 0 || watched.length > MAX_WATCHED) throw new HttpError(400, `watch 1 to ${MAX_WATCHED} routes (?watch=/api/jobs)`)
    for (const path of watched) if (!WATCHABLE.some((re) => re.test(path.split('?')[0]!))) throw new HttpError(400, `${JSON.stringify(path.slice(0, 80))} cannot be watched`)
    if (open >= MAX_STREAMS) throw new HttpError(503, `${MAX_STREAMS} event streams are open already`)
    open++
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
    const last = new Map<string, string>()
    let stopped = false
    let beat = Date.now()
    const poll = async () => {
      for (const path of watched) {
        let text: string
        try {
          text = JSON.stringify({ path, value: await api.read(path, req.raw) })
        } catch (err) {
          text = JSON.stringify({ path, error: err instanceof HttpError ? err.message : 'unavailable' })
        }
        if (stopped || last.get(path) === text) continue
        last.set(path, text)
        res.write(`event: update\ndata: ${text}\n\n`)
      }
      if (Date.now() - beat >= HEARTBEAT_MS) {
        beat = Date.now()
        res.write(': still here\n\n')
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => void poll(), POLL_MS)
      const stop = () => {
        if (stopped) return
        stopped = true
        clearInterval(timer)
        open--
        resolve()
      }
      req.raw.once('close', stop)
      res.once('close', stop)
      void poll()
    })
    return undefined
  })
}
