// Linear radiance to 8-bit sRGB-ish (gamma 2.2), by a fixed rule.
//
// Rather than call Math.pow per pixel (its last bit is up to the engine's
// libm), the 255 decision thresholds ((k + 0.5) / 255) ^ 2.2 are computed
// once with exactly-rounded ops (a square and a bisected fifth root), and a
// channel's byte is the number of thresholds at or below it.

function fifthRoot(x: number): number {
  let lo = 0
  let hi = 1
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2
    if (mid * mid * mid * mid * mid < x) lo = mid
    else hi = mid
  }
  return hi
}

function buildThresholds(): Float64Array {
  const t = new Float64Array(255)
  for (let k = 0; k < 255; k++) {
    const x = (k + 0.5) / 255
    t[k] = x * x * fifthRoot(x) // x^2.2 = x^2 * x^(1/5)
  }
  return t
}

const THRESHOLDS = buildThresholds()

/** Byte for a linear value; NaN and negatives give 0, values >= ~1 give 255. */
export function toByte(linear: number): number {
  if (!(linear >= THRESHOLDS[0])) return 0
  // Binary search for the count of thresholds <= linear (8 steps).
  let lo = 0
  let hi = 255
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (THRESHOLDS[mid - 1] <= linear) lo = mid
    else hi = mid - 1
  }
  return lo
}
