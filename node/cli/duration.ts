import { UsageError } from './args.ts'

/** "90s", "10m", "2h", "1d" or plain seconds -> seconds. */
export function parseDuration(text: string, flag: string, maxS: number): number {
  const m = /^(\d+)(s|m|h|d)?$/.exec(text.trim())
  if (!m) throw new UsageError(`${flag} must look like 90s, 10m, 2h or 1d, got "${text}"`)
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd']
  if (seconds < 1 || seconds > maxS) throw new UsageError(`${flag} must be between 1s and ${maxS}s`)
  return seconds
}

/** Milliseconds as a short human duration: 850ms, 12.3s, 4m05s, 2h03m, 1d02h. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`
  const two = (n: number) => String(n).padStart(2, '0')
  const s = Math.floor(ms / 1_000)
  if (s < 3_600) return `${Math.floor(s / 60)}m${two(s % 60)}s`
  if (s < 86_400) return `${Math.floor(s / 3_600)}h${two(Math.floor((s % 3_600) / 60))}m`
  return `${Math.floor(s / 86_400)}d${two(Math.floor((s % 86_400) / 3_600))}h`
}
