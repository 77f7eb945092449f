// The New job page in a real Chromium on a 3-worker testnet: the scene is
// uploaded with a progress bar, the node's plan and estimate follow the
// form, a refused spec or scene shows the server's own line and submits
// nothing, and a job goes through the test-frame step (its frame shown)
// before it is released and opened, with the spec the form set. Uploads
// show their progress; a Blender project folder is uploaded file by file
// and submitted as a project, and one the node refuses says why.
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateJobSpec } from '../../../protocol/index.ts'
import { ApiClient } from '../../../node/api/client.ts'
import { validateScene } from '../../../node/renderers/index.ts'
import type { JobView } from '../../../node/roles/creator/index.ts'
import { Testnet } from '../../../testnet/launcher.ts'
import { SCENARIO_SCENE } from '../../../testnet/scenario.ts'
import { findBlenderForTests, runScript } from '../blender/helpers.ts'
import { chromiumMissing, launchChromium, openDashboard } from './browser.ts'

const missing = chromiumMissing()
const blender = missing === undefined ? await findBlenderForTests() : undefined
let testnet: Testnet
let client: ApiClient
let browser: Browser | undefined
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-new-job-'))
  testnet = new Testnet({ workers: 3, checkers: 0, ledger: false, blobs: 'p2p', logLevel: 'warn' })
  await testnet.start()
  await testnet.waitReady()
  client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
  if (missing === undefined) browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await testnet?.stop()
  await rm(dir, { recursive: true, force: true })
})

/** The one line `fn` throws, as the server answers it. */
async function messageOf(fn: () => unknown): Promise<string> {
  try {
    await fn()
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected a refusal')
}

const jobs = () => client.request<JobView[]>('GET', '/api/jobs')

async function openNewJob(): Promise<Page> {
  const page = await openDashboard(browser!, testnet.node('creator'), '#/new')
  page.setDefaultTimeout(60_000)
  await page.getByRole('heading', { name: 'New job' }).waitFor()
  return page
}

/** Picks the scene file and waits until the node has stored it. */
async function uploadScene(page: Page, path: string): Promise<void> {
  await page.getByLabel('Scene file').setInputFiles(path)
  await page.getByTestId('scene-stored').waitFor()
}

/** Fills text fields by label (a substring of it). */
async function fill(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label).fill(value)
}

/** The scenario's tiny job as typed into the form. */
async function fillTinyJob(page: Page, frames: { first: string; last: string }): Promise<void> {
  await fill(page, { 'First frame': frames.first, 'Last frame': frames.last, 'Frames per task': '2' })
  await page.getByLabel('Resolution').selectOption('custom')
  await fill(page, { Width: '96', Height: '54', Samples: '8', Seed: '11', 'Price cap': '1000', Name: 'from the form' })
}

