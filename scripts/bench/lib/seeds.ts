/** A 32-byte key seed derived from an index, so bench peer ids repeat run to run. */
export function benchSeed(index: number, salt = 0): Uint8Array {
  const seed = new Uint8Array(32)
  const view = new DataView(seed.buffer)
  view.setUint32(0, 0x70696374) // "pict"
  view.setUint32(4, salt)
  view.setUint32(8, index)
  return seed
}
