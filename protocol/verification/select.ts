// Which registered checkers verify a commitment (SPEC R102). Rendezvous
// hashing: every candidate gets a score from the beacon-derived task seed
// and its key, the lowest scores win. The answer does not depend on the
// order the registry is listed in, and a checker joining or leaving moves
// only the tasks it wins or held.
import { concat, fromHex, toHex, utf8 } from '../bytes.ts'
import { ED25519_PUBLIC_KEY_BYTES, VERIFICATION } from '../constants.ts'
import { sha256 } from '../crypto.ts'
import { type CommitmentRef, taskSeed } from './beacon-stream.ts'
import { VerificationError } from './errors.ts'

export interface SelectInput extends CommitmentRef {
  beacon: Uint8Array
  /** Registered checkers' public keys, hex. */
  checkers: readonly string[]
  /** Keys that may not check this task: at least the worker and the job's creator. */
  exclude: readonly string[]
  redundancy: number
  /**
   * On a ledger: the checker the ledger drew (hex key). It takes position 0;
   * positions 1.. are drawn as usual from the others, so a job that wants
   * two checkers gets a second, independent one beside the ledger's (R102a).
   */
  drawn?: string
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/

function normaliseKey(key: string): string {
  if (typeof key !== 'string' || !HEX_KEY.test(key)) throw new VerificationError('BAD_INPUT', `checker key ${JSON.stringify(key)} is not ${ED25519_PUBLIC_KEY_BYTES} bytes of hex`)
  return key.toLowerCase()
}

/**
 * Up to `redundancy` checkers, best first: position i is the checker's
 * redundancy index (its sample, R101). Fewer when fewer are eligible.
 */
export function selectCheckers(input: SelectInput): string[] {
  if (!Number.isInteger(input.redundancy) || input.redundancy < 1 || input.redundancy > VERIFICATION.maxRedundancy) {
    throw new VerificationError('BAD_INPUT', `redundancy must be 1..${VERIFICATION.maxRedundancy}`)
  }
  if (input.drawn !== undefined) {
    const drawn = normaliseKey(input.drawn)
    if (input.exclude.map(normaliseKey).includes(drawn) || !input.checkers.map(normaliseKey).includes(drawn)) return []
    const others = input.redundancy === 1 ? [] : selectCheckers({ ...input, drawn: undefined, exclude: [...input.exclude, drawn], redundancy: input.redundancy - 1 })
    return [drawn, ...others]
  }
  const seed = taskSeed(input.beacon, input)
  const excluded = new Set(input.exclude.map(normaliseKey))
  const eligible = [...new Set(input.checkers.map(normaliseKey))].filter((k) => !excluded.has(k))
  const scored = eligible.map((key) => ({ key, score: sha256(concat(seed, utf8('checker'), new Uint8Array([0]), fromHex(key))) }))
  scored.sort((a, b) => compareBytes(a.score, b.score))
  return scored.slice(0, input.redundancy).map((s) => s.key)
}

/** The redundancy index of `checker` for this commitment, or -1 when it was not selected. */
export function checkerIndex(input: SelectInput, checker: Uint8Array | string): number {
  const key = typeof checker === 'string' ? checker.toLowerCase() : toHex(checker)
  return selectCheckers(input).indexOf(key)
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}
