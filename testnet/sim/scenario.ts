// A simulation scenario: a small JSON file (scenarios/<name>.json) saying
// who takes part, what they render, how the network behaves, who churns
// and who cheats. parseScenario checks every field against explicit limits
// and names the first one that is wrong in one line; fields left out take
// the defaults below. The seed makes a run repeatable.

export const CHEAT_STRATEGIES = ['black', 'previous-frame', 'fewer-samples', 'half-res', 'noise', 'copy'] as const
export const PRICE_POLICIES = ['fixed', 'random', 'undercut'] as const

export interface ScenarioJob {
  /** Submitted this long after the start. */
  submitAtS: number
  frames: number
  framesPerTask: number
  width: number
  height: number
  samples: number
  /** Price cap per reference frame (µPIC). */
  maxPrice: number
}

export interface Scenario {
  name: string
  seed: number
  nodes: { creators: number; workers: number; checkers: number }
  jobs: ScenarioJob[]
  /** Workers' bench scores: log-normal around the median, `spread` its sigma. */
  benchScore: { median: number; spread: number }
  /** What workers ask: one price, a uniform draw in [min, max], or undercutting the going rate down to min. */
  price: { policy: (typeof PRICE_POLICIES)[number]; min: number; max: number }
  network: {
    regions: { name: string; share: number }[]
    latencyMs: { same: number; cross: number }
    jitter: number
    uplinkMbps: number
    loss: number
    partitions: { atS: number; forS: number; regions: string[] }[]
  }
  /** Shares of the workers per hour. */
  churn: { joinPerHour: number; leavePerHour: number; crashShare: number }
  cheaters: { share: number; strategy: (typeof CHEAT_STRATEGIES)[number]; fakeRate: number }
  colludingCheckers: number
  /** The run stops at this simulated time whatever is left. */
  maxSimulatedS: number
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError'
}

const LIMITS = { nodes: 100_000, jobs: 1_000, frames: 1_000_000, pixels: 16_384, samples: 1_000_000, price: 1e12, hours: 24 * 365, regions: 64, partitions: 1_000 }

type Json = Record<string, unknown>

/** The scenario in `text` (a file's contents), checked; `source` names it in errors. */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new ScenarioError(`${source}: not JSON: ${(err as Error).message}`)
  }
  const at = new Reader(source)
  const root = at.object(raw, '')
  at.known(root, '', ['name', 'seed', 'nodes', 'jobs', 'benchScore', 'price', 'network', 'churn', 'cheaters', 'colludingCheckers', 'maxSimulatedS'])
  const nodes = at.object(root.nodes ?? {}, 'nodes')
  at.known(nodes, 'nodes', ['creators', 'workers', 'checkers'])
  const jobsRaw = root.jobs ?? [{}]
  if (!Array.isArray(jobsRaw) || jobsRaw.length === 0 || jobsRaw.length > LIMITS.jobs) throw new ScenarioError(`${source}: jobs must be a list of 1 to ${LIMITS.jobs} jobs`)
  const bench = at.object(root.benchScore ?? {}, 'benchScore')
  const price = at.object(root.price ?? {}, 'price')
  const net = at.object(root.network ?? {}, 'network')
  at.known(net, 'network', ['regions', 'latencyMs', 'jitter', 'uplinkMbps', 'loss', 'partitions'])
  const latency = at.object(net.latencyMs ?? {}, 'network.latencyMs')
  const churn = at.object(root.churn ?? {}, 'churn')
  const cheaters = at.object(root.cheaters ?? {}, 'cheaters')
  const regions = at.list(net.regions ?? [{ name: 'local', share: 1 }], 'network.regions', LIMITS.regions).map((r, i) => {
    const region = at.object(r, `network.regions[${i}]`)
    return { name: at.text(region.name, `network.regions[${i}].name`), share: at.number(region.share, `network.regions[${i}].share`, 0, 1, 1) }
  })
  const names = new Set(regions.map((r) => r.name))
  if (names.size !== regions.length) throw new ScenarioError(`${source}: network.regions names must differ`)
  const shares = regions.reduce((sum, r) => sum + r.share, 0)
  if (Math.abs(shares - 1) > 1e-9) throw new ScenarioError(`${source}: network.regions shares must add up to 1, not ${shares}`)
  const scenario: Scenario = {
    name: at.text(root.name ?? source, 'name'),
    seed: at.integer(root.seed, 'seed', 0, 2 ** 32 - 1, 1),
    nodes: {
      creators: at.integer(nodes.creators, 'nodes.creators', 1, LIMITS.nodes, 1),
      workers: at.integer(nodes.workers, 'nodes.workers', 1, LIMITS.nodes, 3),
      checkers: at.integer(nodes.checkers, 'nodes.checkers', 0, LIMITS.nodes, 1)
    },
    jobs: jobsRaw.map((j, i) => job(at, at.object(j, `jobs[${i}]`), `jobs[${i}]`)),
    benchScore: { median: at.number(bench.median, 'benchScore.median', 1, 1e9, 1_000), spread: at.number(bench.spread, 'benchScore.spread', 0, 5, 0.3) },
    price: {
      policy: at.oneOf(price.policy, 'price.policy', PRICE_POLICIES, 'fixed'),
      min: at.number(price.min, 'price.min', 0, LIMITS.price, 1_000),
      max: at.number(price.max, 'price.max', 0, LIMITS.price, 1_000)
    },
    network: {
      regions,
      latencyMs: { same: at.number(latency.same, 'network.latencyMs.same', 0, 60_000, 5), cross: at.number(latency.cross, 'network.latencyMs.cross', 0, 60_000, 80) },
      jitter: at.number(net.jitter, 'network.jitter', 0, 1, 0.2),
      uplinkMbps: at.number(net.uplinkMbps, 'network.uplinkMbps', 0.001, 1e6, 100),
      loss: at.number(net.loss, 'network.loss', 0, 1, 0),
      partitions: at.list(net.partitions ?? [], 'network.partitions', LIMITS.partitions).map((p, i) => {
        const part = at.object(p, `network.partitions[${i}]`)
        const cut = at.list(part.regions, `network.partitions[${i}].regions`, LIMITS.regions).map((r, k) => at.text(r, `network.partitions[${i}].regions[${k}]`))
        for (const r of cut) if (!names.has(r)) throw new ScenarioError(`${source}: network.partitions[${i}] names region "${r}", which network.regions does not have`)
        return { atS: at.number(part.atS, `network.partitions[${i}].atS`, 0, LIMITS.hours * 3600), forS: at.number(part.forS, `network.partitions[${i}].forS`, 0, LIMITS.hours * 3600), regions: cut }
      })
    },
    churn: {
      joinPerHour: at.number(churn.joinPerHour, 'churn.joinPerHour', 0, 100, 0),
      leavePerHour: at.number(churn.leavePerHour, 'churn.leavePerHour', 0, 100, 0),
      crashShare: at.number(churn.crashShare, 'churn.crashShare', 0, 1, 0)
    },
    cheaters: {
      share: at.number(cheaters.share, 'cheaters.share', 0, 1, 0),
      strategy: at.oneOf(cheaters.strategy, 'cheaters.strategy', CHEAT_STRATEGIES, 'black'),
      fakeRate: at.number(cheaters.fakeRate, 'cheaters.fakeRate', 0, 1, 1)
    },
    colludingCheckers: at.integer(root.colludingCheckers, 'colludingCheckers', 0, LIMITS.nodes, 0),
    maxSimulatedS: at.number(root.maxSimulatedS, 'maxSimulatedS', 1, LIMITS.hours * 3600, 24 * 3600)
  }
  if (scenario.price.min > scenario.price.max) throw new ScenarioError(`${source}: price.min must not be above price.max`)
  if (scenario.colludingCheckers > scenario.nodes.checkers) throw new ScenarioError(`${source}: colludingCheckers must not be more than nodes.checkers`)
  return scenario
}

