// @ts-check
// How the operator pages write amounts, durations and ids.

/**
 * Micro-PIC (a number, or a decimal string: ledger amounts pass 2^53) with PIC beside it.
 * @param {string | number} micro
 */
export function formatMicroPic(micro) {
  const value = BigInt(micro)
  const whole = value / 1_000_000n
  const frac = (value % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '')
  return `${value.toLocaleString('en-US')} µPIC (${whole.toLocaleString('en-US')}${frac === '' ? '' : `.${frac}`} PIC)`
}

/** @param {number} seconds */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`
  const h = Math.floor(s / 3600)
  if (h < 48) return `${h} h ${Math.floor((s % 3600) / 60)} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
}

/** @param {string} id @param {number} [n] */
export function shortId(id, n = 12) {
  return id.length > n ? `${id.slice(0, n)}…` : id
}

/** @param {number} ms */
export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString()
}
