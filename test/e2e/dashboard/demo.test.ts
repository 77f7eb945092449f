// `npm start` as a user runs it: the demo prints the creator's dashboard URL,
// and the demo job can be followed in it, in a real Chromium, from the jobs
// list to every frame verified. `--stay` keeps the testnet up afterwards.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumMissing, launchChromium } from './browser.ts'

const DEMO = join(import.meta.dirname, '..', '..', '..', 'testnet', 'demo.ts')
const missing = chromiumMissing()
let browser: Browser | undefined
let demo: ChildProcess | undefined
let output = ''

beforeAll(async () => {
  if (missing === undefined) browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  if (demo !== undefined && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo!.once('exit', resolve))
    demo.kill('SIGINT')
    await exited
  }
})

/** Resolves with the first match of `re` in the demo's output so far or to come. */
function waitForOutput(re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(output)
      if (m !== null) resolve(m)
      return m !== null
    }
    if (check()) return
    demo!.stdout!.on('data', () => check())
    demo!.once('exit', (code) => (check() ? undefined : reject(new Error(`the demo exited (${code}) before printing ${re}: ${output.slice(-500)}`))))
  })
}

describe('npm start and the dashboard', () => {
  it.skipIf(missing !== undefined)('prints the dashboard URL, and the demo job can be followed in it to every frame verified', { timeout: 240_000 }, async () => {
    demo = spawn(process.execPath, [DEMO, '--blobs', 'p2p', '--stay'], { stdio: ['ignore', 'pipe', 'pipe'] })
    demo.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    demo.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const [, url] = await waitForOutput(/follow it in the dashboard: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/)
    const page = await browser!.newPage()
    await page.goto(url!)
    await page.getByRole('navigation').waitFor()
    // The jobs list shows the demo job as soon as it is submitted; open it.
    const link = page.getByTestId('jobs').getByRole('link').first()
    await link.waitFor({ timeout: 60_000 })
    await link.click()
    await page.getByTestId('frame-grid').waitFor()
    await page.locator('[data-testid^="frame-"][data-state="verified"]').nth(23).waitFor({ timeout: 120_000 })
    expect(await page.locator('[data-testid^="frame-"][data-state]').count()).toBe(24)
    // --stay: the demo finished (its summary printed) and the testnet is still up for the dashboard.
    await waitForOutput(/the testnet stays up \(Ctrl-C stops it\)/)
    expect(output).toContain('payouts + refund')
    await page.reload()
    await page.getByTestId('frame-grid').waitFor()
    await page.close()
  })
})
