// Order statistics over latency samples. Percentiles use the nearest-rank
// method on the sorted samples, so p99 of 200 samples is the 198th value
// (no interpolation: every reported figure is one that was measured).

export interface Summary {
  n: number
  median: number
  p99: number
  min: number
  max: number
  mean: number
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const sum = sorted.reduce((acc, x) => acc + x, 0)
  return {
    n: sorted.length,
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length
  }
}

/** Rounds to `digits` decimals, for JSON that stays readable. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

/** Median and p99 of `samples` (in their own unit), rounded, under the given suffix: `{ medianMs, p99Ms }`. */
export function figures<S extends string>(samples: readonly number[], suffix: S, digits = 1): Record<`median${S}` | `p99${S}`, number> {
  const s = summarise(samples)
  return { [`median${suffix}`]: round(s.median, digits), [`p99${suffix}`]: round(s.p99, digits) } as Record<`median${S}` | `p99${S}`, number>
}
