import { randomBytes } from 'node:crypto'
import { link, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export interface AtomicWriteOptions {
  mode?: number
  /** Refuse to replace an existing file (used for keys). */
  exclusive?: boolean
  /**
   * Default true: fsync before the rename, so the new content survives a
   * machine crash. False for a file that only describes the running
   * process (api.json): a crash ends the process too, and an fsync per
   * start held the fs thread pool for tens of ms on a busy disk.
   */
  durable?: boolean
}

/**
 * Writes a file so that readers see either the old content or the new, never
 * a torn one: temp file in the same folder, fsync (unless not durable), rename.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', options.mode ?? 0o644)
  try {
    await handle.writeFile(data)
    if (options.durable !== false) await handle.sync()
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
