// What this machine is, as offers and bids describe it. CPU and memory come
// from the OS at once; GPUs come later (gpus.ts asks the OS, the renderer
// names the devices it can use) and are folded in by withGpus when the
// worker starts.
import { cpus, totalmem } from 'node:os'
import { type Hardware, LIMITS } from '../../../protocol/index.ts'
import { type GpuInfo, MAX_GPUS, vendorOf } from './gpus.ts'

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character (peers REJECT longer ones). */
export function clampUtf8(text: string, maxBytes: number = LIMITS.maxStringBytes): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.byteLength <= maxBytes) return text
  let out = ''
  let used = 0
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8')
    if (used + n > maxBytes) break
    out += ch
    used += n
  }
  return out
}

export function detectHardware(): Hardware {
  const list = cpus()
  return {
    cpuModel: clampUtf8((list[0]?.model ?? 'unknown').trim().replace(/\s+/g, ' ')),
    cpuCount: list.length,
    gpuModel: '',
    gpuCount: 0,
    // uint32 on the wire: a MiB count overflows only past 4 PiB of RAM.
    ramMib: Math.min(0xffffffff, Math.floor(totalmem() / (1024 * 1024))),
    gpuVendor: '',
    gpuVramMib: 0
  }
}

/** The offer's GPU fields for these GPUs: one vendor and model line for the lot, the smallest memory (a scene must fit on each). */
export function gpuFields(gpus: readonly GpuInfo[]): Pick<Hardware, 'gpuVendor' | 'gpuModel' | 'gpuCount' | 'gpuVramMib'> {
  const list = gpus.slice(0, MAX_GPUS)
  const distinct = (values: string[]) => [...new Set(values)].join(' + ')
  const known = list.map((g) => g.vramMib).filter((m) => m > 0)
  return {
    gpuVendor: clampUtf8(distinct(list.map((g) => g.vendor))),
    gpuModel: clampUtf8(distinct(list.map((g) => g.model))),
    gpuCount: list.length,
    // Unknown for any GPU means unknown for the set: 0 rather than a figure that overstates.
    gpuVramMib: known.length === list.length && list.length > 0 ? Math.min(...known) : 0
  }
}

/**
 * Adds the GPUs to what detectHardware found. The OS's list wins (it knows
 * memory); without one (macOS has neither nvidia-smi nor lspci), the
 * renderer's own device names still say what there is.
 */
export function withGpus(hardware: Hardware, os: readonly GpuInfo[], rendererGpus: readonly string[] = []): Hardware {
  const gpus = os.length > 0 ? os : rendererGpus.map((name) => ({ vendor: vendorOf(name), model: name, vramMib: 0 }))
  return gpus.length === 0 ? hardware : { ...hardware, ...gpuFields(gpus) }
}