function job(at: Reader, j: Json, path: string): ScenarioJob {
  at.known(j, path, ['submitAtS', 'frames', 'framesPerTask', 'width', 'height', 'samples', 'maxPrice'])
  const frames = at.integer(j.frames, `${path}.frames`, 1, LIMITS.frames, 24)
  return {
    submitAtS: at.number(j.submitAtS, `${path}.submitAtS`, 0, LIMITS.hours * 3600, 0),
    frames,
    framesPerTask: at.integer(j.framesPerTask, `${path}.framesPerTask`, 1, frames, Math.min(2, frames)),
    width: at.integer(j.width, `${path}.width`, 1, LIMITS.pixels, 320),
    height: at.integer(j.height, `${path}.height`, 1, LIMITS.pixels, 180),
    samples: at.integer(j.samples, `${path}.samples`, 1, LIMITS.samples, 16),
    maxPrice: at.number(j.maxPrice, `${path}.maxPrice`, 0, LIMITS.price, 5_000)
  }
}

/** Field checks that name the field and the file in their error. */
class Reader {
  private readonly source: string

  constructor(source: string) {
    this.source = source
  }

  private fail(path: string, what: string): never {
    throw new ScenarioError(`${this.source}: ${path || 'the scenario'} ${what}`)
  }

  object(value: unknown, path: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be an object')
    return value as Json
  }

  /** Refuses fields the scenario format does not have: a misspelt one would silently take its default. */
  known(value: Json, path: string, fields: string[]): void {
    const extra = Object.keys(value).find((k) => !fields.includes(k))
    // Quoted and cut: a key may hold anything, a newline included.
    const shown = extra === undefined || /^[A-Za-z]{1,40}$/.test(extra) ? extra : JSON.stringify(extra.slice(0, 40))
    if (shown !== undefined) this.fail(path ? `${path}.${shown}` : shown, `is not a scenario field (${path || 'the scenario'} has ${fields.join(', ')})`)
  }

  list(value: unknown, path: string, max: number): unknown[] {
    if (!Array.isArray(value) || value.length > max) this.fail(path, `must be a list of at most ${max}`)
    return value
  }

  text(value: unknown, path: string): string {
    if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(value)) this.fail(path, 'must be a name of 1 to 64 letters, digits, spaces, dots, dashes or underscores')
    return value
  }

  number(value: unknown, path: string, min: number, max: number, fallback?: number): number {
    if (value === undefined && fallback !== undefined) return fallback
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) this.fail(path, `must be a number from ${min} to ${max}`)
    return value
  }

  integer(value: unknown, path: string, min: number, max: number, fallback: number): number {
    const n = this.number(value, path, min, max, fallback)
    if (!Number.isInteger(n)) this.fail(path, `must be an integer from ${min} to ${max}`)
    return n
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[], fallback: T): T {
    if (value === undefined) return fallback
    if (!options.includes(value as T)) this.fail(path, `must be one of ${options.join(', ')}`)
    return value as T
  }
}
