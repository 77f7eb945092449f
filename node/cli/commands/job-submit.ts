// `pictor job submit` and `pictor job plan`: the same flags build the same
// spec, checked here (scene included) before anything reaches the node.
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { type JobSpec, LIMITS, OUTPUT_FORMATS, parseFrameRange, parseResolution, ProtocolError } from '../../../protocol/index.ts'
import { ApiClient } from '../../api/client.ts'
import type { JobPlan } from '../../roles/creator/index.ts'
import { dataDirFlag, parseFlags, UsageError } from '../args.ts'
import { parseDuration } from '../duration.ts'
import { downloadFrames, type PreparedScene, prepareJob, prepareScene, submitJob, waitForJob } from '../job-client.ts'
import { formatPlan } from '../job-plan.ts'
import { watchJob } from '../job-watch.ts'
import { parseSize } from '../size.ts'

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

/** A job name as a folder name: letters, digits, dot, dash and underscore; anything else becomes '-'. */
function safeFolderName(name: string): string {
  const folder = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 64)
  return folder === '' ? 'frames' : folder
}

interface JobArgs {
  scene: PreparedScene
  spec: JobSpec
  timeoutAlertS?: number
  values: Record<string, unknown>
}

/** `argv` from the verb on: flags to a checked spec (the scene file validated too). */
async function parseJobArgs(argv: string[]): Promise<JobArgs> {
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
      main: { type: 'string' },
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
      json: { type: 'boolean' },
      watch: { type: 'boolean' }
    },
    2
  )
  const scene = positionals[1]
  if (scene === undefined) throw new UsageError(`job ${argv[0]} needs a scene file, folder or .zip`)
  if (values.frames === undefined) throw new UsageError('--frames is required, e.g. --frames 1-48')
  if (values['max-price'] === undefined) throw new UsageError('--max-price is required (micro-PIC per reference frame)')
  const range = protocolParse(() => parseFrameRange(values.frames as string))
  const res = protocolParse(() => parseResolution((values.resolution as string | undefined) ?? 'HD'))
  // A folder or .zip is read, hashed and checked whole here, before anything is uploaded.
  const prepared = await prepareScene(scene, { main: values.main as string | undefined })
  const fields = {
    renderer: values.renderer ?? (prepared.kind === 'project' || scene.endsWith('.blend') ? 'blender' : 'builtin'),
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
  const spec = await prepareJob(prepared, fields)
  return { scene: prepared, spec, timeoutAlertS, values }
}

export async function submit(argv: string[]): Promise<number> {
  const { scene, spec, timeoutAlertS, values } = await parseJobArgs(argv)
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


/** Prints what the job would take and cost; uploads and submits nothing. */
export async function plan(argv: string[]): Promise<number> {
  const { spec, values } = await parseJobArgs(argv)
  const client = await ApiClient.fromDataDir(dataDirFlag(values))
  const result = await client.request<JobPlan>('POST', '/api/jobs/plan', spec)
  if (values.json) console.log(JSON.stringify(result, null, 2))
  else for (const line of formatPlan(result)) console.log(line)
  return 0
}
