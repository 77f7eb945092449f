// `pictor worker ...`: what a running worker node asks for and could earn,
// its tasks, and a local benchmark of the built-in renderer.
import { ApiClient } from '../../api/client.ts'
import { silentLogger } from '../../log.ts'
import { createBuiltinRenderer } from '../../renderers/builtin/index.ts'
import { referenceFramesPerHour, type TaskRecord, type WorkerSettings } from '../../roles/worker/index.ts'
import { type Command, dataDirFlag, parseFlags, UsageError } from '../args.ts'
import { printTable } from '../table.ts'

/** Prices are micro-PIC; show PIC alongside so nobody has to count zeros. */
function pic(micro: number): string {
  return `${micro.toLocaleString('en-US')} µPIC (${(micro / 1e6).toLocaleString('en-US', { maximumFractionDigits: 6 })} PIC)`
}

function printSettings(s: WorkerSettings): void {
  const renderer = s.renderer === null ? 'not started' : `${s.renderer.name} ${s.renderer.version} (${s.renderer.engines.join(', ')} on ${s.renderer.devices.join(', ')})`
  const average = s.networkAverageBid === null ? 'no offers heard yet' : `${pic(s.networkAverageBid)} per reference frame`
  console.log(`renderer             ${renderer}`)
  console.log(`own price            ${pic(s.ownPrice)} per reference frame`)
  console.log(`network average      ${average} (${s.offersSeen} ${s.offersSeen === 1 ? 'worker' : 'workers'})`)
  console.log(`bench score          ${s.benchScore} (~${s.referenceFramesPerHour} reference frames/hour per slot)`)
  console.log(`slots                ${s.slots} (${s.freeSlots} free)`)
  console.log(`region               ${s.region}`)
  console.log(`jobs bid on          ${s.jobsKnown}`)
  console.log(`estimated earnings   ${pic(s.estimatedEarningsPerHour)} per hour with every slot busy`)
}

function printTasks(tasks: { current: TaskRecord[]; recent: TaskRecord[]; totals: Record<string, number> }): void {
  const row = (t: TaskRecord) => [t.jobId.slice(0, 16), String(t.taskIndex), `${t.frameStart}-${t.frameEnd}`, t.status, `${t.framesDone}/${t.frameEnd - t.frameStart + 1}`, t.reason ?? '']
  const header = ['job', 'task', 'frames', 'status', 'done', 'note']
  console.log(`running ${tasks.current.length}; committed ${tasks.totals.committed}, lost ${tasks.totals.lost}, failed ${tasks.totals.failed} since start`)
  if (tasks.current.length + tasks.recent.length > 0) printTable(header, [...tasks.current, ...tasks.recent].map(row))
}

async function bench(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { threads: { type: 'string' }, json: { type: 'boolean' } }, 1)
  const threads = values.threads === undefined ? undefined : Number(values.threads)
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) throw new UsageError(`--threads must be an integer from 1 to 256, got "${String(values.threads)}"`)
  // The renderer's own log line would repeat the score as JSON on stderr.
  const renderer = createBuiltinRenderer({ threads, logger: silentLogger })
  try {
    const score = await renderer.benchmark()
    const perHour = Math.round(referenceFramesPerHour(score) * 100) / 100
    if (values.json) console.log(JSON.stringify({ renderer: 'builtin', score, referenceFramesPerHour: perHour }))
    else console.log(`builtin renderer bench score ${score} (~${perHour} reference frames of 1920x1080 at 128 samples per hour)`)
  } finally {
    await renderer.close()
  }
  return 0
}

export const workerCommand: Command = {
  summary: 'a worker node\'s price, bench score and earnings estimate; its tasks; a local benchmark',
  usage: [
    'pictor worker settings [--data-dir DIR] [--json]',
    'pictor worker tasks [--data-dir DIR] [--json]',
    'pictor worker bench [--threads N] [--json]   (runs the built-in renderer here; no node needed)'
  ].join('\n       '),
  async run(argv) {
    const action = argv[0]
    if (action === 'bench') return bench(argv)
    if (action !== 'settings' && action !== 'tasks') throw new UsageError(action === undefined ? 'worker needs a subcommand: settings, tasks or bench' : `unknown worker subcommand "${action}"`)
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, 1)
    const client = await ApiClient.fromDataDir(dataDirFlag(values))
    const result = await client.request<unknown>('GET', `/api/worker/${action}`)
    if (values.json) console.log(JSON.stringify(result, null, 2))
    else if (action === 'settings') printSettings(result as WorkerSettings)
    else printTasks(result as Parameters<typeof printTasks>[0])
    return 0
  }
}
