// The Landlock sandbox around Blender (python/sandbox_exec.py). Blender
// evaluates a scene while loading it, before our script runs (a fluid domain
// writes its cache to any folder it names), so only the kernel can confine
// that: Blender may write its task folder only, and read only system
// folders, its own install, our scripts and the job. No root needed; on a
// kernel without Landlock (or with no python3) Blender runs without it and
// `pictor worker doctor` says so.
import { readdir, realpath } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { findExecutable } from './detect.ts'

export const SANDBOX_SCRIPT = fileURLToPath(new URL('./python/sandbox_exec.py', import.meta.url))
const SCRIPT_DIR = dirname(SANDBOX_SCRIPT)

export interface SandboxPolicy {
  exec: string[]
  read: string[]
  write: string[]
  devices: string[]
  env: Record<string, string>
}

export interface Sandbox {
  /** The interpreter itself, not a shim (pyenv's shims rewrite PATH). */
  python: string
  /** Landlock ABI version: >= 4 also denies TCP, >= 6 also scopes signals and abstract sockets. */
  abi: number
}

/** System folders: libraries, Blender's data files under /usr/share, Python's standard library. */
const SYSTEM = ['/usr', '/lib', '/lib32', '/lib64', '/libx32', '/bin', '/sbin']
/**
 * What Blender reads outside those (found by running it under the sandbox):
 * the loader cache, time zone, fonts, GPU vendor files, CPU and memory facts.
 * Notably absent: /etc/passwd, /home, /root, /tmp, other processes in /proc.
 */
const SYSTEM_READ = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/fonts',
  '/etc/OpenCL',
  '/etc/glvnd',
  '/proc/self',
  '/proc/cpuinfo',
  '/proc/meminfo',
  '/proc/stat',
  '/proc/sys/vm/overcommit_memory',
  '/proc/driver',
  '/sys'
]
const DEVICES = ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom']

/** python3 on PATH and the Landlock ABI it can use; undefined when either is missing. */
export async function probeSandbox(env: NodeJS.ProcessEnv = process.env): Promise<Sandbox | undefined> {
  const shim = await findExecutable('python3', env)
  if (shim === undefined) return undefined
  const r = await execa(shim, ['-I', '-S', SANDBOX_SCRIPT, '--probe'], { reject: false, timeout: 10_000, extendEnv: false, env: { PATH: env.PATH ?? '/usr/bin:/bin', HOME: env.HOME ?? '/' } })
  try {
    const { abi, python } = JSON.parse(String(r.stdout).trim()) as { abi: unknown; python: unknown }
    if (r.exitCode !== 0 || typeof abi !== 'number' || !Number.isInteger(abi) || abi < 1 || typeof python !== 'string' || python === '') return undefined
    return { python, abi }
  } catch {
    return undefined
  }
}

/** GPU device nodes, which a GPU render needs read/write/ioctl on. */
export async function gpuDevices(): Promise<string[]> {
  try {
    const names = await readdir('/dev')
    return names.filter((n) => n.startsWith('nvidia') || n === 'dri' || n === 'kfd').map((n) => join('/dev', n))
  } catch {
    return []
  }
}

export function sandboxPolicy(o: { blenderDir: string; scenePath: string; jobDir: string; workDir: string; gpuDevices: string[]; env: Record<string, string> }): SandboxPolicy {
  return {
    env: o.env,
    // An official Blender tarball keeps its libraries and Python beside the binary.
    exec: [...SYSTEM, o.blenderDir],
    // The scene as a file of its own: by default Blender opens it through a link whose target is elsewhere.
    read: [SCRIPT_DIR, ...SYSTEM_READ, o.jobDir, o.scenePath],
    write: [o.workDir],
    devices: [...DEVICES, ...o.gpuDevices]
  }
}

/** The command line that runs Blender inside the sandbox: python3 applies the policy, then execs Blender. */
export function sandboxArgs(sandbox: Sandbox, policyPath: string, blender: string, args: string[]): [string, ...string[]] {
  return [sandbox.python, '-I', '-S', SANDBOX_SCRIPT, policyPath, '--', blender, ...args]
}

export async function blenderDir(binary: string): Promise<string> {
  return dirname(await realpath(binary))
}
