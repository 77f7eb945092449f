// The GPUs the operating system reports, for offers and bids (vendor, model,
// count, memory). Whether a job may render on them is Blender's call (its
// device query lists the usable backends); this is what the machine has.
// Sources, best first: nvidia-smi (models and memory), the NVIDIA driver's
// /proc files (models), lspci (any vendor, no memory). Parsers are pure and
// tested on captured output; the probe runs each tool with a timeout and
// treats a missing one as "nothing found".
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface GpuInfo {
  /** NVIDIA, AMD, Intel, Apple, or the name's first word when unknown. */
  vendor: string
  model: string
  /** 0 when the source does not say. */
  vramMib: number
}

export type GpuSource = 'nvidia-smi' | '/proc/driver/nvidia' | 'lspci' | 'none'

export interface DetectedGpus {
  gpus: GpuInfo[]
  source: GpuSource
}

/** More than any real machine holds; caps what a broken tool's output can make us report. */
export const MAX_GPUS = 64
const PROC_NVIDIA = '/proc/driver/nvidia/gpus'

const VENDORS: [RegExp, string][] = [
  [/nvidia|geforce|quadro|tesla/i, 'NVIDIA'],
  [/\bamd\b|\bati\b|radeon|advanced micro devices/i, 'AMD'],
  [/intel/i, 'Intel'],
  [/apple/i, 'Apple']
]

/** The vendor a GPU or PCI vendor name belongs to; undefined when it is none of the render GPU makers. */
export function knownVendorOf(name: string): string | undefined {
  return VENDORS.find(([re]) => re.test(name))?.[1]
}

export function vendorOf(name: string): string {
  return knownVendorOf(name) ?? name.trim().split(/\s+/)[0] ?? ''
}

/** `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader[,nounits]`: "NVIDIA GeForce RTX 3090, 24576 MiB" per line. */
export function parseNvidiaSmi(csv: string): GpuInfo[] {
  const gpus: GpuInfo[] = []
  for (const line of csv.split('\n')) {
    const comma = line.lastIndexOf(',')
    if (comma <= 0) continue
    const model = line.slice(0, comma).trim()
    // "[N/A]" on some boards: memory unknown, the GPU still counts.
    const mib = /^(\d+)(?:\s*MiB)?$/.exec(line.slice(comma + 1).trim())
    if (model === '') continue
    gpus.push({ vendor: 'NVIDIA', model, vramMib: mib === null ? 0 : Math.min(0xffffffff, Number(mib[1])) })
  }
  return gpus.slice(0, MAX_GPUS)
}

/** One /proc/driver/nvidia/gpus/<bus id>/information file: "Model:  NVIDIA GeForce RTX 3090". */
export function parseProcNvidiaInformation(text: string): GpuInfo | undefined {
  const model = /^Model:\s*(.+)$/m.exec(text)?.[1]?.trim()
  return model === undefined || model === '' ? undefined : { vendor: 'NVIDIA', model, vramMib: 0 }
}

const DISPLAY_CLASSES = /^(VGA compatible controller|3D controller|Display controller)$/
const QUOTED = /"([^"]*)"/g

/**
 * `lspci -mm`: `01:00.0 "VGA compatible controller" "NVIDIA Corporation" "GA102 [GeForce RTX 3090]" ...`.
 * Only NVIDIA, AMD and Intel count: a server's management VGA (ASPEED,
 * Matrox) or a VM's virtual display cannot render a job.
 */
export function parseLspci(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = []
  for (const line of text.split('\n')) {
    const fields = [...line.matchAll(QUOTED)].map((m) => m[1]!)
    const [cls, vendorName, device] = fields
    if (cls === undefined || vendorName === undefined || device === undefined || !DISPLAY_CLASSES.test(cls)) continue
    const vendor = knownVendorOf(vendorName)
    if (vendor === undefined) continue
    // "GA102 [GeForce RTX 3090]": the bracket holds the marketing name.
    const name = /\[([^\]]+)\]\s*$/.exec(device)?.[1] ?? device
    gpus.push({ vendor, model: `${vendor} ${name}`.trim(), vramMib: 0 })
  }
  return gpus.slice(0, MAX_GPUS)
}

/** How the probe reaches the system; tests pass captured output instead. */
export interface GpuProbe {
  /** A command's stdout, or undefined when it is missing, fails or runs over its time. */
  run(command: string, args: string[]): Promise<string | undefined>
  /** A folder's entries, [] when it does not exist. */
  list(dir: string): Promise<string[]>
  read(path: string): Promise<string | undefined>
}

export const systemProbe: GpuProbe = {
  // node:child_process, not execa: this runs at every worker start, and execa's ~130 modules stayed in memory after it.
  run: (command, args) =>
    new Promise((resolve) => {
      const child = execFile(command, args, { timeout: 10_000, maxBuffer: 1024 * 1024, encoding: 'utf8' }, (err, stdout) => resolve(err ? undefined : stdout))
      child.stdin?.end()
    }),
  list: (dir) => readdir(dir).catch(() => []),
  read: (path) => readFile(path, 'utf8').catch(() => undefined)
}

/** The GPUs of this machine from the best source that reports any. */
export async function detectGpus(probe: GpuProbe = systemProbe): Promise<DetectedGpus> {
  const smi = await probe.run('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader'])
  const fromSmi = parseNvidiaSmi(smi ?? '')
  if (fromSmi.length > 0) return { gpus: fromSmi, source: 'nvidia-smi' }
  const fromProc: GpuInfo[] = []
  for (const bus of (await probe.list(PROC_NVIDIA)).slice(0, MAX_GPUS)) {
    const gpu = parseProcNvidiaInformation((await probe.read(join(PROC_NVIDIA, bus, 'information'))) ?? '')
    if (gpu !== undefined) fromProc.push(gpu)
  }
  if (fromProc.length > 0) return { gpus: fromProc, source: '/proc/driver/nvidia' }
  const fromLspci = parseLspci((await probe.run('lspci', ['-mm'])) ?? '')
  if (fromLspci.length > 0) return { gpus: fromLspci, source: 'lspci' }
  return { gpus: [], source: 'none' }
}
