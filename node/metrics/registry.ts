// A small Prometheus registry: counters and gauges with labels, rendered
// in the text exposition format (version 0.0.4).

type Labels = Record<string, string>

interface Series {
  labels: Labels
  value: number
}

interface Metric {
  name: string
  help: string
  type: 'counter' | 'gauge'
  series: Map<string, Series>
  collect?: () => number
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',')
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>()

  private metric(name: string, help: string, type: Metric['type']): Metric {
    let m = this.metrics.get(name)
    if (m === undefined) {
      m = { name, help, type, series: new Map() }
      this.metrics.set(name, m)
    }
    return m
  }

  counter(name: string, help: string) {
    const m = this.metric(name, help, 'counter')
    return {
      inc: (labels: Labels = {}, by = 1) => {
        const key = labelKey(labels)
        const s = m.series.get(key) ?? { labels, value: 0 }
        s.value += by
        m.series.set(key, s)
      }
    }
  }

  gauge(name: string, help: string) {
    const m = this.metric(name, help, 'gauge')
    return {
      set: (value: number, labels: Labels = {}) => {
        m.series.set(labelKey(labels), { labels, value })
      }
    }
  }

  /** A gauge read when scraped. */
  collect(name: string, help: string, read: () => number): void {
    const m = this.metric(name, help, 'gauge')
    m.collect = read
  }

  render(): string {
    const lines: string[] = []
    for (const m of this.metrics.values()) {
      lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`)
      if (m.collect !== undefined) lines.push(`${m.name} ${m.collect()}`)
      for (const [key, s] of m.series) lines.push(key === '' ? `${m.name} ${s.value}` : `${m.name}{${key}} ${s.value}`)
    }
    return lines.join('\n') + '\n'
  }
}
