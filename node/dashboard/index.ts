// The web dashboard, served by every node at `/` of its loopback API: the
// app's files (open: no secrets in them) and its live-update stream. The
// page logs in with the API token from the URL fragment `pictor dashboard`
// prints (a fragment never leaves the browser) and sends it as a header on
// every API call; no cookie exists for a foreign page to ride.
import type { ApiServer } from '../api/server.ts'
import { loadDashboardAssets } from './assets.ts'
import { registerEvents } from './events.ts'

export async function registerDashboard(api: ApiServer): Promise<void> {
  const assets = await loadDashboardAssets()
  api.setContentSecurityPolicy(assets.csp)
  for (const [path, asset] of assets.files) {
    api.route(
      'GET',
      path.replace(/[.]/g, '[.]'),
      (_req, res) => {
        res.writeHead(200, { 'content-type': asset.type }).end(asset.body)
      },
      { open: true }
    )
  }
  registerEvents(api)
}

/** The URL that opens this node's dashboard logged in. */
export function dashboardUrl(apiUrl: string, token: string): string {
  return `${apiUrl}/#token=${token}`
}
