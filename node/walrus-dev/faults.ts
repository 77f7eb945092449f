// Fault switches for tests of Walrus clients: make the publisher or the
// aggregator fail (500 / 503 / 504), answer late, serve corrupted bytes or
// name the wrong blob id. Set from code (`server.faults.set`) or over HTTP
// (`PUT /dev/faults` with the same JSON). A fault with `count` hits that many
// of the side's next requests and then goes away; without it, every request.

export type WalrusSide = 'publisher' | 'aggregator'

export const FAULT_STATUSES = [500, 503, 504] as const
export type FaultStatus = (typeof FAULT_STATUSES)[number]
const MAX_DELAY_MS = 600_000
const MAX_COUNT = 1_000_000

export interface SideFault {
  /** Answer with this error status instead of doing the work. */
  status?: FaultStatus
  /** Wait this long before answering (after reading the request). */
  delayMs?: number
  /** How many of the next requests this fault hits; absent: all of them. */
  count?: number
}

export interface PublisherFault extends SideFault {
  /** Store the blob but answer another, valid-looking blob id. */
  wrongBlobId?: boolean
}

export interface AggregatorFault extends SideFault {
  /** Serve the blob with its bytes flipped: same length, still 200 / 206. */
  corrupt?: boolean
}

export interface FaultSettings {
  publisher?: PublisherFault
  aggregator?: AggregatorFault
}

/** What one request must suffer; empty when there is no fault. */
export type TakenFault = PublisherFault & AggregatorFault

export class FaultSettingsError extends Error {}

const ALLOWED_KEYS: Record<WalrusSide, string[]> = {
  publisher: ['status', 'delayMs', 'count', 'wrongBlobId'],
  aggregator: ['status', 'delayMs', 'count', 'corrupt']
}

/** Checks settings from outside (HTTP JSON); throws a FaultSettingsError with one line. */
export function parseFaultSettings(value: unknown): FaultSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultSettingsError('faults must be a JSON object with "publisher" and/or "aggregator"')
  const out: FaultSettings = {}
  for (const [side, fault] of Object.entries(value)) {
    if (side !== 'publisher' && side !== 'aggregator') throw new FaultSettingsError(`unknown side "${side}" (publisher or aggregator)`)
    if (fault !== undefined) out[side] = parseSide(side, fault)
  }
  return out
}

function parseSide(side: WalrusSide, value: unknown): TakenFault {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultSettingsError(`${side} must be an object`)
  const f = value as Record<string, unknown>
  for (const key of Object.keys(f)) if (!ALLOWED_KEYS[side].includes(key)) throw new FaultSettingsError(`${side}.${key} is not a fault switch (${ALLOWED_KEYS[side].join(', ')})`)
  if (f.status !== undefined && !FAULT_STATUSES.includes(f.status as FaultStatus)) throw new FaultSettingsError(`${side}.status must be one of ${FAULT_STATUSES.join(', ')}`)
  if (f.delayMs !== undefined && !(Number.isSafeInteger(f.delayMs) && (f.delayMs as number) >= 0 && (f.delayMs as number) <= MAX_DELAY_MS)) throw new FaultSettingsError(`${side}.delayMs must be a whole number of ms, 0 to ${MAX_DELAY_MS}`)
  if (f.count !== undefined && !(Number.isSafeInteger(f.count) && (f.count as number) >= 1 && (f.count as number) <= MAX_COUNT)) throw new FaultSettingsError(`${side}.count must be a whole number, 1 to ${MAX_COUNT}`)
  for (const flag of ['corrupt', 'wrongBlobId']) if (f[flag] !== undefined && typeof f[flag] !== 'boolean') throw new FaultSettingsError(`${side}.${flag} must be true or false`)
  return f as TakenFault
}

export class WalrusFaults {
  private settings: FaultSettings = {}

  /** Replaces every fault: a side left out has none. Throws FaultSettingsError on bad settings. */
  set(settings: FaultSettings): void {
    const parsed = parseFaultSettings(settings)
    this.settings = { publisher: copy(parsed.publisher), aggregator: copy(parsed.aggregator) }
  }

  clear(): void {
    this.settings = {}
  }

  /** The faults now in force, with the counts left. */
  get(): FaultSettings {
    const out: FaultSettings = {}
    if (this.settings.publisher) out.publisher = { ...this.settings.publisher }
    if (this.settings.aggregator) out.aggregator = { ...this.settings.aggregator }
    return out
  }

  /** The fault for one request on `side`, counting it down. */
  take(side: WalrusSide): TakenFault {
    const fault: TakenFault | undefined = this.settings[side]
    if (fault === undefined) return {}
    if (fault.count !== undefined) {
      fault.count -= 1
      if (fault.count <= 0) delete this.settings[side]
    }
    const { count: _count, ...taken } = fault
    return taken
  }
}

function copy<T extends SideFault>(fault: T | undefined): T | undefined {
  return fault === undefined ? undefined : { ...fault }
}
