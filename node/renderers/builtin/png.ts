// PNG output. The file appears under its final name only when complete:
// encode in memory, write a temp file beside it, rename. A reader (the
// uploader, a checker) never sees half a frame.

import { randomUUID } from 'node:crypto'
import { rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { loadSharp } from '../../images/sharp.ts'

export async function writePng(pixels: Uint8Array, width: number, height: number, path: string, signal?: AbortSignal): Promise<void> {
  const sharp = await loadSharp()
  const png = await sharp(pixels, { raw: { width, height, channels: 4 } })
    .png({ compressionLevel: 6 })
    .toBuffer()
  signal?.throwIfAborted()
  // A dot-name in the same folder: same file system (rename is atomic), and no frame-name pattern matches it.
  const tmp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`)
  try {
    await writeFile(tmp, png, { flag: 'wx', signal })
    signal?.throwIfAborted()
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
