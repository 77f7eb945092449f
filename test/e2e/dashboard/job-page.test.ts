// The creator's job page in a real Chromium, on a testnet with 3 workers, a
// checker and a ledger: the frame grid reaches all verified live, the task
// distribution graph has a row per worker that rendered, the escrow figures
// are the job's; a frame sent back for a re-render goes back through its
// stages and returns verified; the zip the page downloads holds every frame
// with the pixels the API serves and a local render makes; the contact
// sheet and preview show; accepting signs the job off.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../../node/api/client.ts'
import { prepareJob, submitJob } from '../../../node/cli/job-client.ts'
import { readZipProject } from '../../../node/cli/zip-reader.ts'
import { decodePng } from '../../../node/images/png.ts'
import { silentLogger } from '../../../node/log.ts'
import { createBuiltinRenderer } from '../../../node/renderers/builtin/index.ts'
import type { JobView } from '../../../node/roles/creator/index.ts'
import { Testnet } from '../../../testnet/launcher.ts'
import { SCENARIO_JOB, SCENARIO_SCENE } from '../../../testnet/scenario.ts'
import { chromiumMissing, launchChromium, openDashboard } from './browser.ts'

const missing = chromiumMissing()
const FRAMES = 12
const JOB = { ...SCENARIO_JOB, frameEnd: FRAMES }

let testnet: Testnet | undefined
let browser: Browser | undefined
let page: Page
let client: ApiClient
let scratch: string
let jobId = ''
/** Workers paused (SIGSTOP) by the re-render test, resumed whatever happens. */
const paused: string[] = []

beforeAll(async () => {
  if (missing !== undefined) return
  scratch = await mkdtemp(join(tmpdir(), 'pictor-job-page-'))
  testnet = new Testnet({ workers: 3, checkers: 1, ledger: true, blobs: 'p2p', logLevel: 'warn', extraArgs: { worker: ['--threads', '1'], checker: ['--threads', '1'] } })
  await testnet.start()
  await testnet.waitReady()
  client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  for (const name of paused) testnet?.node(name).process?.kill('SIGCONT')
  await browser?.close()
  await testnet?.stop()
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
})

const view = () => client.request<JobView>('GET', `/api/jobs/${jobId}`)
const cell = (frame: number) => page.getByTestId(`frame-${frame}`)

/** Records every data-state a frame cell shows from now on (the page updates it in place); the browser runs the script. */
async function recordStates(frame: number): Promise<() => Promise<string[]>> {
  const key = `pictorStates${frame}`
  await page.evaluate(`{
    const el = document.querySelector('[data-testid="frame-${frame}"]')
    const seen = [el.getAttribute('data-state')]
    new MutationObserver(() => {
      const state = el.getAttribute('data-state')
      if (seen.at(-1) !== state) seen.push(state)
    }).observe(el, { attributes: true, attributeFilter: ['data-state'] })
    window.${key} = seen
  }`)
  return async () => (await page.evaluate(`window.${key}`)) as string[]
}

