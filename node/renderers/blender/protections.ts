// What protects this machine from an untrusted scene, as `pictor worker
// doctor` reports it. Some protections are always on (they are how we start
// Blender); the rest depend on how the operator runs the worker, so they are
// probed here: a separate user, a read-only root, no network.
import { readdir, readFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { execa } from 'execa'
import type { BlenderInstall } from './detect.ts'
import { probeSandbox } from './sandbox.ts'

export type ProtectionState = 'active' | 'missing' | 'info'

export interface Protection {
  name: string
  state: ProtectionState
  detail: string
}

async function text(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

async function prlimitVersion(): Promise<string | undefined> {
  const r = await execa('prlimit', ['--version'], { reject: false, timeout: 10_000 })
  return r.exitCode === 0 ? String(r.stdout).trim() : undefined
}

/** Root mounted read-only? (from mountinfo: field 5 is the mount point, field 6 its options) */
async function rootReadOnly(): Promise<boolean | undefined> {
  const info = await text('/proc/self/mountinfo')
  if (info === undefined) return undefined
  const root = info.split('\n').map((l) => l.split(' ')).filter((f) => f[4] === '/').at(-1)
  return root === undefined ? undefined : root[5]!.split(',').includes('ro')
}

/** Network interfaces other than loopback that are up (or of unknown state, as some virtual ones report). */
async function liveInterfaces(): Promise<string[] | undefined> {
  try {
    const names = (await readdir('/sys/class/net')).filter((n) => n !== 'lo')
    const states = await Promise.all(names.map(async (n) => [n, (await text(`/sys/class/net/${n}/operstate`))?.trim()] as const))
    return states.filter(([, s]) => s === 'up').map(([n]) => n)
  } catch {
    return undefined
  }
}

export async function probeProtections(blender: BlenderInstall | undefined): Promise<Protection[]> {
  const out: Protection[] = []
  const add = (name: string, state: ProtectionState, detail: string) => out.push({ name, state, detail })
  if (blender === undefined) add('blender', 'missing', 'not found: apt-get install blender, or set PICTOR_BLENDER')
  else add('blender', 'active', `${blender.version} at ${blender.path}; engines ${blender.engines.join(', ')}; devices ${blender.devices.join(', ')}`)
  add('no scene scripts', 'active', 'always -b --factory-startup --disable-autoexec -noaudio: no autoexec scripts, registered text blocks, handlers or Python drivers')
  add('isolated config', 'active', 'BLENDER_USER_CONFIG/SCRIPTS/DATAFILES, HOME and TMPDIR in the task folder; PYTHONPATH, PYTHONHOME and the rest of the environment dropped')
  add('scene intake', 'active', 'File Output nodes removed; images, fonts, sounds, clips, caches, IES/OSL and strips outside the job folder neutralised; outside libraries refused; OSL off')
  add('output confinement', 'active', 'frames written to the task folder only, decoded at the exact size and re-encoded without metadata')
  const prlimit = await prlimitVersion()
  if (prlimit === undefined) add('resource caps', 'missing', 'prlimit not found (util-linux): no memory or CPU-time cap, only the wall-clock stop time')
  else add('resource caps', 'active', `${prlimit}: memory (RLIMIT_DATA), CPU time, file size and no core files per Blender process; wall-clock stop time`)
  const sandbox = await probeSandbox()
  if (sandbox === undefined) add('Landlock sandbox', 'missing', 'no Landlock (needs Linux >= 5.13 with Landlock enabled, and python3): a scene that writes while loading (fluid caches) can write wherever this user can')
  else {
    const extra = [sandbox.abi >= 4 ? 'TCP bind/connect denied' : '', sandbox.abi >= 6 ? 'signals and abstract sockets scoped' : ''].filter(Boolean).join('; ')
    add('Landlock sandbox', 'active', `ABI ${sandbox.abi}: Blender writes only its task folder, reads only system folders, its install, the job and the scene${extra ? `; ${extra}` : ''}`)
  }
  const user = userInfo()
  const asRoot = sandbox === undefined ? 'Blender can read and write anything root can' : 'Landlock confines Blender, but an escape from it (a kernel bug) would be root'
  if (user.uid === 0) add('separate user', 'missing', `running as root: ${asRoot}; run the worker as its own unprivileged user`)
  else add('separate user', 'info', `running as ${user.username} (uid ${user.uid}); protected only if this user owns nothing else of value`)
  const ro = await rootReadOnly()
  add('read-only root', ro === true ? 'active' : ro === false ? 'missing' : 'info', ro === undefined ? 'cannot tell (no /proc/self/mountinfo)' : ro ? 'the root file system is mounted read-only' : 'the root file system is writable')
  const nets = await liveInterfaces()
  if (nets === undefined) add('no network', 'info', 'cannot tell (no /sys/class/net)')
  else if (nets.length === 0) add('no network', 'active', 'no interface but loopback is up')
  else if (sandbox !== undefined && sandbox.abi >= 4) add('no network', 'info', `${nets.join(', ')} up; Landlock denies Blender TCP, not UDP: a network namespace would cut it off entirely`)
  else add('no network', 'missing', `Blender shares the node's network (${nets.join(', ')} up); a network namespace would cut it off`)
  const status = await text('/proc/self/status')
  const field = (name: string) => new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(status ?? '')?.[1]
  add('seccomp', field('Seccomp') !== undefined && field('Seccomp') !== '0' ? 'active' : 'missing', field('Seccomp') === '2' ? 'a seccomp filter is in place' : 'no seccomp filter on this process')
  return out
}
