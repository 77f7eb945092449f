// `npm start`: a local testnet (1 creator, 3 workers, 1 checker) renders the
// demo job; frames, a contact sheet and an animated preview go to out/.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ApiClient } from '../node/api/client.ts'
import { downloadFrames, prepareJob, progressLine, submitJob, waitForJob } from '../node/cli/job-client.ts'
import { printTable } from '../node/cli/table.ts'
import { Testnet } from './launcher.ts'
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
      ['worker', 'bid (µPIC/ref frame)', 'frames', 'paid (µPIC)'],
      done.workers.map((w) => [names.get(w.peerId) ?? w.peerId, String(w.price), String(w.frames), w.paid])
    )
    return 0
  } catch (err) {
    console.error(`demo failed: ${(err as Error).message}`)
    return 1
  } finally {
    const { clean } = await testnet.stop()
    console.log(clean ? '\nevery node stopped cleanly' : '\nsome nodes had to be killed')
  }
}

main().then((code) => process.exit(code))
