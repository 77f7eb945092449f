// @ts-check
// How the job page writes amounts, durations and keys.

/**
 * Micro-PIC (a decimal string: ledger amounts pass 2^53) with PIC beside it.
 * @param {string | number} micro
 */
export function microPic(micro) {
  const value = BigInt(micro)
  const frac = (value % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '')
  return `${value.toLocaleString('en-US')} µPIC (${(value / 1_000_000n).toLocaleString('en-US')}${frac === '' ? '' : `.${frac}`} PIC)`
}

/** @param {number} ms */
export function seconds(ms) {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`
}

/** @param {string} key @param {number} [n] */
export function short(key, n = 10) {
  return key.length > n ? `${key.slice(0, n)}…` : key
}

/**
 * A worker as the page names it: its peer id's tail when the job knows it, else its key's start.
 * @param {any} job @param {string} key
 */
export function workerName(job, key) {
  const w = (job.workers ?? []).find((/** @type {any} */ x) => x.publicKey === key)
  return w === undefined ? short(key) : `…${String(w.peerId).slice(-8)}`
}
