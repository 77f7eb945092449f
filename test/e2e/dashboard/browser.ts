// A real Chromium for the dashboard's browser tests: the Debian `chromium`
// package driven by playwright-core (which downloads no browser). Where it
// is missing the tests skip with that reason, unless PICTOR_REQUIRE_CHROMIUM
// is set (CI installs it), when its absence fails them.
import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'
import { dashboardUrl } from '../../../node/dashboard/index.ts'

export const CHROMIUM = process.env.PICTOR_CHROMIUM ?? '/usr/bin/chromium'
const required = process.env.PICTOR_REQUIRE_CHROMIUM === '1'

/** Why browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined
  const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set PICTOR_CHROMIUM)`
  if (required) throw new Error(`PICTOR_REQUIRE_CHROMIUM is set but there is ${reason}`)
  return reason
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
}

/** Opens the node's dashboard logged in, as the URL `pictor dashboard` prints does. */
export async function openDashboard(browser: Browser, node: { apiUrl?: string; token: string }, route = ''): Promise<Page> {
  const page = await browser.newPage()
  await page.goto(dashboardUrl(node.apiUrl!, node.token))
  await page.getByRole('navigation').waitFor()
  if (route !== '') await page.evaluate(`location.hash = ${JSON.stringify(route)}`)
  return page
}
