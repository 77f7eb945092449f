// The pixel hash a result commits to per frame (SPEC R80): sha256 over the
// decoded pixels, never the file, because file bytes vary with metadata and
// encoder settings while the picture does not. PNG and JPEG frames hash
// their RGBA8 bytes; EXR frames hash their float32 RGBA values,
// little-endian, in R, G, B, A order, rows top to bottom.
import { createHash } from 'node:crypto'
import { endianness } from 'node:os'
import { type Frame, isFloatFrame } from './frame.ts'

export function pixelHash(frame: Frame): Uint8Array {
  const hash = createHash('sha256')
  if (!isFloatFrame(frame) || endianness() === 'LE') hash.update(frame.pixels)
  else hash.update(littleEndianFloats(frame.pixels))
  return new Uint8Array(hash.digest())
}

function littleEndianFloats(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true)
  return out
}
