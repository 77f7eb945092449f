// Vector helpers for the cold paths (scene setup, once per frame). The hot
// loop in the tracer works on plain numbers instead, to avoid allocation.
//
// Determinism: everything here and in the tracer uses only + - * / and
// Math.sqrt, which IEEE 754 rounds exactly on every machine. Math.sin, tan
// and pow are left to the engine's libm and may differ between versions,
// so the few places that need them use the series below instead.

export type Vec3 = readonly [number, number, number]

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s]
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0]
]
export const length = (a: Vec3): number => Math.sqrt(dot(a, a))

/** Unit vector, or undefined for a zero (or denormal-tiny) vector. */
export function normalize(a: Vec3): Vec3 | undefined {
  const len = length(a)
  return len > 1e-300 ? scale(a, 1 / len) : undefined
}

export const lerp = (a: Vec3, b: Vec3, t: number): Vec3 => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t
]

/** sin(x) by its Taylor series; accurate to ~1e-16 for |x| <= pi/2, which is all the camera needs. */
export function seriesSin(x: number): number {
  let term = x
  let sum = x
  for (let k = 1; k <= 14; k++) {
    term *= (-x * x) / (2 * k * (2 * k + 1))
    sum += term
  }
  return sum
}

export function seriesCos(x: number): number {
  let term = 1
  let sum = 1
  for (let k = 1; k <= 14; k++) {
    term *= (-x * x) / ((2 * k - 1) * (2 * k))
    sum += term
  }
  return sum
}

/** tan of an angle in degrees, for 0 < deg < 180 (the field of view's half angle stays below 90). */
export function tanDegrees(deg: number): number {
  const x = (deg * Math.PI) / 180
  return seriesSin(x) / seriesCos(x)
}
