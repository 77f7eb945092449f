// The dashboard as a browser sees it, on a real node: the URL `pictor
// dashboard` prints logs in (token from the fragment, then a header), the
// page renders live; requests without the token, from a foreign Origin or
// naming a foreign Host are refused, and every answer carries a strict CSP.
import { request } from 'node:http'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Testnet } from '../../../testnet/launcher.ts'
import { pictor } from '../helpers/cli.ts'
import { chromiumMissing, launchChromium, openDashboard } from './browser.ts'

const missing = chromiumMissing()
let testnet: Testnet
let browser: Browser | undefined

beforeAll(async () => {
  testnet = new Testnet({ workers: 1, checkers: 0, ledger: false, blobs: 'p2p', logLevel: 'warn' })
  await testnet.start()
  await testnet.waitReady()
  if (missing === undefined) browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await testnet?.stop()
})

/** A raw request, so Host and Origin are exactly what a hostile page would send. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume()
      resolve({ status: res.statusCode ?? 0, headers: res.headers })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('dashboard access', () => {
  it('pictor dashboard prints a URL that carries the token in its fragment', async () => {
    const creator = testnet.node('creator')
    const out = await pictor(['dashboard', '--data-dir', creator.dataDir])
    expect(out.code).toBe(0)
    expect(out.stdout.trim()).toBe(`${creator.apiUrl}/#token=${creator.token}`)
  })

  it('serves the app without the token, the API only with it, nothing to a foreign Origin or Host', async () => {
    const { apiUrl, token } = testnet.node('creator')
    const host = new URL(apiUrl!).host
    const page = await rawGet(`${apiUrl}/`, {})
    expect(page.status).toBe(200)
    expect(String(page.headers['content-security-policy'])).toMatch(/default-src 'none'; script-src 'self' 'sha256-[\w+/=]+'/)
    expect((await rawGet(`${apiUrl}/api/status`, {})).status).toBe(401)
    expect((await rawGet(`${apiUrl}/api/status`, { authorization: `Bearer ${token}` })).status).toBe(200)
    expect((await rawGet(`${apiUrl}/api/status`, { authorization: `Bearer ${token}`, origin: 'http://evil.example' })).status).toBe(403)
    expect((await rawGet(`${apiUrl}/api/status`, { authorization: `Bearer ${token}`, host: `evil.example:${host.split(':')[1]}` })).status).toBe(403)
    expect((await rawGet(`${apiUrl}/`, { host: 'evil.example' })).status).toBe(403)
    expect((await rawGet(`${apiUrl}/api/status`, { authorization: `Bearer ${token}`, origin: `http://${host}` })).status).toBe(200)
  })

  it.skipIf(missing !== undefined)('logs in from the URL, drops the token from the address bar, and shows the node live', async () => {
    const page = await openDashboard(browser!, testnet.node('creator'))
    await page.getByText(/^creator ·/).waitFor()
    expect(page.url()).not.toContain('token=')
    await page.getByRole('link', { name: 'Jobs' }).waitFor()
    await page.close()
  })

  it.skipIf(missing !== undefined)('without the token the page says how to log in, and no API call succeeds', async () => {
    const page = await browser!.newPage()
    await page.goto(`${testnet.node('creator').apiUrl}/`)
    await page.getByRole('alert').getByText(/Not logged in/).waitFor()
    await page.close()
  })
})
