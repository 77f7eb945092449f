import { UsageError } from './args.ts'

const MIB_PER: Record<string, number> = { m: 1, mib: 1, g: 1024, gib: 1024 }

/** "512M", "16G", "16GiB" or plain MiB -> MiB (binary units: what the OS reports for RAM). */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+)\s*(m|mib|g|gib)?$/i.exec(text.trim())
  if (!m) throw new UsageError(`${flag} must look like 512M or 16G, got "${text}"`)
  const mib = Number(m[1]) * MIB_PER[(m[2] ?? 'm').toLowerCase()]!
  if (mib > 0xffffffff) throw new UsageError(`${flag} is more than any machine has`)
  return mib
}
