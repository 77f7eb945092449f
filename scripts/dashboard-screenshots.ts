// Screenshots of the dashboard's main pages for the README (docs/dashboard/):
// a local testnet renders the demo job, then Chromium (playwright-core and
// the Debian package) opens the creator's and a worker's dashboards.
// `node scripts/dashboard-screenshots.ts`
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { ApiClient } from '../node/api/client.ts'
import { prepareJob, submitJob, waitForJob, waitForSettlement } from '../node/cli/job-client.ts'
import { dashboardUrl } from '../node/dashboard/index.ts'
import { Testnet, type TestnetNode } from '../testnet/launcher.ts'

const OUT = join(import.meta.dirname, '..', 'docs', 'dashboard')
const SCENE = join(import.meta.dirname, '..', 'testnet', 'scenes', 'demo.json')
const JOB = { renderer: 'builtin', frameStart: 1, frameEnd: 24, framesPerTask: 2, width: 320, height: 180, samples: 16, seed: 7, maxPrice: 5000 }

const testnet = new Testnet({ workers: 3, checkers: 1, blobs: 'p2p', logLevel: 'warn', extraArgs: { worker: ['--threads', '1'] } })
const browser = await chromium.launch({ executablePath: process.env.PICTOR_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  await testnet.start()
  await testnet.waitReady()
  const creator = testnet.node('creator')
  const client = await ApiClient.fromDataDir(creator.dataDir)
  const job = await submitJob(client, SCENE, await prepareJob(SCENE, JOB))
  await waitForJob(client, job.id, () => {})
  await waitForSettlement(client, job.id, () => {}).catch(() => undefined)
  for (const w of ['worker-1', 'worker-2', 'worker-3']) {
    const n = testnet.node(w)
    await client.request('POST', '/api/farm', { url: n.apiUrl, token: n.token })
  }
  const shoot = async (node: TestnetNode, route: string, name: string, ready: string) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(dashboardUrl(node.apiUrl!, node.token))
    await page.getByRole('navigation').waitFor()
    await page.evaluate(`location.hash = ${JSON.stringify(route)}`)
    await page.getByText(new RegExp(ready)).first().waitFor({ timeout: 20_000 })
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true })
    await page.close()
    console.log(`${name}.png`)
  }
  await shoot(creator, `#/jobs/${job.id}`, 'job', 'verified')
  await shoot(creator, '#/new', 'new-job', 'Scene')
  await shoot(testnet.node('worker-1'), '#/node', 'node', 'Earnings|earnings')
  await shoot(creator, '#/farm', 'farm', 'worker')
  await shoot(testnet.node('worker-1'), '#/explorer', 'explorer', 'Ledger|ledger')
} finally {
  await browser.close()
  await testnet.stop()
}
