// `npm start`: a local testnet (1 creator, 3 workers, 1 checker) renders the
// demo job; frames, a contact sheet and an animated preview go to out/.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ApiClient } from '../node/api/client.ts'
import { downloadFrames, prepareJob, progressLine, submitJob, waitForJob } from '../node/cli/job-client.ts'
import { printTable } from '../node/cli/table.ts'
import type { JobView } from '../node/roles/creator/index.ts'
import { Testnet } from './launcher.ts'
import { DevLedgerClient } from '../node/ledger/dev/rpc-client.ts'
import { jobPayouts, paidOut } from '../node/ledger/job-payouts.ts'
import { writeAnimatedPreview, writeContactSheet } from './preview.ts'

const ROOT = join(import.meta.dirname, '..')
const OUT = join(ROOT, 'out')
const SCENE = join(import.meta.dirname, 'scenes', 'demo.json')
const DEMO_JOB = { renderer: 'builtin', frameStart: 1, frameEnd: 24, framesPerTask: 2, width: 320, height: 180, samples: 16, seed: 7, maxPrice: 5000 }

async function main(): Promise<number> {
  const started = Date.now()
  const testnet = new Testnet({ workers: 3, checkers: 1, logLevel: 'warn', extraArgs: { worker: ['--threads', '1'] } })
  const stopOnSignal = () => void testnet.stop().then(() => process.exit(130))
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)
  try {
    await testnet.start()
    console.log(`starting a local testnet: 1 creator, 3 workers, 1 checker (${testnet.dir})`)
    await testnet.waitReady()
    console.log(`testnet ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
    const spec = await prepareJob(SCENE, DEMO_JOB)
    const submittedAt = Date.now()
    const job = await submitJob(client, SCENE, spec)
    console.log(`job ${job.id}: ${job.frames.length} frames at ${spec.width}x${spec.height}, ${spec.samples} samples`)
    const tty = process.stdout.isTTY
    let last = ''
    const done = await waitForJob(client, job.id, (view) => {
      const line = progressLine(view)
      if (line !== last) process.stdout.write(tty ? `\r${line}` : `${line}\n`)
      last = line
    })
    if (tty) process.stdout.write('\n')
    if (done.status !== 'completed') throw new Error(`job ended ${done.status}`)
    const renderS = (Date.now() - submittedAt) / 1000
    await rm(OUT, { recursive: true, force: true })
    const frames = await downloadFrames(client, done, join(OUT, 'frames'))
    await writeContactSheet(frames, join(OUT, 'contact-sheet.png'))
    await writeAnimatedPreview(frames, join(OUT, 'preview.webp'))
    const names = new Map(testnet.nodes.map((n) => [n.peerId, n.name]))
    console.log(`\n${frames.length} frames, contact sheet and animated preview written to ${OUT}`)
    console.log(`job wall time ${renderS.toFixed(1)} s (total with testnet start ${((Date.now() - started) / 1000).toFixed(1)} s)\n`)
    printTable(
      ['worker', 'bid (µPIC/ref frame)', 'frames', 'earned (µPIC)'],
      done.workers.map((w) => [names.get(w.peerId) ?? w.peerId, String(w.price), String(w.frames), w.paid])
    )
    return testnet.ledgerUrl === undefined ? 0 : await ledgerSummary(client, testnet, job.id)
  } catch (err) {
    console.error(`demo failed: ${(err as Error).message}`)
    return 1
  } finally {
    const { clean } = await testnet.stop()
    console.log(clean ? '\nevery node stopped cleanly' : '\nsome nodes had to be killed')
  }
}

/** Waits for the job to close on the ledger, then shows who got paid what from the escrow. */
async function ledgerSummary(client: ApiClient, testnet: Testnet, jobId: string): Promise<number> {
  const deadline = Date.now() + 60_000
  while ((await client.request<JobView>('GET', `/api/jobs/${jobId}`)).ledger?.refunded === undefined) {
    if (Date.now() > deadline) throw new Error('the job was not closed on the ledger within 60 s')
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const p = await jobPayouts(new DevLedgerClient({ url: testnet.ledgerUrl!, seed: new Uint8Array(32) }), jobId)
  const byAddress = new Map(testnet.nodes.map((n) => [n.suiAddress, n.name]))
  const rows = [
    ...[...p.workers].map(([a, v]) => [byAddress.get(a) ?? a, 'worker pay', String(v)]),
    ...[...p.checkers].map(([a, v]) => [byAddress.get(a) ?? a, 'checker fees', String(v)]),
    ['creator', 'refund', String(p.refunded)]
  ]
  console.log(`\non the ledger: escrow ${p.escrow} µPIC locked at submission`)
  printTable(['account', 'for', 'µPIC'], rows)
  const out = paidOut(p)
  console.log(out === p.escrow ? `payouts + refund = ${out} µPIC = the escrow` : `MISMATCH: payouts + refund = ${out}, escrow ${p.escrow}`)
  return out === p.escrow ? 0 : 1
}

main().then((code) => process.exit(code))
