// `npm start`: a local testnet (1 creator, 3 workers, 1 checker) renders the
// demo job; frames, a contact sheet and an animated preview go to out/. It
// prints the creator's dashboard URL to follow the job in a browser;
// `--stay` keeps the testnet up afterwards until Ctrl-C, to look around.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ApiClient } from '../node/api/client.ts'
import { dashboardUrl } from '../node/dashboard/index.ts'
import { checkLine, downloadFrames, prepareJob, progressLine, settlementLine, submitJob, waitForJob, waitForSettlement } from '../node/cli/job-client.ts'
import { printTable } from '../node/cli/table.ts'
import type { JobView } from '../node/roles/creator/index.ts'
import { Testnet, testnetBlobs } from './launcher.ts'
import { jobPayouts, paidOut } from '../node/ledger/job-payouts.ts'
import { writeAnimatedPreview, writeContactSheet } from './preview.ts'

const ROOT = join(import.meta.dirname, '..')
const OUT = join(ROOT, 'out')
const SCENE = join(import.meta.dirname, 'scenes', 'demo.json')
const DEMO_JOB = { renderer: 'builtin', frameStart: 1, frameEnd: 24, framesPerTask: 2, width: 320, height: 180, samples: 16, seed: 7, maxPrice: 5000 }

/** `npm start -- --blobs p2p` keeps blobs peer to peer (the default also goes through Walrus); `--stay` keeps the testnet up after the job. */
function demoFlags(argv: string[]): { blobs: 'walrus' | 'p2p' | undefined; stay: boolean } {
  const { values } = parseArgs({ args: argv, options: { blobs: { type: 'string' }, stay: { type: 'boolean' } }, strict: true })
  return { blobs: testnetBlobs(values.blobs), stay: values.stay === true }
}

async function main(): Promise<number> {
  const started = Date.now()
  let blobs: 'walrus' | 'p2p' | undefined
  let stay = false
  try {
    const flags = demoFlags(process.argv.slice(2))
    blobs = flags.blobs
    stay = flags.stay
  } catch (err) {
    console.error(`demo: ${(err as Error).message.split('. ')[0]}`)
    return 2
  }
  if (blobs === undefined) {
    console.error('demo: --blobs must be walrus or p2p')
    return 2
  }
  const testnet = new Testnet({ workers: 3, checkers: 1, blobs, logLevel: 'warn', extraArgs: { worker: ['--threads', '1'] } })
  const stopOnSignal = () => void testnet.stop().then(() => process.exit(130))
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)
  try {
    await testnet.start()
    console.log(`starting a local testnet: 1 creator, 3 workers, 1 checker, blobs ${blobs === 'walrus' ? `through Walrus at ${testnet.walrus?.url}` : 'peer to peer'} (${testnet.dir})`)
    await testnet.waitReady()
    console.log(`testnet ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    const creator = testnet.node('creator')
    console.log(`follow it in the dashboard: ${dashboardUrl(creator.apiUrl!, creator.token)}`)
    const client = await ApiClient.fromDataDir(creator.dataDir)
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
    // Submission to the creator's acceptance of the last frame (its clock is this machine's), not to when the poll above noticed it.
    const renderS = ((done.completedMs ?? Date.now()) - submittedAt) / 1000
    await rm(OUT, { recursive: true, force: true })
    const frames = await downloadFrames(client, done, join(OUT, 'frames'))
    await writeContactSheet(frames, join(OUT, 'contact-sheet.png'))
    await writeAnimatedPreview(frames, join(OUT, 'preview.webp'))
    const names = new Map(testnet.nodes.map((n) => [n.peerId, n.name]))
    console.log(`\n${frames.length} frames, contact sheet and animated preview written to ${OUT}`)
    console.log(`job wall time ${renderS.toFixed(1)} s (total with testnet start ${((Date.now() - started) / 1000).toFixed(1)} s)`)
    console.log(`${checkLine(done)}\n`)
    for (const line of walrusLines(done)) console.log(line)
    printTable(
      ['worker', 'bid (µPIC/ref frame)', 'frames', 'earned (µPIC)'],
      done.workers.map((w) => [names.get(w.peerId) ?? w.peerId, String(w.price), String(w.frames), w.paid])
    )
    const code = testnet.ledgerUrl === undefined ? 0 : await ledgerSummary(client, testnet, job.id)
    if (stay) {
      console.log(`\nthe testnet stays up (Ctrl-C stops it): ${dashboardUrl(creator.apiUrl!, creator.token)}`)
      await new Promise(() => {})
    }
    return code
  } catch (err) {
    console.error(`demo failed: ${(err as Error).message}`)
    return 1
  } finally {
    const { clean } = await testnet.stop()
    console.log(clean ? '\nevery node stopped cleanly' : '\nsome nodes had to be killed')
  }
}

/** Where the blobs went: the scene's Walrus blob and one Walrus object per task of frames. */
function walrusLines(view: JobView): string[] {
  const scene = view.spec.sceneWalrus
  if (scene === undefined) return ['blobs: peer to peer only (no Walrus copy)\n']
  const objects = new Map<string, number[]>()
  for (const f of view.frames) if (f.walrus !== undefined) objects.set(f.walrus.blobId, [...(objects.get(f.walrus.blobId) ?? []), f.frame])
  const rows = [...objects].map(([id, frames]) => [`frames ${frames[0]}-${frames.at(-1)}`, id])
  printTable(['walrus blob of', 'walrus blob id'], [['scene', scene.blobId], ...rows])
  return [`${objects.size} Walrus objects hold ${[...objects.values()].flat().length} of ${view.frames.length} frames\n`]
}

/**
 * Waits until the ledger settles the job, then shows who got paid what from
 * the escrow. The demo succeeds only if the ledger agrees: the job closed
 * with every task verified (paid) there.
 */
async function ledgerSummary(client: ApiClient, testnet: Testnet, jobId: string): Promise<number> {
  const settlement = settlementLine(await waitForSettlement(client, jobId, () => {}))
  const ledger = await testnet.ledger()
  const chainJob = await ledger.job(jobId)
  const p = await jobPayouts(ledger, jobId)
  const byAddress = new Map(testnet.nodes.map((n) => [n.suiAddress, n.name]))
  const rows = [
    ...[...p.workers].map(([a, v]) => [byAddress.get(a) ?? a, 'worker pay', String(v)]),
    ...[...p.checkers].map(([a, v]) => [byAddress.get(a) ?? a, 'checker fees', String(v)]),
    ['creator', 'refund', String(p.refunded)]
  ]
  console.log(`\non the ledger: escrow ${p.escrow} µPIC locked at submission`)
  printTable(['account', 'for', 'µPIC'], rows)
  const out = paidOut(p)
  if (settlement?.state !== 'settled' || chainJob?.status !== 'closed' || chainJob.verifiedTasks !== chainJob.taskCount) {
    console.log(`\nNOT SETTLED on the ledger: job ${chainJob?.status ?? 'missing'}, ${chainJob?.verifiedTasks ?? 0} of ${chainJob?.taskCount ?? '?'} tasks verified`)
    console.log(`the creator says: ${settlement?.line ?? 'nothing'}`)
    return 1
  }
  console.log(out === p.escrow ? `payouts + refund = ${out} µPIC = the escrow` : `MISMATCH: payouts + refund = ${out}, escrow ${p.escrow}`)
  return out === p.escrow ? 0 : 1
}

main().then((code) => process.exit(code))
