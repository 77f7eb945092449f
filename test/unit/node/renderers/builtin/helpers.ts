// Shared fixtures for the built-in renderer's tests.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

export const TINY_PATH = fileURLToPath(new URL('../../../../../testnet/scenes/tiny.json', import.meta.url))
export const DEMO_PATH = fileURLToPath(new URL('../../../../../testnet/scenes/demo.json', import.meta.url))

export const tinyJson = (): Record<string, unknown> => JSON.parse(readFileSync(TINY_PATH, 'utf8'))

export const SMALL = { width: 64, height: 36, samples: 3, seed: 42 }

/** RGBA bytes of a PNG file, checking its size on the way. */
export async function decodePng(path: string, width: number, height: number): Promise<Uint8Array> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true })
  if (info.width !== width || info.height !== height || info.channels !== 4) {
    throw new Error(`${path} is ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x4`)
  }
  return new Uint8Array(data)
}

/** The rectangle (x, y, w, h) cut out of a full RGBA frame of the given width. */
export function cut(frame: Uint8Array, frameWidth: number, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4)
  for (let row = 0; row < h; row++) {
    out.set(frame.subarray(((y + row) * frameWidth + x) * 4, ((y + row) * frameWidth + x + w) * 4), row * w * 4)
  }
  return out
}

/** Scene JSON as tests edit it: any field, any depth. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures poke at arbitrary JSON on purpose
export type LooseJson = any
