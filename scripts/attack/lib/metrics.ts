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
