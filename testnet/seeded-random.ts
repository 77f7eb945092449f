// A seeded PRNG for research tooling, benchmarks and tests: the same seed
// gives the same topology, publishers or noise every run.

/** mulberry32: small, fast and good enough for simulations (not for keys or beacons). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [0, below). */
export function randomInt(random: () => number, below: number): number {
  return Math.floor(random() * below)
}
