import { randomBytes } from 'node:crypto'
import { link, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Writes a file so that readers see either the old content or the new, never
 * a torn one: temp file in the same folder, fsync, rename. `exclusive`
 * refuses to replace an existing file (used for keys).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: { mode?: number; exclusive?: boolean } = {}): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', options.mode ?? 0o644)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    if (options.exclusive) {
      // link() fails with EEXIST instead of replacing, unlike rename().
      await link(temp, path)
      await rm(temp)
    } else {
      await rename(temp, path)
    }
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}