describe('the New job page', () => {
  it.skipIf(missing !== undefined)('shows the server line for a refused spec or scene and submits nothing', async () => {
    const page = await openNewJob()
    const before = (await jobs()).length
    await uploadScene(page, SCENARIO_SCENE)
    await fillTinyJob(page, { first: '1', last: '4' })
    await page.getByTestId('plan').getByText('4 in 2 tasks').waitFor()

    const base = { renderer: 'builtin', sceneBlob: '0'.repeat(64), sceneSize: 1, frameStart: 1, frameEnd: 4, width: 96, height: 54, maxPrice: 1000 }
    await fill(page, { Samples: '0' })
    const samplesError = await messageOf(() => validateJobSpec({ ...base, samples: 0 }))
    await expect.poll(() => page.getByTestId('form-error').textContent()).toBe(samplesError)
    await page.getByRole('button', { name: 'Submit the job' }).click()
    await page.getByTestId('form-error').getByText(samplesError).waitFor()

    await fill(page, { Samples: '8', 'First frame': '5', 'Last frame': '2' })
    const rangeError = await messageOf(() => validateJobSpec({ ...base, frameStart: 5, frameEnd: 2 }))
    await expect.poll(() => page.getByTestId('form-error').textContent()).toBe(rangeError)
    await page.getByRole('button', { name: 'Submit the job' }).click()
    await page.getByTestId('form-error').getByText(rangeError).waitFor()

    // A scene the builtin renderer cannot read passes the plan (it needs no scene) and is refused at submit.
    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{"version": 1, "camera": ')
    await uploadScene(page, broken)
    await fill(page, { 'First frame': '1', 'Last frame': '4' })
    await page.getByTestId('plan').waitFor()
    await page.getByRole('button', { name: 'Submit the job' }).click()
    const sceneError = await messageOf(() => validateScene('builtin', broken))
    await expect.poll(() => page.getByTestId('form-error').textContent()).toBe(sceneError)

    // A project the node refuses (a path some workers cannot write): its line next to the scene field.
    const refused = join(dir, 'refused')
    await mkdir(join(refused, 'textures'), { recursive: true })
    await writeFile(join(refused, 'shot.blend'), 'BLENDER-v300')
    await writeFile(join(refused, 'textures', 'wood:1.png'), 'png')
    await page.getByLabel('or a project folder').setInputFiles(refused)
    await page.getByTestId('scene-error').getByText(/^refused: files\[\d\]\.path "textures\/wood:1\.png" contains ':'$/).waitFor()
    await expect.poll(() => page.getByRole('button', { name: 'Submit the job' }).isDisabled()).toBe(true)

    expect((await jobs()).length).toBe(before)
    expect(page.url()).toMatch(/#\/new$/)
    await page.close()
  }, 120_000)

  it.skipIf(missing !== undefined)('shows the upload progress of a scene as it goes', async () => {
    const page = await openNewJob()
    // Upload slowed down to 500 KB/s, so the bar is there to see for seconds.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 500_000 })
    const big = join(dir, 'big.json')
    await writeFile(big, Buffer.alloc(3_000_000, 0x20))
    await page.getByLabel('Scene file').setInputFiles(big)
    const bar = page.getByRole('progressbar', { name: 'upload progress' })
    await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await bar.getAttribute('max')).toBe('3000000')
    await page.getByTestId('scene-stored').getByText('big.json stored on this node (2.9 MiB)').waitFor()
    await expect.poll(() => bar.count()).toBe(0)
    await page.close()
  }, 120_000)

  it.skipIf(missing !== undefined)('plans, renders a test frame, shows it, releases the job and opens it', async () => {
    const page = await openNewJob()
    const before = new Set((await jobs()).map((j) => j.id))
    await uploadScene(page, SCENARIO_SCENE)
    await fillTinyJob(page, { first: '3', last: '8' })
    // The estimate comes from the offers of all three workers.
    const plan = page.getByTestId('plan')
    await plan.getByText('6 in 3 tasks').waitFor()
    await plan.getByText('3 of 3 heard from would bid').waitFor()
    await plan.getByTestId('estimate').getByText(/^\d+\.\d{6} PIC at the lowest ask, \d+\.\d{6} PIC at the median$/).waitFor()

    await page.getByLabel('Render a test frame first').check()
    await page.getByRole('button', { name: 'Render the test frame' }).click()
    const image = page.getByRole('img', { name: 'test frame 3' })
    await image.waitFor()
    const size = await image.evaluate(async (el) => {
      const img = el as unknown as { decode(): Promise<void>; naturalWidth: number; naturalHeight: number }
      await img.decode()
      return [img.naturalWidth, img.naturalHeight]
    })
    expect(size).toEqual([96, 54])

    await page.getByRole('button', { name: 'Release the job' }).click()
    await page.waitForURL(/#\/jobs\/[0-9a-f]{64}$/)
    const id = new URL(page.url()).hash.slice('#/jobs/'.length)

    const scene = await readFile(SCENARIO_SCENE)
    const sceneBlob = createHash('sha256').update(scene).digest('hex')
    const job = await client.request<JobView>('GET', `/api/jobs/${id}`)
    expect(job.spec).toMatchObject({ renderer: 'builtin', sceneBlob, sceneSize: scene.length, frameStart: 3, frameEnd: 8, framesPerTask: 2, width: 96, height: 54, samples: 8, seed: 11, maxPrice: 1000, name: 'from the form' })
    // The test frame was a job of its own: the first frame, the same settings otherwise.
    const added = (await jobs()).filter((j) => !before.has(j.id) && j.id !== id)
    expect(added).toHaveLength(1)
    expect(added[0]!.spec).toMatchObject({ ...job.spec, frameStart: 3, frameEnd: 3, framesPerTask: 1 })
    expect(added[0]!.counts.succeeded).toBe(1)
    await page.close()
  }, 120_000)

  it.skipIf(missing !== undefined || blender === undefined)('uploads a Blender project folder and submits it as a project', async () => {
    const project = join(dir, 'project')
    await runScript(blender!.path, 'make_project_scene.py', project)
    const page = await openNewJob()
    await page.getByLabel('or a project folder').setInputFiles(project)
    await page.getByTestId('scene-stored').getByText(/project stored on this node \(.*, \d+ files\)/).waitFor()
    await expect.poll(() => page.getByLabel('Renderer').inputValue()).toBe('blender')
    await fillTinyJob(page, { first: '1', last: '1' })
    await page.getByTestId('plan').getByText('1 in 1 task').waitFor()
    await page.getByRole('button', { name: 'Submit the job' }).click()
    await page.waitForURL(/#\/jobs\/[0-9a-f]{64}$/)
    const id = new URL(page.url()).hash.slice('#/jobs/'.length)
    const job = await client.request<JobView>('GET', `/api/jobs/${id}`)
    expect(job.spec).toMatchObject({ renderer: 'blender', sceneProject: true, frameStart: 1, frameEnd: 1, width: 96, height: 54 })
    await page.close()
  }, 120_000)
})
