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
import { blenderEnv } from './task-spec.ts'

export interface BlenderInstall {
  path: string
  /** e.g. "3.4.1" */
  version: string
  engines: string[]
  devices: string[]
}

export const QUERY_SCRIPT = fileURLToPath(new URL('./python/query_devices.py', import.meta.url))
const VERSION = /^Blender (\d+\.\d+(?:\.\d+)?)/m
const DEVICES = /^PICTOR-DEVICES (\{.*\})$/m

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

export async function blenderVersion(path: string): Promise<string | undefined> {
  const home = await mkdtemp(join(tmpdir(), 'pictor-blender-version-'))
  try {
    const result = await execa(path, ['--factory-startup', '--version'], { env: blenderEnv(process.env, home, home), extendEnv: false, cwd: home, reject: false, timeout: 30_000, stdin: 'ignore' })
    return VERSION.exec(String(result.stdout))?.[1]
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}

/** Engines and devices, from query_devices.py; CPU-only Cycles if the query fails (logged by the caller). */
export async function queryDevices(path: string): Promise<{ engines: string[]; devices: string[] } | undefined> {
  const home = await mkdtemp(join(tmpdir(), 'pictor-blender-devices-'))
  try {
    const args = ['-b', '--factory-startup', '--disable-autoexec', '-noaudio', '--python-exit-code', '3', '--python', QUERY_SCRIPT]
    const result = await execa(path, args, { env: blenderEnv(process.env, home, home), extendEnv: false, cwd: home, reject: false, timeout: 120_000, stdin: 'ignore' })
    const m = DEVICES.exec(String(result.stdout))
    if (m === null) return undefined
    const parsed = JSON.parse(m[1]!) as { engines?: unknown; devices?: unknown }
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
    return { engines: strings(parsed.engines), devices: strings(parsed.devices) }
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
  const found = (await queryDevices(path)) ?? { engines: ['CYCLES'], devices: ['CPU'] }
  return { path, version, ...found }
}
