import { createInterface } from 'node:readline/promises'
import { LIMITS, OUTPUT_FORMATS, parseFrameRange, parseResolution, ProtocolError } from '../../../protocol/index.ts'
import { ApiClient } from '../../api/client.ts'
import type { JobView } from '../../roles/creator/index.ts'
import { type Command, dataDirFlag, parseFlags, UsageError } from '../args.ts'
import { parseDuration } from '../duration.ts'
import { parseSize } from '../size.ts'
import { join } from 'node:path'
import { checkLine, downloadFrames, prepareJob, progressLine, settlementLine, submitJob, waitForJob, waitForSettlement } from '../job-client.ts'
import { deadlineLine, printTimeouts, stoppedAtDeadline } from '../job-timing.ts'
import { printTable } from '../table.ts'

function intFlag(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${String(value)}"`)
  return n
}

function protocolParse<T>(parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    if (err instanceof ProtocolError) throw new UsageError(err.message)
    throw err
  }
}

function choice(value: unknown, flag: string, options: string[]): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !options.includes(value)) throw new UsageError(`${flag} must be one of ${options.join(', ')}, got "${String(value)}"`)
  return value
}

function frameList(value: unknown): number[] {
  const text = typeof value === 'string' ? value : ''
  const frames = text.split(',').map((f) => Number(f.trim()))
  if (text === '' || frames.length > LIMITS.maxFramesPerTask || !frames.every((f) => Number.isInteger(f) && f >= 0 && f <= LIMITS.maxFrameNumber)) {
    throw new UsageError('--frames must be a comma-separated list of frame numbers, e.g. --frames 7,9')
  }
  return frames
}

/** A job name as a folder name: letters, digits, dot, dash and underscore; anything else becomes '-'. */
function safeFolderName(name: string): string {
  const folder = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 64)
  return folder === '' ? 'frames' : folder
}

const JOB_ID = /^[0-9a-f]{64}$/
function jobId(value: string | undefined): string {
  if (value === undefined || !JOB_ID.test(value)) throw new UsageError(`a job id is 64 hex characters, got ${value === undefined ? 'nothing' : `"${value}"`}`)
  return value
}

