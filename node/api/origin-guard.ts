// Who may talk to the local API: only pages and programs on this machine
// that name it by its loopback address. A Host header naming another host
// is a DNS-rebinding page (evil.example resolving to 127.0.0.1), and an
// Origin other than the API's own is a foreign page riding the browser:
// both are refused before the token is even looked at.
import type { IncomingHttpHeaders } from 'node:http'

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

/** Why the request must be refused (one line), or undefined when it comes from this machine by a loopback name. */
export function foreignRequest(headers: IncomingHttpHeaders, port: number): string | undefined {
  const host = headers.host
  if (host === undefined) return 'no Host header'
  if (!LOOPBACK_HOSTS.some((name) => host === `${name}:${port}`)) return `Host ${JSON.stringify(host.slice(0, 80))} is not this API (127.0.0.1:${port})`
  const origin = headers.origin
  if (origin !== undefined && origin !== `http://${host}`) return `Origin ${JSON.stringify(origin.slice(0, 80))} is not this API's own`
  if (headers['sec-fetch-site'] === 'cross-site') return 'a cross-site request'
  return undefined
}
