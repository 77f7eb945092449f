// The operator pages in a real Chromium, on a testnet with a ledger (two
// workers, a checker): each worker's "This node" page, open while a job
// runs, shows live what the ledger paid it (exactly its WorkerPaid events),
// its hardware and its tasks; its price changes from the page; and on the
// creator's "Farm" page an operator adds both workers (URL + token, kept
// server-side) and sees them listed, while a non-loopback URL is refused
// with the server's one line.
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../../node/api/client.ts'
import { prepareJob, submitJob, waitForJob, waitForSettlement } from '../../../node/cli/job-client.ts'
import { MAX_EVENTS_PER_QUERY, type LedgerEvent } from '../../../node/ledger/index.ts'
import type { WorkerSettings } from '../../../node/roles/worker/index.ts'
import { Testnet } from '../../../testnet/launcher.ts'
import { SCENARIO_JOB, SCENARIO_SCENE } from '../../../testnet/scenario.ts'
import { chromiumMissing, launchChromium, openDashboard } from './browser.ts'

const missing = chromiumMissing()
const WORKERS = ['worker-1', 'worker-2']
let testnet: Testnet
let browser: Browser | undefined
/** Each worker's "This node" page, opened before the job. */
const pages = new Map<string, Page>()
/** µPIC each worker was paid, by the ledger's WorkerPaid events. */
const paid = new Map<string, bigint>()

beforeAll(async () => {
  testnet = new Testnet({ workers: 2, checkers: 1, ledger: true, blobs: 'p2p', logLevel: 'warn', extraArgs: { worker: ['--threads', '1'], checker: ['--threads', '1'] } })
  await testnet.start()
  await testnet.waitReady()
  if (missing === undefined) browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await testnet?.stop()
})

async function allEvents(): Promise<LedgerEvent[]> {
  const ledger = await testnet.ledger()
  const events: LedgerEvent[] = []
  for (let fromSeq = 0; ; ) {
    const page = await ledger.events({ fromSeq, limit: MAX_EVENTS_PER_QUERY })
    events.push(...page)
    if (page.length < MAX_EVENTS_PER_QUERY) return events
    fromSeq = page[page.length - 1]!.seq + 1
  }
}

const clientOf = (name: string) => ApiClient.fromDataDir(testnet.node(name).dataDir)

