// Records and events on the wire (JSON-RPC) and on disk (LevelDB): bigints
// become decimal strings and come back by field name. Every amount field in
// types.ts is listed here; a field holding a bigint under any other name
// would fail loudly in JSON.stringify rather than be silently mangled.

const BIGINT_FIELDS = new Set([
  'amount',
  'appealFees',
  'balance',
  'checkerFee',
  'escrow',
  'fee',
  'frameCost',
  'maxFrameCost',
  'minStake',
  'minted',
  'refunded',
  'reserved',
  'slashAmount',
  'slashed',
  'stake'
])

export type Wire<T> = T extends bigint ? string : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T

export function toWire<T>(value: T): Wire<T> {
  if (typeof value === 'bigint') return value.toString() as Wire<T>
  if (Array.isArray(value)) return value.map(toWire) as Wire<T>
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = toWire(v)
    return out as Wire<T>
  }
  return value as Wire<T>
}

export function fromWire<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => fromWire(v)) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = BIGINT_FIELDS.has(k) && typeof v === 'string' ? BigInt(v) : fromWire(v)
    return out as T
  }
  return value as T
}
