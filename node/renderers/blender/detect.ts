// Finding Blender and what it can do. The binary comes from the operator
// (init path, PICTOR_BLENDER) or PATH; engines and GPU backends come from a
// fixed script run in a throwaway user folder, since Blender only reports
// devices from inside Python.
import { constants } from 'node:fs'
import { access, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { ENGINES, GPU_BACKENDS } from './limits.ts'
import { blenderEnv } from './task-spec.ts'

export interface BlenderInstall extends BlenderDevices {
  path: string
  /** e.g. "3.4.1" */
  version: string
}

/** One GPU as a Cycles backend sees it; a card shows once per backend that drives it (CUDA and OPTIX). */
export interface BlenderGpu {
  backend: string
  name: string
}

export interface BlenderDevices {
  engines: string[]
  /** 'CPU', then 'GPU' (any backend) and each backend when Blender has a usable GPU. */
  devices: string[]
  gpus: BlenderGpu[]
}

export const QUERY_SCRIPT = fileURLToPath(new URL('./python/query_devices.py', import.meta.url))
const VERSION = /^Blender (\d+\.\d+(?:\.\d+)?)/m
const DEVICES = /^PICTOR-DEVICES (\{.*\})$/m
/** Entries read from the report: more than any machine has GPUs. */
const MAX_LISTED = 64

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** The binary to use: the one named (and only it), else $PICTOR_BLENDER, else `blender` on PATH. */
export async function findBlenderBinary(binary?: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const named = binary ?? (env.PICTOR_BLENDER || undefined)
  if (named !== undefined) {
    if (isAbsolute(named) || named.includes('/')) return (await executable(resolve(named))) ? resolve(named) : undefined
    return findExecutable(named, env)
  }
  return findExecutable('blender', env)
}

/** An executable named `name` in one of PATH's absolute folders. */
export async function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue
    const candidate = join(dir, name)
    if (await executable(candidate)) return candidate
  }
  return undefined
}

/** Version probes before a Blender counts as missing: one start that fails on a loaded machine (seen once in a full test run) must not. */
const VERSION_ATTEMPTS = 2

export async function blenderVersion(path: string): Promise<string | undefined> {
  const home = await mkdtemp(join(tmpdir(), 'pictor-blender-version-'))
  try {
    for (let attempt = 1; attempt <= VERSION_ATTEMPTS; attempt++) {
      const result = await execa(path, ['--factory-startup', '--version'], { env: blenderEnv(process.env, home, home), extendEnv: false, cwd: home, reject: false, timeout: 30_000, stdin: 'ignore' })
      const version = VERSION.exec(String(result.stdout))?.[1]
      if (version !== undefined) return version
    }
    return undefined
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}

/**
 * The report line of query_devices.py in Blender's output; undefined when
 * there is none. Only names we know pass (engines, backends), and lists and
 * GPU names are bounded whatever an odd Blender build prints (offers cut
 * names further, to what peers accept).
 */
export function parseDeviceReport(stdout: string): BlenderDevices | undefined {
  const m = DEVICES.exec(stdout)
  if (m === null) return undefined
  let parsed: { engines?: unknown; devices?: unknown; gpus?: unknown }
  try {
    parsed = JSON.parse(m[1]!) as typeof parsed
  } catch {
    return undefined
  }
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_LISTED) : [])
  const known = (v: unknown, names: readonly string[]) => list(v).filter((x): x is string => typeof x === 'string' && names.includes(x))
  const backends = known(parsed.devices, GPU_BACKENDS)
  const gpus = list(parsed.gpus).flatMap((g) => {
    const { backend, name } = (g ?? {}) as { backend?: unknown; name?: unknown }
    return typeof backend === 'string' && backends.includes(backend) && typeof name === 'string' ? [{ backend, name: name.slice(0, 256) }] : []
  })
  // 'GPU' is what `--device GPU` asks for: listed only when some backend has a device.
  return { engines: known(parsed.engines, ENGINES), devices: ['CPU', ...(backends.length > 0 ? ['GPU'] : []), ...backends], gpus }
}

/** The GPUs as cards, not per backend: the backend that drives the most of them lists each once. */
export function gpuNamesOf(gpus: readonly BlenderGpu[]): string[] {
  const byBackend = new Map<string, string[]>()
  for (const g of gpus) byBackend.set(g.backend, [...(byBackend.get(g.backend) ?? []), g.name])
  return [...byBackend.values()].reduce<string[]>((best, names) => (names.length > best.length ? names : best), [])
}

/** Engines, devices and GPUs, from query_devices.py; undefined if the query fails (the caller falls back to CPU-only Cycles). */
export async function queryDevices(path: string): Promise<BlenderDevices | undefined> {
  const home = await mkdtemp(join(tmpdir(), 'pictor-blender-devices-'))
  try {
    const args = ['-b', '--factory-startup', '--disable-autoexec', '-noaudio', '--python-exit-code', '3', '--python', QUERY_SCRIPT]
    const result = await execa(path, args, { env: blenderEnv(process.env, home, home), extendEnv: false, cwd: home, reject: false, timeout: 120_000, stdin: 'ignore' })
    return parseDeviceReport(String(result.stdout))
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}

/** Blender's path, version, engines and devices; undefined when no working Blender is found. */
export async function detectBlender(binary?: string): Promise<BlenderInstall | undefined> {
  const path = await findBlenderBinary(binary)
  if (path === undefined) return undefined
  const version = await blenderVersion(path)
  if (version === undefined) return undefined
  const found = (await queryDevices(path)) ?? { engines: ['CYCLES'], devices: ['CPU'], gpus: [] }
  return { path, version, ...found }
}
