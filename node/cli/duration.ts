import { UsageError } from './args.ts'

/** "90s", "10m", "2h", "1d" or plain seconds -> seconds. */
export function parseDuration(text: string, flag: string, maxS: number): number {
  const m = /^(\d+)(s|m|h|d)?$/.exec(text.trim())
  if (!m) throw new UsageError(`${flag} must look like 90s, 10m, 2h or 1d, got "${text}"`)
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd']
  if (seconds < 1 || seconds > maxS) throw new UsageError(`${flag} must be between 1s and ${maxS}s`)
  return seconds
}
