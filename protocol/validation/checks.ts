// Building blocks for the per-message field rules. Each throws a
// ValidationError whose action comes from the reason table, so a rule file
// cannot pick an action that disagrees with the SPEC.
import { utf8Length } from '../bytes.ts'
import { LIMITS, RENDERERS } from '../constants.ts'
import { ValidationError } from '../errors.ts'
import type { Hardware } from '../pb/messages.js'
import { REASONS, type ReasonCode } from './codes.ts'

export function fail(code: ReasonCode, message: string): never {
  throw new ValidationError(REASONS[code].action, code, message)
}

/** R40: fixed-length ids and hashes. */
export function bytesOfLength(field: string, value: Uint8Array, length: number): void {
  if (value.byteLength !== length) fail('FIELD_RANGE', `${field} must be ${length} bytes, got ${value.byteLength}`)
}

/** R40: every string is at most maxStringBytes of UTF-8. */
export function shortString(field: string, value: string): void {
  if (utf8Length(value) > LIMITS.maxStringBytes) fail('FIELD_RANGE', `${field} is longer than ${LIMITS.maxStringBytes} bytes`)
}

export function nonEmptyString(field: string, value: string): void {
  if (value === '') fail('FIELD_RANGE', `${field} must not be empty`)
  shortString(field, value)
}

export function intInRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    fail('FIELD_RANGE', `${field} must be between ${min} and ${max}, got ${value}`)
  }
}

export function knownRenderer(field: string, value: string): void {
  if (!(RENDERERS as readonly string[]).includes(value)) fail('FIELD_RANGE', `${field} ${JSON.stringify(value)} is not a known renderer`)
}

/** R40: an inclusive frame range, ordered, within the frame number space, at most `maxFrames` long. */
export function frameRange(field: string, start: number, end: number, maxFrames: number): void {
  intInRange(`${field} start`, start, 0, LIMITS.maxFrameNumber)
  intInRange(`${field} end`, end, 0, LIMITS.maxFrameNumber)
  if (end < start) fail('FIELD_RANGE', `${field} ${start}-${end} is reversed`)
  if (end - start + 1 > maxFrames) fail('FIELD_RANGE', `${field} ${start}-${end} is longer than ${maxFrames} frames`)
}

export function price(field: string, value: number): void {
  intInRange(field, value, 0, LIMITS.maxPrice)
}

export function slots(field: string, value: number): void {
  intInRange(field, value, 1, LIMITS.maxSlots)
}

/** Hardware descriptions are free text from the worker; only their size is bounded. */
export function hardware(hw: Hardware | undefined): void {
  if (hw === undefined) return
  shortString('hardware.cpuModel', hw.cpuModel)
  shortString('hardware.gpuModel', hw.gpuModel)
  shortString('hardware.gpuVendor', hw.gpuVendor)
}

/** R29, R30: a signed message's own time must be near ours. */
export function timely(field: string, timestampMs: number, nowMs: number): void {
  if (timestampMs > nowMs + LIMITS.clockSkewMs) {
    fail('CLOCK_SKEW', `${field} is ${timestampMs - nowMs} ms in the future (allowed skew ${LIMITS.clockSkewMs} ms)`)
  }
  if (timestampMs < nowMs - LIMITS.maxMessageAgeMs) {
    fail('STALE', `${field} is ${nowMs - timestampMs} ms old (limit ${LIMITS.maxMessageAgeMs} ms)`)
  }
}
