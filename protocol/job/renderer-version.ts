// A job's renderer version request (`--blender-version`) and the rule that
// decides whether a worker's renderer meets it (SPEC R54). Blender ships
// patch releases that render alike, so `3.4` means any 3.4.x; a full
// `3.4.1` pins one release; `>=3.6 <4.2` is a range. Every form reduces to
// one half-open interval [min, below) of versions, so matching is two
// comparisons and an impossible range is caught when the job is written.
import { JobSpecError } from '../errors.ts'

/** major, minor, patch; missing parts are 0 ("4.2" is 4.2.0). */
export type Version = readonly [number, number, number]

export interface VersionRange {
  min: Version
  /** Exclusive; undefined: no upper bound. */
  below?: Version
}

/** Bounds the work of parsing an untrusted request; real ranges need two. */
const MAX_COMPARATORS = 4
const NUMBER = '\\d{1,6}'
const VERSION = new RegExp(`^${NUMBER}(?:\\.${NUMBER}){0,2}$`)
const COMPARATOR = new RegExp(`^(>=|<=|>|<|=)?(${NUMBER}(?:\\.${NUMBER}){0,2})$`)
const ZERO: Version = [0, 0, 0]
const EXAMPLES = 'use e.g. 3.4 (any 3.4.x), 3.4.1 (exactly), >=3.6 or ">=3.6 <4.2"'

function partsOf(text: string): number[] {
  return text.split('.').map(Number)
}

function padded(parts: number[]): Version {
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0]
}

/** The first version after every release that `parts` names: 3.4 -> 3.5.0, 3.4.1 -> 3.4.2, 3 -> 4.0.0. */
function after(parts: number[]): Version {
  const next = [...parts]
  const last = next.length - 1
  next[last] = (next[last] ?? 0) + 1
  return padded(next)
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
}

/** A worker's own version ("3.4.1", "4.2", "1"); undefined when it is not numeric, and then it meets no request. */
export function parseVersion(text: string): Version | undefined {
  return VERSION.test(text) ? padded(partsOf(text)) : undefined
}

export function formatVersion(v: Version): string {
  return v.join('.')
}

/**
 * Reads a request: empty (any version), or up to four comparators separated
 * by spaces, all of which must hold. A comparator is a version of one to
 * three numbers, optionally after `=`, `>=`, `>`, `<=` or `<`; a partial
 * version stands for all its releases (`<=4.2` admits 4.2.9, `>3.6` starts
 * at 3.7). Throws JobSpecError (field rendererVersion) with one line.
 */
export function parseVersionRequest(text: string): VersionRange {
  // ">= 3.6" reads as ">=3.6": join an operator to the version after it.
  const tokens = text.trim().replace(/([<>]=?|=)\s+/g, '$1').split(/\s+/).filter((t) => t !== '')
  if (tokens.length > MAX_COMPARATORS) {
    throw new JobSpecError('rendererVersion', `rendererVersion ${JSON.stringify(text)} has more than ${MAX_COMPARATORS} conditions`)
  }
  let min = ZERO
  let below: Version | undefined
  const raise = (v: Version) => {
    if (compareVersions(v, min) > 0) min = v
  }
  const lower = (v: Version) => {
    if (below === undefined || compareVersions(v, below) < 0) below = v
  }
  for (const token of tokens) {
    const m = COMPARATOR.exec(token)
    if (m === null) throw new JobSpecError('rendererVersion', `rendererVersion ${JSON.stringify(text)} is not a version request (${EXAMPLES})`)
    const parts = partsOf(m[2]!)
    switch (m[1]) {
      case '>=':
        raise(padded(parts))
        break
      case '>':
        raise(after(parts))
        break
      case '<':
        lower(padded(parts))
        break
      case '<=':
        lower(after(parts))
        break
      default:
        raise(padded(parts))
        lower(after(parts))
    }
  }
  if (below !== undefined && compareVersions(min, below) >= 0) {
    throw new JobSpecError('rendererVersion', `rendererVersion ${JSON.stringify(text)} admits no version`)
  }
  return below === undefined ? { min } : { min, below }
}

export function inRange(v: Version, range: VersionRange): boolean {
  return compareVersions(v, range.min) >= 0 && (range.below === undefined || compareVersions(v, range.below) < 0)
}

/** Whether a renderer of `version` meets the job's `request`; an empty request admits any version, a malformed one none. */
export function versionSatisfies(version: string, request: string): boolean {
  if (request.trim() === '') return true
  const v = parseVersion(version)
  if (v === undefined) return false
  try {
    return inRange(v, parseVersionRequest(request))
  } catch (err) {
    if (err instanceof JobSpecError) return false
    throw err
  }
}
