// Frames leave Blender's output folder only through here: decoded as a PNG of
// exactly the expected size (hardened decoder: no other loaders, no pixel
// bombs, no truncation) and encoded again from raw pixels, which drops every
// metadata chunk Blender wrote (file paths, host names, scene names).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { decodePng, ImageError } from '../../images/png.ts'
import { BlenderError } from './errors.ts'

export function blenderFrameName(frame: number): string {
  // render_task.py names frames "%06d" + ".png", the same as frameFileName.
  return `${String(frame).padStart(6, '0')}.png`
}

export async function exportFrame(src: string, dest: string, expected: { width: number; height: number }): Promise<void> {
  let bytes: Buffer
  try {
    bytes = await readFile(src)
  } catch (err) {
    throw new BlenderError('OUTPUT_INVALID', `Blender reported a frame but wrote no file (${(err as NodeJS.ErrnoException).code})`, { cause: err })
  }
  let decoded: Awaited<ReturnType<typeof decodePng>>
  try {
    decoded = await decodePng(bytes, expected)
  } catch (err) {
    const why = err instanceof ImageError ? err.message : String(err)
    throw new BlenderError('OUTPUT_INVALID', `Blender's output is not a usable frame: ${why}`, { cause: err })
  }
  const png = await sharp(decoded.pixels, { raw: { width: decoded.width, height: decoded.height, channels: 4 } })
    .png({ compressionLevel: 6 })
    .toBuffer()
  await writeFile(dest, png)
  await rm(src, { force: true })
}

/** Names in Blender's output folder that we did not ask for (nothing should be there once frames are exported). */
export async function strayOutputs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).map((name) => join(dir, name))
  } catch {
    return []
  }
}