async function submit(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      frames: { type: 'string' },
      'frames-per-task': { type: 'string' },
      resolution: { type: 'string' },
      samples: { type: 'string' },
      seed: { type: 'string' },
      'max-price': { type: 'string' },
      'timeout-stop': { type: 'string' },
      'timeout-alert': { type: 'string' },
      'test-frame': { type: 'string' },
      renderer: { type: 'string' },
      'min-bench': { type: 'string' },
      engine: { type: 'string' },
      device: { type: 'string' },
      'blender-version': { type: 'string' },
      format: { type: 'string' },
      name: { type: 'string' },
      comment: { type: 'string' },
      region: { type: 'string' },
      'gpu-vendor': { type: 'string' },
      'gpu-model': { type: 'string' },
      gpus: { type: 'string' },
      'min-ram': { type: 'string' },
      tier: { type: 'string' },
      out: { type: 'string' },
      yes: { type: 'boolean' },
      watch: { type: 'boolean' }
    },
    2
  )
  const scene = positionals[1]
  if (scene === undefined) throw new UsageError('job submit needs a scene file')
  if (values.frames === undefined) throw new UsageError('--frames is required, e.g. --frames 1-48')
  if (values['max-price'] === undefined) throw new UsageError('--max-price is required (micro-PIC per reference frame)')
  const range = protocolParse(() => parseFrameRange(values.frames as string))
  const res = protocolParse(() => parseResolution((values.resolution as string | undefined) ?? 'HD'))
  const fields = {
    renderer: values.renderer ?? (scene.endsWith('.blend') ? 'blender' : 'builtin'),
    frameStart: range.frameStart,
    frameEnd: range.frameEnd,
    framesPerTask: intFlag(values['frames-per-task'], '--frames-per-task', 1, LIMITS.maxFramesPerTask),
    width: res.width,
    height: res.height,
    samples: intFlag(values.samples, '--samples', 1, LIMITS.maxSamples),
    seed: intFlag(values.seed, '--seed', 0, 0xffffffff),
    maxPrice: intFlag(values['max-price'], '--max-price', 0, Number.MAX_SAFE_INTEGER),
    timeoutStopS: values['timeout-stop'] === undefined ? undefined : parseDuration(values['timeout-stop'] as string, '--timeout-stop', LIMITS.maxTimeoutStopS),
    minBenchScore: intFlag(values['min-bench'], '--min-bench', 0, 0xffffffff),
    engine: choice(values.engine, '--engine', ['CYCLES', 'BLENDER_EEVEE']),
    device: choice(values.device, '--device', ['CPU', 'GPU']),
    rendererVersion: values['blender-version'],
    outputFormat: choice(values.format, '--format', [...OUTPUT_FORMATS]),
    name: values.name,
    comment: values.comment,
    regions: typeof values.region === 'string' ? values.region.split(',').map((r) => r.trim()) : undefined,
    gpuVendor: values['gpu-vendor'],
    gpuModel: values['gpu-model'],
    minGpuCount: intFlag(values.gpus, '--gpus', 0, LIMITS.maxGpuCount),
    minRamMib: values['min-ram'] === undefined ? undefined : parseSize(values['min-ram'] as string, '--min-ram'),
    tier: intFlag(values.tier, '--tier', 0, 3)
  }
  // Creator-side, not part of the announced job: warn when a task runs longer than this.
  const timeoutAlertS = values['timeout-alert'] === undefined ? undefined : parseDuration(values['timeout-alert'] as string, '--timeout-alert', LIMITS.maxTimeoutStopS)
  const spec = await prepareJob(scene, fields)
  const testFrame = intFlag(values['test-frame'], '--test-frame', spec.frameStart, spec.frameEnd)
  // Off a terminal nobody can answer the question after the test frame: say so before rendering anything.
  if (testFrame !== undefined && !process.stdin.isTTY && !values.yes) throw new UsageError('--test-frame asks before submitting the whole job: pass --yes when not on a terminal')
  const outDir = (values.out as string | undefined) ?? join('.', spec.name === '' ? 'frames' : safeFolderName(spec.name))
  const client = await ApiClient.fromDataDir(dataDirFlag(values))
  if (testFrame !== undefined) {
    const test = await submitJob(client, scene, { ...spec, frameStart: testFrame, frameEnd: testFrame, framesPerTask: 1 }, { timeoutAlertS })
    console.log(`test frame ${testFrame}: job ${test.id}`)
    const done = await waitForJob(client, test.id, () => {})
    const [path] = await downloadFrames(client, done, outDir)
    if (path === undefined) throw new UsageError(`test frame did not render (job ${done.status})`)
    console.log(`test frame written to ${path}`)
    if (!values.yes) {
      const rl = createInterface({ input: process.stdin, output: process.stdout })
      const answer = await rl.question('submit the whole job? [y/N] ')
      rl.close()
      if (!/^y(es)?$/i.test(answer.trim())) return 0
    }
  }
  const view = await submitJob(client, scene, spec, { timeoutAlertS })
  console.log(view.id)
  if (values.watch) return watchJob(client, view.id)
  return 0
}

async function watchJob(client: ApiClient, id: string): Promise<number> {
  const tty = process.stdout.isTTY
  let last = ''
  const final = await waitForJob(client, id, (view) => {
    const line = progressLine(view)
    if (line === last) return
    last = line
    // ESC[K clears what a longer previous line left (the no-bids note goes once bids come).
    process.stdout.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
  })
  if (tty) process.stdout.write('\n')
  console.log(stoppedAtDeadline(final) ? `job ${final.status}, deadline ${deadlineLine(final)}` : `job ${final.status}`)
  if (final.status !== 'completed') return 1
  // Done for the creator only when the ledger agrees: its workers are paid there.
  let said = ''
  const settled = await waitForSettlement(client, id, (view) => {
    const line = settlementLine(view)?.line ?? ''
    if (line !== said && line !== '') console.log(`ledger ${line}`)
    said = line
  })
  return (settlementLine(settled)?.state ?? 'settled') === 'settled' ? 0 : 1
}

function printStatus(view: JobView): void {
  console.log(`job      ${view.id}`)
  console.log(`status   ${view.status}`)
  const settlement = settlementLine(view)
  if (settlement !== undefined) console.log(`ledger   ${settlement.line}`)
  console.log(`frames   ${view.counts.succeeded} succeeded, ${view.counts.processing} processing, ${view.counts.enqueued} enqueued, ${view.counts.failed} failed`)
  console.log(`checks   ${checkLine(view)}`)
  if (view.acceptedMs !== undefined) console.log(`accepted ${new Date(view.acceptedMs).toISOString()}`)
  for (const reason of view.noBids ?? []) console.log(`no bids  ${reason}`)
  printTimeouts(view)
  printTable(['frame', 'status', 'worker', 'attempts'], view.frames.map((f) => [String(f.frame), f.unchecked ? `${f.status}, unchecked` : f.status, f.worker ? `${f.worker.slice(0, 16)}…` : '-', String(f.attempts)]))
}