describe.skipIf(missing !== undefined)('operator pages', () => {
  it('a worker page shows, live, what the ledger paid it, its hardware and its tasks', { timeout: 180_000 }, async () => {
    for (const name of WORKERS) {
      const page = await openDashboard(browser!, testnet.node(name), '#/node')
      await page.getByTestId('earned-total').waitFor()
      await page.getByTestId('cpu').waitFor()
      pages.set(name, page)
    }
    const creator = await clientOf('creator')
    const spec = await prepareJob(SCENARIO_SCENE, { ...SCENARIO_JOB, frameEnd: 8 })
    const job = await submitJob(creator, SCENARIO_SCENE, spec)
    expect((await waitForJob(creator, job.id, () => {})).status).toBe('completed')
    await waitForSettlement(creator, job.id, () => {})

    for (const e of await allEvents()) {
      if (e.type !== 'WorkerPaid') continue
      const name = WORKERS.find((n) => testnet.node(n).suiAddress === e.worker)
      if (name !== undefined) paid.set(name, (paid.get(name) ?? 0n) + e.amount)
    }
    expect([...paid.values()].reduce((a, b) => a + b, 0n)).toBeGreaterThan(0n)

    for (const name of WORKERS) {
      const page = pages.get(name)!
      const sum = paid.get(name) ?? 0n
      // The page was open all along: the payments arrive over its live stream.
      await page.locator(`[data-testid="earned-worker"][data-micro="${sum}"]`).waitFor()
      const api = await (await clientOf(name)).request<{ byKind: { worker: string }; total: string }>('GET', '/api/earnings')
      expect(api.byKind.worker).toBe(String(sum))
      if (sum > 0n) {
        await page.getByTestId('payments').getByText('WorkerPaid').first().waitFor()
        const tasks = await (await clientOf(name)).request<{ totals: { committed: number } }>('GET', '/api/worker/tasks')
        expect(tasks.totals.committed).toBeGreaterThan(0)
        await page.getByTestId('task-totals').getByText(`${tasks.totals.committed} committed`).waitFor()
        expect(await page.getByTestId('task').count()).toBeGreaterThan(0)
      }
      await expect.poll(() => page.getByTestId('per-hour').textContent()).toMatch(/µPIC .*paid over the last/)
      expect(await page.getByTestId('cpu').textContent()).toMatch(/, \d+ cores?$/)
      expect(await page.getByTestId('ram').textContent()).toMatch(/^\d+\.\d GiB$/)
      expect(await page.getByTestId('gpus').textContent()).toMatch(/^(none detected|\d+ × .+)$/)
      expect(await page.getByTestId('renderer').textContent()).toMatch(/^builtin /)
      expect(await page.getByTestId('bench-score').textContent()).toMatch(/^\d+ \(~/)
    }
  })

  it("the price set in a worker's settings form is what /api/worker/settings reports; a refused one is the node's line", { timeout: 60_000 }, async () => {
    const page = pages.get('worker-1') ?? (await openDashboard(browser!, testnet.node('worker-1'), '#/node'))
    const form = page.getByTestId('price-form')
    const input = form.getByLabel('Own price')
    await input.fill('-5')
    await form.getByRole('button', { name: 'Save price' }).click()
    await form.getByRole('alert').getByText(/^price must be an integer from 0 to \d+ µPIC per reference frame, got -5$/).waitFor()
    await input.fill('777')
    await form.getByRole('button', { name: 'Save price' }).click()
    await form.getByRole('status').getByText('Saved: 777 µPIC').waitFor()
    const settings = await (await clientOf('worker-1')).request<WorkerSettings>('GET', '/api/worker/settings')
    expect(settings.ownPrice).toBe(777)
    await page.getByTestId('own-price').getByText(/^777 µPIC/).waitFor()
  })

  it('the farm page lists the workers the operator adds, keeps their tokens server-side, and refuses a non-loopback URL', { timeout: 60_000 }, async () => {
    const page = await openDashboard(browser!, testnet.node('creator'), '#/farm')
    const form = page.getByTestId('farm-form')
    const add = async (url: string, token: string) => {
      await form.getByLabel('API URL').fill(url)
      await form.getByLabel('Token').fill(token)
      await form.getByRole('button', { name: 'Add node' }).click()
    }
    await add('http://192.168.1.20:9000', testnet.node('worker-1').token)
    const refusal = page.getByTestId('farm-error')
    await refusal.getByText(/^url must be http:\/\/127\.0\.0\.1:<port> or http:\/\/localhost:<port> \(a node's API listens on loopback only; reach another machine's node through an SSH tunnel\), got "http:\/\/192\.168\.1\.20:9000"$/).waitFor()

    for (const name of WORKERS) {
      const node = testnet.node(name)
      await add(node.apiUrl!, node.token)
      const row = page.locator(`[data-testid="farm-node"][data-url="${node.apiUrl}"]`)
      await row.getByTestId('farm-status').getByText('up', { exact: true }).waitFor()
      expect(await row.getByTestId('farm-role').textContent()).toBe('worker')
      const sum = paid.get(name) ?? 0n
      await row.getByTestId('farm-earned').getByText(new RegExp(`^${sum.toLocaleString('en-US')} µPIC \\(`)).waitFor()
    }
    expect(await page.getByTestId('farm-node').count()).toBe(2)
    await page.getByTestId('farm-summary').getByText(/^2 of 2 nodes answer;/).waitFor()

    // The browser got URLs, never tokens; the list on disk is the creator's alone to read.
    const farm = JSON.stringify(await (await clientOf('creator')).request('GET', '/api/farm'))
    for (const name of WORKERS) expect(farm).not.toContain(testnet.node(name).token)
    expect((await stat(join(testnet.node('creator').dataDir, 'farm.json'))).mode & 0o777).toBe(0o600)

    await page.locator(`[data-testid="farm-node"][data-url="${testnet.node('worker-2').apiUrl}"]`).getByRole('button', { name: 'Remove' }).click()
    await expect.poll(() => page.getByTestId('farm-node').count(), { timeout: 10_000 }).toBe(1)
    await page.close()
  })
})
