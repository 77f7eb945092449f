// Frames leave Blender's output folder only through here: decoded as a PNG or
// EXR of exactly the expected size (hardened decoders: no other loaders, no
// pixel bombs, no truncation) and encoded again from the decoded pixels in
// the job's format, which drops every metadata chunk or header attribute
// Blender wrote (file paths, host names, scene names, dates).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import type { OutputFormat } from '../../../protocol/index.ts'
import { decodeExr, decodePng, encodeExr, encodeJpeg, ImageError } from '../../images/index.ts'
import { BlenderError } from './errors.ts'
import type { BlenderFileFormat } from './task-spec.ts'

export function blenderFrameName(frame: number, fileFormat: BlenderFileFormat = 'PNG'): string {
  // render_task.py names frames "%06d"; Blender adds the extension of the format it writes.
  return `${String(frame).padStart(6, '0')}.${fileFormat === 'OPEN_EXR' ? 'exr' : 'png'}`
}

/** Blender's file at src (PNG, or EXR for EXR jobs) written to dest in `format`. */
export async function exportFrame(src: string, dest: string, expected: { width: number; height: number }, format: OutputFormat = 'PNG'): Promise<void> {
  let bytes: Buffer
  try {
    bytes = await readFile(src)
  } catch (err) {
    throw new BlenderError('OUTPUT_INVALID', `Blender reported a frame but wrote no file (${(err as NodeJS.ErrnoException).code})`, { cause: err })
  }
  let encoded: Uint8Array
  try {
    encoded = await reencode(bytes, expected, format)
  } catch (err) {
    const why = err instanceof ImageError ? err.message : String(err)
    throw new BlenderError('OUTPUT_INVALID', `Blender's output is not a usable frame: ${why}`, { cause: err })
  }
  await writeFile(dest, encoded)
  await rm(src, { force: true })
}

async function reencode(bytes: Uint8Array, expected: { width: number; height: number }, format: OutputFormat): Promise<Uint8Array> {
  if (format === 'EXR') return encodeExr(decodeExr(bytes, expected))
  const decoded = await decodePng(bytes, expected)
  if (format === 'JPEG') return encodeJpeg(decoded)
  return sharp(decoded.pixels, { raw: { width: decoded.width, height: decoded.height, channels: 4 } })
    .png({ compressionLevel: 6 })
    .toBuffer()
}

/** Names in Blender's output folder that we did not ask for (nothing should be there once frames are exported). */
export async function strayOutputs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).map((name) => join(dir, name))
  } catch {
    return []
  }
}