export const jobCommand: Command = {
  summary: 'submit, follow, download, review, dispute, accept or cancel render jobs (talks to the running creator node)',
  usage: [
    'pictor job submit <scene> --frames 1-48 --max-price P [--frames-per-task 4] [--resolution HD|FHD|QHD|2K|4K|8K|WxH]',
    '                  [--samples N] [--seed S] [--timeout-stop 10m] [--timeout-alert 5m] [--test-frame N] [--min-bench N] [--renderer builtin|blender] [--watch]',
    '                  Blender scenes (.blend): [--engine CYCLES|BLENDER_EEVEE] [--device CPU|GPU] [--blender-version 3.4] [--format PNG|JPEG|EXR]',
    '                  [--name TEXT] [--comment TEXT] [--out DIR] [--yes] [--tier 1|2|3]',
    '                  worker filters: [--region eu-west,us-east] [--gpus N] [--gpu-vendor NVIDIA] [--gpu-model A100] [--min-ram 16G]',
    'pictor job status <id> [--json]',
    'pictor job watch <id>',
    'pictor job download <id> <dir>',
    'pictor job review <id>',
    'pictor job dispute <id> --frames 7,9 [--reason "..."]   (an independent full check, or with no checker a re-render by another worker)',
    'pictor job accept <id>   (sign a completed job off; no dispute after it)',
    'pictor job cancel <id>',
    'pictor job list',
    'all take [--data-dir DIR] (the creator node\'s data dir)'
  ].join('\n       '),
  async run(argv) {
    const action = argv[0]
    if (action === 'submit') return submit(argv)
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, frames: { type: 'string' }, reason: { type: 'string' } }, 3)
    // Check the arguments before reaching for the node.
    const id = ['status', 'watch', 'download', 'cancel', 'review', 'dispute', 'accept'].includes(action ?? '') ? jobId(positionals[1]) : ''
    const disputed = action === 'dispute' ? frameList(values.frames) : []
    if (action === 'download' && positionals[2] === undefined) throw new UsageError('job download needs a target folder')
    const client = await ApiClient.fromDataDir(dataDirFlag(values))
    switch (action) {
      case 'list': {
        const jobs = await client.request<JobView[]>('GET', '/api/jobs')
        printTable(['job', 'status', 'done', 'frames'], jobs.map((j) => [j.id, j.status, String(j.counts.succeeded), String(j.frames.length)]))
        return 0
      }
      case 'status': {
        const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
        if (values.json) console.log(JSON.stringify(view, null, 2))
        else printStatus(view)
        return 0
      }
      case 'watch':
        return watchJob(client, id)
      case 'download': {
        const dir = positionals[2]!
        const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
        const paths = await downloadFrames(client, view, dir)
        console.log(`${paths.length} of ${view.frames.length} frames written to ${dir}`)
        return paths.length === view.frames.length ? 0 : 1
      }
      case 'review': {
        const view = await client.request<JobView>('GET', `/api/jobs/${id}`)
        const short = (keys?: string[]) => (keys === undefined || keys.length === 0 ? '-' : keys.map((k) => `${k.slice(0, 12)}…`).join(' '))
        printTable(['frame', 'status', 'worker', 'checked by', 'attempts'], view.frames.map((f) => [String(f.frame), f.status, short(f.worker ? [f.worker] : []), f.unchecked ? 'unchecked' : short(f.checkedBy), String(f.attempts)]))
        for (const d of view.disputes) console.log(`dispute: task ${d.taskIndex} frames ${d.frames.join(',')} (${d.reason}): ${d.outcome}${d.detail ? ` — ${d.detail}` : ''}`)
        return 0
      }
      case 'dispute': {
        const { disputes } = await client.request<{ disputes: JobView['disputes'] }>('POST', `/api/jobs/${id}/dispute`, { frames: disputed, reason: values.reason })
        console.log(`${disputes.length} task(s) disputed: checked again in full by an independent checker, or, with none, rendered again by another worker; see \`pictor job review ${id}\``)
        return 0
      }
      case 'accept': {
        const view = await client.request<JobView>('POST', `/api/jobs/${id}/accept`)
        console.log(`job ${view.id} accepted`)
        return 0
      }
      case 'cancel': {
        const view = await client.request<JobView>('POST', `/api/jobs/${id}/cancel`)
        console.log(`job ${view.id} ${view.status}`)
        return 0
      }
      default:
        throw new UsageError(`job needs submit, status, watch, download, review, dispute, accept, cancel or list, got ${action === undefined ? 'nothing' : `"${action}"`}`)
    }
  }
}
