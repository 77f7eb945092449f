// The explorer on a testnet with a ledger, as a worker sees it: after a job
// runs and settles, the worker's dashboard (which knows the job only from
// gossip) lists the job by id, both workers with the bench scores and
// prices they offer, and the job's escrow, payments and refund with the
// amounts the ledger itself holds; the routes behind it answer the same.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../../node/api/client.ts'
import { prepareJob, settlementLine, submitJob, waitForJob, waitForSettlement } from '../../../node/cli/job-client.ts'
import type { LedgerEvent } from '../../../node/ledger/index.ts'
import { formatPic } from '../../../node/ledger/wallet.ts'
import type { WorkerSettings } from '../../../node/roles/worker/index.ts'
import { Testnet } from '../../../testnet/launcher.ts'
import { SCENARIO_JOB, SCENARIO_SCENE } from '../../../testnet/scenario.ts'
import { chromiumMissing, launchChromium, openDashboard } from './browser.ts'

const missing = chromiumMissing()
const WORKERS = ['worker-1', 'worker-2']
/** The money events of a job, as the explorer names them. */
const LABELS: Partial<Record<LedgerEvent['type'], string>> = { JobCreated: 'escrow locked', WorkerPaid: 'worker paid', CheckerPaid: 'checker paid', WorkerSlashed: 'worker slashed', Refunded: 'refund' }

let testnet: Testnet
let browser: Browser | undefined
let jobId = ''
/** The job's money events on the ledger: seq, label and amount. */
let expected: Array<{ seq: number; label: string; amount: bigint }> = []
const offers = new Map<string, { peerId: string; benchScore: number; price: number }>()

function amountOf(e: LedgerEvent): bigint {
  if (e.type === 'JobCreated') return e.escrow
  if (e.type === 'WorkerPaid' || e.type === 'CheckerPaid' || e.type === 'WorkerSlashed' || e.type === 'Refunded') return e.amount
  throw new Error(`no amount in ${e.type}`)
}

beforeAll(async () => {
  testnet = new Testnet({ workers: 2, checkers: 1, ledger: true, blobs: 'p2p', logLevel: 'warn' })
  await testnet.start()
  await testnet.waitReady()
  if (missing === undefined) browser = await launchChromium()
  const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
  // Four tasks of the usual tiny scene: enough for both workers, payments and a refund.
  const spec = await prepareJob(SCENARIO_SCENE, { ...SCENARIO_JOB, frameEnd: 8 })
  jobId = (await submitJob(client, SCENARIO_SCENE, spec)).id
  expect((await waitForJob(client, jobId, () => {})).status).toBe('completed')
  expect(settlementLine(await waitForSettlement(client, jobId, () => {}))?.state).toBe('settled')
  const ledger = await testnet.ledger()
  const events = await ledger.events({ fromSeq: 0, limit: 1000 })
  expected = events.filter((e) => 'jobId' in e && e.jobId === jobId && LABELS[e.type] !== undefined).map((e) => ({ seq: e.seq, label: LABELS[e.type]!, amount: amountOf(e) }))
  for (const name of WORKERS) {
    const settings = await (await ApiClient.fromDataDir(testnet.node(name).dataDir)).request<WorkerSettings>('GET', '/api/worker/settings')
    offers.set(name, { peerId: testnet.node(name).peerId, benchScore: settings.benchScore, price: settings.ownPrice })
  }
}, 150_000)

afterAll(async () => {
  await browser?.close()
  await testnet?.stop()
})

describe('explorer', () => {
  it('the ledger shows the job escrowed, paid and refunded', () => {
    expect(expected.map((e) => e.label)).toContain('escrow locked')
    expect(expected.map((e) => e.label)).toContain('worker paid')
    expect(expected.at(-1)?.label).toBe('refund')
  })

  it("a worker's explorer routes list the job, both workers' offers and the job's money events with the ledger's amounts", async () => {
    const api = await ApiClient.fromDataDir(testnet.node('worker-1').dataDir)
    const jobs = await api.request<{ jobs: Array<{ jobId: string; gossip: { own: boolean; samples: number } | null; ledger: { status: string } | null }> }>('GET', '/api/explorer/jobs')
    const job = jobs.jobs.find((j) => j.jobId === jobId)
    expect(job?.gossip).toMatchObject({ own: false, samples: SCENARIO_JOB.samples })
    expect(job?.ledger).toMatchObject({ status: 'closed' })
    const { workers } = await api.request<{ workers: Array<{ peerId: string | null; gossip: { benchScore: number; price: number } | null }> }>('GET', '/api/explorer/workers')
    for (const offer of offers.values()) expect(workers.find((w) => w.peerId === offer.peerId)?.gossip).toMatchObject({ benchScore: offer.benchScore, price: offer.price })
    const { events } = await api.request<{ events: Array<{ seq: number; label: string; amount: { micro: string } }> }>('GET', `/api/explorer/ledger?job=${jobId}`)
    expect(events.map((e) => [e.seq, e.label, e.amount.micro])).toEqual(expected.map((e) => [e.seq, e.label, e.amount.toString()]).reverse())
    await expect(api.request('GET', '/api/explorer/ledger?limit=0')).rejects.toThrow(/limit must be an integer from 1 to 500/)
  })

  it.skipIf(missing !== undefined)("a worker's dashboard shows the job, both workers and the job's ledger events, live", { timeout: 90_000 }, async () => {
    const page = await openDashboard(browser!, testnet.node('worker-1'), '#/explorer')
    const jobRow = page.getByTestId(`explorer-job-${jobId}`)
    await jobRow.getByText(jobId.slice(0, 12)).waitFor()
    await jobRow.getByTestId('ledger').getByText(/^closed · escrow/).waitFor()
    for (const offer of offers.values()) {
      const row = page.getByTestId(`explorer-worker-${offer.peerId}`)
      await row.getByTestId('bench').getByText(String(offer.benchScore), { exact: true }).waitFor()
      await row.getByTestId('price').getByText(`${offer.price} µPIC/ref frame`, { exact: true }).waitFor()
    }
    await page.getByTestId(`explorer-worker-${offers.get('worker-1')!.peerId}`).getByText('(this node)').waitFor()
    for (const e of expected) {
      const row = page.getByTestId(`ledger-event-${e.seq}`)
      await row.getByTestId('label').getByText(e.label, { exact: true }).waitFor()
      await row.getByTestId('amount').getByText(`${formatPic(e.amount)} PIC`, { exact: true }).waitFor()
      expect(await row.getByTestId('job').getAttribute('title')).toBe(jobId)
    }
    await page.close()
  })
})
