// Per-pixel random streams. A pixel's numbers depend only on (seed, frame,
// x, y), never on which thread rendered it or what it rendered before, so
// a crop or a row band reproduces the full frame's pixels bit for bit.
// Only 32-bit integer ops (Math.imul, xor, shifts): exact on every machine.

/** lowbias32 (Chris Wellons): a bijective 32-bit mixer with strong avalanche. */
export function mix32(x: number): number {
  x ^= x >>> 16
  x = Math.imul(x, 0x7feb352d)
  x ^= x >>> 15
  x = Math.imul(x, 0x846ca68b)
  x ^= x >>> 16
  return x >>> 0
}

const TWO_POW_32 = 4294967296

/** A Weyl sequence through mix32, reseeded in place per pixel (no allocation in the hot loop). */
export class PixelRandom {
  private state = 0
  private step = 0x9e3779b9

  /** Derives the stream for one pixel. `seed` may be any safe integer. */
  reset(seed: number, frame: number, x: number, y: number): void {
    let h = mix32((seed >>> 0) ^ 0x2545f491)
    h = mix32(h ^ (Math.floor(seed / TWO_POW_32) >>> 0))
    h = mix32(h ^ (frame >>> 0))
    h = mix32((h + 0x68e31da4) ^ x)
    h = mix32((h + 0xb5297a4d) ^ y)
    this.state = h
    // A per-pixel odd step keeps neighbouring pixels' streams from being shifted copies of each other.
    this.step = (mix32(h ^ 0x1b56c4e9) | 1) >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + this.step) >>> 0
    return mix32(this.state) / TWO_POW_32
  }
}
