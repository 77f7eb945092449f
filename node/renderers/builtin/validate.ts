// Small readers for untrusted JSON. Each returns a typed value or throws a
// SceneError naming the exact path (`objects[3].radius`), so a creator sees
// one line that says what to fix.

import { SceneError } from './errors.ts'
import { MAX_COLOR, MAX_COORD, MAX_NAME_LENGTH } from './limits.ts'
import type { Vec3 } from './vector.ts'

export function fail(path: string, problem: string): never {
  throw new SceneError(`${path} ${problem}`)
}

/** A plain JSON object with no fields outside `allowed` (typos are errors, not silently ignored). */
export function record(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object')
  const obj = value as Record<string, unknown>
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(path, `has unknown field ${JSON.stringify(key.slice(0, 40))}`)
  }
  return obj
}

/** A plain JSON object used as a map from names to values. */
export function dict(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object')
  return value as Record<string, unknown>
}

export function list(value: unknown, path: string, max: number, min = 0): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be an array')
  if (value.length > max) fail(path, `has ${value.length} entries, more than the limit of ${max}`)
  if (value.length < min) fail(path, `must have at least ${min} ${min === 1 ? 'entry' : 'entries'}`)
  return value
}

export interface NumberRule {
  min?: number
  max?: number
  /** Strictly greater than zero. */
  positive?: boolean
  integer?: boolean
}

export function num(value: unknown, path: string, rule: NumberRule = {}): number {
  const min = rule.min ?? -MAX_COORD
  const max = rule.max ?? MAX_COORD
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, describe(rule, min, max))
  if (rule.integer && !Number.isInteger(value)) fail(path, describe(rule, min, max))
  if (rule.positive && !(value > 0)) fail(path, describe(rule, min, max))
  if (value < min || value > max) fail(path, describe(rule, min, max))
  return value
}

function describe(rule: NumberRule, min: number, max: number): string {
  if (rule.integer) return `must be an integer between ${min} and ${max}`
  if (rule.positive) return `must be a positive number no larger than ${max}`
  return `must be a number between ${min} and ${max}`
}

export function optionalNum(value: unknown, path: string, fallback: number, rule: NumberRule = {}): number {
  return value === undefined ? fallback : num(value, path, rule)
}

export function vec3(value: unknown, path: string, rule: NumberRule = {}): Vec3 {
  if (!Array.isArray(value) || value.length !== 3) fail(path, 'must be an array of 3 numbers')
  return [num(value[0], `${path}[0]`, rule), num(value[1], `${path}[1]`, rule), num(value[2], `${path}[2]`, rule)]
}

export function optionalVec3(value: unknown, path: string, fallback: Vec3, rule: NumberRule = {}): Vec3 {
  return value === undefined ? fallback : vec3(value, path, rule)
}

/** Linear RGB; values above 1 are allowed for lights and emitters. */
export function color(value: unknown, path: string, fallback?: Vec3): Vec3 {
  if (value === undefined && fallback) return fallback
  return vec3(value, path, { min: 0, max: MAX_COLOR })
}

/** An albedo reflects at most all the light that reaches it. */
export function albedo(value: unknown, path: string): Vec3 {
  return vec3(value, path, { min: 0, max: 1 })
}

export function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    fail(path, `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`)
  }
  return value as T
}

const NAME = /^[A-Za-z0-9_-]+$/

export function name(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH || !NAME.test(value)) {
    fail(path, `must be a name of 1 to ${MAX_NAME_LENGTH} letters, digits, "_" or "-"`)
  }
  return value
}
