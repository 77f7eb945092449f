// `npm run testnet -- --workers N --checkers M [--smoke] [--blobs walrus|p2p]`
import { parseArgs } from 'node:util'
import { checkLine } from '../node/cli/job-client.ts'
import { printTable } from '../node/cli/table.ts'
import { parseCheat } from './cheat.ts'
import { Testnet, testnetBlobs } from './launcher.ts'
import { type CheckerAccount, rejectingPays, rejectionReport, runUntilStalled, verdictsLanded } from './rejecting-checker.ts'
import { runScenarioJob } from './scenario.ts'

function count(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > max) {
    process.stderr.write(`testnet: --${name} must be an integer from 0 to ${max}, got "${value}"\n`)
    process.exit(2)
  }
  return n
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      options: {
        workers: { type: 'string' },
        checkers: { type: 'string' },
        smoke: { type: 'boolean' },
        job: { type: 'boolean' },
        cheaters: { type: 'string' },
        cheat: { type: 'string' },
        'checker-colludes': { type: 'boolean' },
        'checker-rejects': { type: 'boolean' },
        verification: { type: 'string' },
        dir: { type: 'string' },
        blobs: { type: 'string' },
        'log-level': { type: 'string' }
      },
      strict: true
    }))
  } catch (err) {
    process.stderr.write(`testnet: ${(err as Error).message.split('. ')[0]}\n`)
    return 2
  }
  const workers = count(values.workers as string | undefined, 'workers', 3, 100)
  const cheaters = count(values.cheaters as string | undefined, 'cheaters', 0, workers)
  const cheat = (values.cheat as string | undefined) ?? 'previous-frame'
  try {
    parseCheat(cheat)
  } catch (err) {
    process.stderr.write(`testnet: --cheat: ${(err as Error).message}\n`)
    return 2
  }
  if (values['checker-colludes'] && values['checker-rejects']) {
    process.stderr.write('testnet: --checker-colludes and --checker-rejects contradict each other: give one\n')
    return 2
  }
  // The last `cheaters` workers cheat; with --checker-colludes the first checker approves everything,
  // with --checker-rejects it rejects everything (honest work included).
  // The launcher runs those nodes through adversarial-node.ts, the only entry that knows these flags.
  const nodeArgs: Record<string, string[]> = {}
  for (let i = workers - cheaters + 1; i <= workers; i++) nodeArgs[`worker-${i}`] = ['--cheat', cheat]
  if (values['checker-colludes']) nodeArgs['checker-1'] = ['--checker-colludes']
  if (values['checker-rejects']) nodeArgs['checker-1'] = ['--checker-rejects']
  const blobs = testnetBlobs(values.blobs as string | undefined)
  if (blobs === undefined) {
    process.stderr.write(`testnet: --blobs must be walrus or p2p, got "${values.blobs}"\n`)
    return 2
  }
  const testnet = new Testnet({
    workers,
    blobs,
    checkers: count(values.checkers as string | undefined, 'checkers', 1, 20),
    baseDir: values.dir as string | undefined,
    logLevel: (values['log-level'] as string | undefined) ?? 'info',
    extraArgs: { creator: ['--verification', (values.verification as string | undefined) ?? 'standard'], worker: ['--threads', '1'], checker: ['--threads', '1'] },
    nodeArgs
  })
  const started = Date.now()
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const { clean } = await testnet.stop()
    console.log(clean ? 'testnet stopped: every node exited cleanly' : 'testnet stopped: some nodes had to be killed')
    return clean
  }
  process.once('SIGINT', () => void stop().then((clean) => process.exit(clean ? 0 : 1)))
  process.once('SIGTERM', () => void stop().then((clean) => process.exit(clean ? 0 : 1)))
  try {
    await testnet.start()
    console.log(`starting ${testnet.nodes.length} nodes in ${testnet.dir} ...`)
    await testnet.waitReady()
  } catch (err) {
    console.error(`testnet: ${(err as Error).message}`)
    await stop()
    return 1
  }
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: every node sees every other on all gossip topics and the DHT`)
  printTable(
    ['role', 'name', 'peer id', 'listen address', 'API URL'],
    testnet.nodes.map((n) => [n.role, n.name, n.peerId, `/ip4/127.0.0.1/tcp/${n.port}`, n.apiUrl ?? '-'])
  )
  if (values.smoke) return (await stop()) ? 0 : 1
  if (values['checker-rejects']) {
    const ok = await reportRejections(testnet)
    await stop()
    return ok ? 0 : 1
  }
  if (values.job || cheaters > 0 || values['checker-colludes']) {
    const cheating = Object.keys(nodeArgs).filter((n) => n.startsWith('worker'))
    console.log(cheating.length > 0 ? `cheating workers: ${cheating.join(', ')} (--cheat ${cheat})` : 'all workers honest')
    const report = await runScenarioJob(testnet, (line) => console.log(line))
    console.log(`job ${report.job.status} in ${report.wallS.toFixed(1)} s`)
    console.log(checkLine(report.job))
    printTable(['worker', 'frames', 'paid (µPIC)', 'caught cheating'], report.job.workers.map((w) => [testnet.nodes.find((n) => n.peerId === w.peerId)?.name ?? w.peerId, String(w.frames), w.paid, w.banned ? 'yes' : 'no']))
    const honest = report.dishonestFrames.length === 0
    console.log(honest ? `every frame matches the local reference render` : `frames that differ from the reference: ${report.dishonestFrames.join(', ')}`)
    const missed = cheating.filter((n) => !report.caught.includes(n))
    if (cheating.length > 0) console.log(missed.length === 0 ? `caught: ${report.caught.join(', ')}` : `NOT caught: ${missed.join(', ')}`)
    const ok = report.job.status === 'completed' && honest
    await stop()
    return ok ? 0 : 1
  }
  console.log('running; press Ctrl-C to stop every node')
  await new Promise(() => {})
  return 0
}

/**
 * The --checker-rejects run: the job runs until it ends or every worker is
 * excluded, then the ledger's account of each checker. Succeeds if
 * rejecting paid no checker more than accepting.
 */
async function reportRejections(testnet: Testnet): Promise<boolean> {
  console.log('checker-1 rejects every result, honest or not')
  const view = await runUntilStalled(testnet, (line) => console.log(line))
  console.log(`job ${view.status}${view.workers.every((w) => w.banned) ? ': every worker was excluded' : ''}`)
  if (!(await verdictsLanded(testnet, view.id, 60_000))) console.log('some verdicts are still pending on the ledger after 60 s: the counts below leave them out')
  const report = await rejectionReport(testnet, view.id)
  const perVerdict = (c: CheckerAccount) => (c.accepted + c.rejected === 0 ? '-' : String(c.fees / BigInt(c.accepted + c.rejected)))
  printTable(
    ['checker', 'accepted', 'rejected', 'fees (µPIC)', 'per verdict', 'slashed stake received'],
    report.checkers.map((c) => [c.name, String(c.accepted), String(c.rejected), String(c.fees), perVerdict(c), String(c.slashShares)])
  )
  console.log(`slashed from rejected workers: ${report.slashedToCreator} µPIC, all of it to the creator; the checker fee is ${report.checkerFee} µPIC`)
  const pays = rejectingPays(report)
  console.log(pays ? 'REJECTING PAYS: a checker earned more than its fee per verdict' : 'rejecting pays no more than accepting: the fee per verdict, and no slashed stake to any checker')
  return !pays
}

main().then((code) => process.exit(code))
