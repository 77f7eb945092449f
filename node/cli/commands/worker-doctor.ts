// `pictor worker doctor`: which protections against untrusted scenes are in
// place on this machine (Blender found, how it is started, resource caps,
// separate user, read-only root, network), and its GPUs. `pictor worker bench --renderer
// blender`: the Blender bench score that goes into offers. Neither needs a
// running node.
import { availableParallelism } from 'node:os'
import { UserError } from '../../errors.ts'
import { silentLogger } from '../../log.ts'
import { type BlenderInstall, BlenderError, createBlenderRenderer, detectBlender, probeProtections } from '../../renderers/blender/index.ts'
import { type DetectedGpus, detectGpus, referenceFramesPerHour } from '../../roles/worker/index.ts'
import { parseFlags, UsageError } from '../args.ts'
import { printTable } from '../table.ts'

const MARK = { active: 'yes', missing: 'NO', info: '--' } as const

/** What the OS reports of GPUs, and whether Blender can render on one (which decides bids on `--device GPU` jobs). */
export function gpuReport(os: DetectedGpus, blender: Pick<BlenderInstall, 'devices'> | undefined): string[] {
  const cards = new Map<string, number>()
  for (const g of os.gpus) {
    const name = g.vramMib > 0 ? `${g.model} (${g.vramMib} MiB)` : g.model
    cards.set(name, (cards.get(name) ?? 0) + 1)
  }
  const listed = [...cards].map(([name, n]) => `${n} x ${name}`).join(', ')
  const lines = [os.gpus.length === 0 ? 'GPUs     none reported (nvidia-smi, /proc/driver/nvidia, lspci)' : `GPUs     ${listed}, from ${os.source}`]
  if (blender === undefined) return lines
  const backends = blender.devices.filter((d) => d !== 'CPU' && d !== 'GPU')
  lines.push(
    backends.length > 0
      ? `Blender  renders on the GPU with ${backends.join(', ')}: bids on --device GPU jobs`
      : 'Blender  has no usable GPU backend (CUDA, OPTIX, HIP, METAL, ONEAPI): no bids on --device GPU jobs'
  )
  return lines
}

/** Exit code 1 when Blender is missing (the worker cannot serve Blender jobs), else 0. */
export async function workerDoctor(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { blender: { type: 'string' }, json: { type: 'boolean' } }, 1)
  const blender = await detectBlender(values.blender)
  const protections = await probeProtections(blender)
  const gpus = await detectGpus()
  if (values.json) {
    console.log(JSON.stringify({ blender: blender ?? null, protections, gpus }, null, 2))
  } else {
    printTable(['protection', 'on', 'detail'], protections.map((p) => [p.name, MARK[p.state], p.detail]))
    const missing = protections.filter((p) => p.state === 'missing').map((p) => p.name)
    if (missing.length > 0) console.log(`\nnot in place: ${missing.join(', ')} (see node/renderers/blender/SECURITY.md)`)
    console.log(`\n${gpuReport(gpus, blender).join('\n')}`)
  }
  return blender === undefined ? 1 : 0
}

export async function workerBench(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { renderer: { type: 'string' }, blender: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' } }, 1)
  if (values.renderer !== undefined && values.renderer !== 'blender') throw new UsageError(`this bench runs the blender renderer, got --renderer ${values.renderer}`)
  const threads = values.threads === undefined ? undefined : Number(values.threads)
  const max = Math.max(256, availableParallelism())
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > max)) throw new UsageError(`--threads must be an integer from 1 to ${max}, got "${values.threads}"`)
  // Quiet like the built-in bench: the renderer's log lines would repeat what the command prints.
  const renderer = createBlenderRenderer({ binary: values.blender, threads, logger: silentLogger })
  try {
    const caps = await renderer.capabilities().catch((err: unknown) => {
      // A missing Blender is the operator's to fix: one line, exit code 2.
      if (err instanceof BlenderError && err.code === 'BLENDER_NOT_FOUND') throw new UserError('BLENDER_NOT_FOUND', err.message)
      throw err
    })
    const score = await renderer.benchmark()
    const perHour = Math.round(referenceFramesPerHour(score) * 100) / 100
    if (values.json) console.log(JSON.stringify({ renderer: 'blender', version: caps.version, score, referenceFramesPerHour: perHour }))
    else console.log(`blender ${caps.version} bench score ${score} (~${perHour} reference frames of 1920x1080 at 128 samples per hour)`)
  } finally {
    await renderer.close()
  }
  return 0
}
