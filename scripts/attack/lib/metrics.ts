// Reads a node's Prometheus text from its /metrics endpoint (open on the
// loopback API, no token) and sums the series an attack scenario asks about.

/** name{labels} value lines, summed over every series of `name` whose labels include `match`. */
export function sumSeries(text: string, name: string, match: Record<string, string> = {}): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line)
    if (m === null || m[1] !== name) continue
    const labels = new Map<string, string>()
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels.set(k!, v!)
    if (Object.entries(match).every(([k, v]) => labels.get(k) === v)) sum += Number(m[3])
  }
  return sum
}

export async function scrapeMetrics(apiUrl: string): Promise<string> {
  const res = await fetch(`${apiUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })
  if (!res.ok) throw new Error(`${apiUrl}/metrics answered ${res.status}`)
  return res.text()
}

const MEMORY_SERIES = { rss: 'process_resident_memory_bytes', heapUsed: 'nodejs_heap_used_bytes', heapTotal: 'nodejs_heap_total_bytes', external: 'nodejs_external_bytes' }

/** A node's memory by kind, in MiB with one decimal: RSS, the V8 heap (used, reserved) and memory outside it. */
export async function memoryOf(apiUrl: string): Promise<Record<keyof typeof MEMORY_SERIES, number>> {
  const text = await scrapeMetrics(apiUrl)
  const mib = (name: string) => Math.round((sumSeries(text, name) / 2 ** 20) * 10) / 10
  return Object.fromEntries(Object.entries(MEMORY_SERIES).map(([k, name]) => [k, mib(name)])) as Record<keyof typeof MEMORY_SERIES, number>
}
