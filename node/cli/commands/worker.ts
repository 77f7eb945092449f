// `pictor worker ...`: what a running worker node asks for and could earn,
// its tasks, a local benchmark (built-in renderer, or Blender through
// worker-doctor.ts) and the Blender protections check.
import { ApiClient } from '../../api/client.ts'
import { silentLogger } from '../../log.ts'
import { createBuiltinRenderer } from '../../renderers/builtin/index.ts'
import { referenceFramesPerHour, type TaskRecord, type TaskSnapshot, type WorkerSettings } from '../../roles/worker/index.ts'
import { type Command, dataDirFlag, parseFlags, UsageError } from '../args.ts'
import { printTable } from '../table.ts'
import { workerBench, workerDoctor } from './worker-doctor.ts'

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

function printTasks(tasks: TaskSnapshot): void {
  const took = (t: TaskRecord) => (t.finishedMs === undefined ? '' : `${Math.round((t.finishedMs - t.startedMs) / 100) / 10} s`)
  const row = (t: TaskRecord) => [
    t.jobId.slice(0, 16),
    String(t.taskIndex),
    `${t.frameStart}-${t.frameEnd}`,
    t.status,
    `${t.framesDone}/${t.frameEnd - t.frameStart + 1}`,
    // Records from before rewards were kept have none.
    t.reward ?? '',
    new Date(t.startedMs).toISOString(),
    took(t),
    t.reason ?? ''
  ]
  const header = ['job', 'task', 'frames', 'status', 'done', 'reward µPIC', 'started', 'took', 'note']
  console.log(`running ${tasks.current.length}; committed ${tasks.totals.committed}, lost ${tasks.totals.lost}, failed ${tasks.totals.failed} in all`)
  if (tasks.current.length + tasks.recent.length > 0) printTable(header, [...tasks.current, ...tasks.recent].map(row))
}

/** The price is checked by the node (0 to its limit); here only that it is a whole number. */
function priceFlag(text: string): number {
  if (!/^\d{1,16}$/.test(text)) throw new UsageError(`--price must be a whole number of µPIC per reference frame, got "${text.slice(0, 40)}"`)
  return Number(text)
}

async function settings(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { price: { type: 'string' }, json: { type: 'boolean' } }, 1)
  const change = values.price === undefined ? undefined : { price: priceFlag(values.price) }
  const client = await ApiClient.fromDataDir(dataDirFlag(values))
  const result = await client.request<WorkerSettings>(change === undefined ? 'GET' : 'POST', '/api/worker/settings', change)
  if (values.json) console.log(JSON.stringify(result, null, 2))
  else printSettings(result)
  return 0
}

async function tasks(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { limit: { type: 'string' }, json: { type: 'boolean' } }, 1)
  const client = await ApiClient.fromDataDir(dataDirFlag(values))
  // The node checks the limit (1 to TASK_HISTORY_KEEP) and answers a bad one with a one-line 400.
  const result = await client.request<TaskSnapshot>('GET', `/api/worker/tasks?limit=${encodeURIComponent(values.limit ?? '20')}`)
  if (values.json) console.log(JSON.stringify(result, null, 2))
  else printTasks(result)
  return 0
}

async function bench(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { renderer: { type: 'string' }, blender: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' } }, 1)
  if (values.renderer === 'blender') return workerBench(argv)
  if (values.renderer !== undefined && values.renderer !== 'builtin') throw new UsageError(`--renderer must be builtin or blender, got "${values.renderer}"`)
  if (values.blender !== undefined) throw new UsageError('--blender needs --renderer blender')
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
  summary: 'a worker node\'s price, bench score and earnings estimate; its tasks; a local benchmark; scene-intake protections',
  usage: [
    'pictor worker settings [--price N] [--data-dir DIR] [--json]   (--price: the new asking price in µPIC per reference frame, until the node restarts)',
    'pictor worker tasks [--limit N] [--data-dir DIR] [--json]   (running tasks, then the N latest finished ones: reward, times, status; kept across restarts)',
    'pictor worker bench [--renderer builtin|blender] [--blender PATH] [--threads N] [--json]   (renders the bench scene here; no node needed)',
    'pictor worker doctor [--blender PATH] [--json]   (which protections against untrusted scenes are in place here; exit 1 without Blender)'
  ].join('\n       '),
  async run(argv) {
    const action = argv[0]
    if (action === 'bench') return bench(argv)
    if (action === 'doctor') return workerDoctor(argv)
    if (action === 'settings') return settings(argv)
    if (action === 'tasks') return tasks(argv)
    throw new UsageError(action === undefined ? 'worker needs a subcommand: settings, tasks, bench or doctor' : `unknown worker subcommand "${action}"`)
  }
}