describe.skipIf(missing !== undefined)('job page', () => {
  it('shows the grid reach all verified live, a distribution row per worker that rendered, and the escrow', async () => {
    page = await openDashboard(browser!, testnet!.node('creator'), '#/jobs')
    const spec = await prepareJob(SCENARIO_SCENE, JOB)
    jobId = (await submitJob(client, SCENARIO_SCENE, spec)).id
    // The page is loaded already: only the route changes, as a click on the job would.
    await page.evaluate(`location.hash = '#/jobs/${jobId}'`)
    await page.getByTestId('frame-grid').waitFor()
    const firstStates = await page.locator('[data-testid="frame-grid"] [data-state]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))
    expect(firstStates).toHaveLength(FRAMES)
    // Live: the page was not reloaded, the stream moved every cell to verified.
    await page.locator('[data-testid="frame-grid"] [data-state="verified"]').nth(FRAMES - 1).waitFor({ timeout: 90_000 })
    expect(await page.locator('[data-testid="frame-grid"] [data-state]:not([data-state="verified"])').count()).toBe(0)
    // The grid first showed the job unfinished: what followed came live.
    expect(firstStates.every((s) => s === 'verified')).toBe(false)
    await page.getByTestId('job-status').getByText('completed').waitFor()
    // Accepted frames show their thumbnail: the frame itself, fetched with the token.
    const thumb = cell(1).locator('img')
    await thumb.waitFor()
    await expect.poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(JOB.width)

    const v = await view()
    expect(v.frames.every((f) => f.stage === 'verified' && f.status === 'succeeded')).toBe(true)
    const rendered = new Set(v.taskAttempts!.map((a) => a.worker))
    const rows = await page.getByTestId('worker-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-worker')))
    expect(new Set(rows)).toEqual(rendered)
    expect(rows).toHaveLength(rendered.size)
    for (const f of v.frames) expect(rendered.has(f.worker!)).toBe(true)
    expect(await page.getByTestId('attempt').count()).toBe(v.taskAttempts!.length)
    expect(await page.locator('[data-testid="attempt"][data-outcome="accepted"]').count()).toBe(FRAMES / 2)

    // Escrow figures are the job's own, from its ledger record.
    expect(v.amounts).toBeDefined()
    expect(v.amounts!.escrow).toBe(v.ledger!.escrow)
    expect(await page.getByTestId('amount-escrow').getAttribute('data-micro')).toBe(v.ledger!.escrow)
    const paid = v.workers.reduce((sum, w) => sum + BigInt(w.paid), 0n)
    expect(paid).toBeGreaterThan(0n)
    expect(await page.getByTestId('amount-paid').getAttribute('data-micro')).toBe(String(paid))
  })

  it('sends a frame back for a re-render with a reason, shows it go back through its stages and return verified', async () => {
    const before = await view()
    // A frame the checker passed: the dispute then has no independent checker left, and the task is rendered again.
    const first = before.frames.find((f) => (f.checkedBy ?? []).length > 0)
    expect(first, 'a frame a checker passed').toBeDefined()
    const frame = first!.frame
    const task = Math.floor((frame - JOB.frameStart) / JOB.framesPerTask)
    const states = await recordStates(frame)
    // The other workers are paused, so the re-render waits (its first worker may not take it again): a stage the page must show.
    const firstPeer = before.workers.find((w) => w.publicKey === first!.worker)!.peerId
    for (const n of testnet!.nodes.filter((n) => n.role === 'worker' && n.peerId !== firstPeer)) {
      n.process!.kill('SIGSTOP')
      paused.push(n.name)
    }
    await cell(frame).click()
    expect(await cell(frame).getAttribute('aria-pressed')).toBe('true')
    await page.getByTestId('selected-frames').getByText(`Selected: ${frame}`).waitFor()
    await page.getByLabel('Reason').fill('the glass ball looks wrong')
    await page.getByRole('button', { name: 'Re-render selected frames' }).click()
    await page.getByTestId('review-note').getByText(`Sent back: task ${task} (frames ${frame}).`).waitFor()
    await page.locator(`[data-testid="frame-${frame}"][data-state="rejected"]`).waitFor({ timeout: 30_000 })
    await page.locator(`[data-testid="dispute"][data-task="${task}"][data-outcome="open"]`).waitFor()

    // While the re-render waits, accepting is refused with the server's one line.
    await page.getByRole('button', { name: 'Accept job' }).click()
    const refusal = await page.getByTestId('review-error').textContent()
    expect(refusal).toMatch(/is not complete: 1 of 6 tasks still open/)
    expect(refusal).not.toContain('\n')

    for (const name of paused.splice(0)) testnet!.node(name).process!.kill('SIGCONT')
    await page.locator(`[data-testid="dispute"][data-task="${task}"][data-outcome="re-rendered"]`).waitFor({ timeout: 60_000 })
    await page.locator(`[data-testid="frame-${frame}"][data-state="verified"][data-attempts="2"]`).waitFor({ timeout: 30_000 })
    const seen = await states()
    expect(seen[0]).toBe('verified')
    expect(seen).toContain('rejected')
    expect(seen.at(-1)).toBe('verified')

    const after = await view()
    const again = after.frames.find((f) => f.frame === frame)!
    expect(again.worker).not.toBe(first!.worker)
    expect(await cell(frame).getAttribute('data-worker')).toBe(again.worker)
    expect(after.disputes[0]).toMatchObject({ taskIndex: task, frames: [frame], reason: 'the glass ball looks wrong', outcome: 're-rendered' })
    // The graph shows the task's second lease, on the worker that rendered it again.
    await page.locator(`[data-testid="attempt"][data-task="${task}"][data-attempt="2"][data-outcome="accepted"][data-worker="${again.worker}"]`).waitFor()
    expect(await page.locator('[data-testid="frame-grid"] [data-state="verified"]').count()).toBe(FRAMES)
  })

  it('downloads every frame as one zip from the page: each the pixels the API serves and a local render makes', async () => {
    const v = await view()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all frames (.zip)' }).click()])
    expect(download.suggestedFilename()).toBe(`pictor-${jobId.slice(0, 12)}-frames.zip`)
    const zipPath = join(scratch, 'frames.zip')
    await download.saveAs(zipPath)
    const entries = await readZipProject(zipPath)
    expect(entries.map((e) => e.path)).toEqual(v.frames.map((f) => `${String(f.frame).padStart(6, '0')}.png`))

    const renderer = createBuiltinRenderer({ threads: 2, logger: silentLogger })
    try {
      const local = await renderer.renderFrames({
        scenePath: SCENARIO_SCENE,
        frames: v.frames.map((f) => f.frame),
        settings: { width: v.spec.width, height: v.spec.height, samples: v.spec.samples, seed: v.spec.seed },
        outDir: join(scratch, 'local')
      })
      for (const [i, entry] of entries.entries()) {
        const chunks: Buffer[] = []
        for await (const c of entry.open()) chunks.push(Buffer.from(c))
        const zipped = await decodePng(Buffer.concat(chunks), v.spec)
        const served = await decodePng(new Uint8Array(await (await client.fetch('GET', `/api/jobs/${jobId}/frames/${v.frames[i]!.frame}`)).arrayBuffer()), v.spec)
        const rendered = await decodePng(await readFile(local[i]!.path), v.spec)
        expect(Buffer.from(zipped.pixels).equals(Buffer.from(served.pixels)), entry.path).toBe(true)
        expect(Buffer.from(zipped.pixels).equals(Buffer.from(rendered.pixels)), entry.path).toBe(true)
      }
    } finally {
      await renderer.close()
    }
  })

  it('shows the contact sheet and the preview, then accepts the job', async () => {
    await page.getByRole('button', { name: 'Contact sheet' }).click()
    await page.getByTestId('contact-sheet').waitFor()
    const sheet = await sharp(Buffer.from(await (await client.fetch('GET', `/api/jobs/${jobId}/contact-sheet.png`)).arrayBuffer())).metadata()
    // 12 frames of 96x54, 6 across with 4 px between: two rows.
    expect(sheet).toMatchObject({ format: 'png', width: 6 * 96 + 5 * 4, height: 2 * 54 + 4 })
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.getByTestId('preview').waitFor()
    const preview = await sharp(Buffer.from(await (await client.fetch('GET', `/api/jobs/${jobId}/preview.webp`)).arrayBuffer()), { animated: true }).metadata()
    expect(preview).toMatchObject({ format: 'webp', pages: FRAMES, width: 96 })

    await page.getByRole('button', { name: 'Accept job' }).click()
    await page.getByTestId('accepted').waitFor()
    expect((await view()).acceptedMs).toBeGreaterThan(0)
  })
})
