// Small file-system steps of the blob store: fsync of a file or folder,
// stats that say "missing" as undefined, one retry after recreating a
// folder swept behind the store's back, and a file written whole or not at all.
import { randomBytes } from 'node:crypto'
import type { BigIntStats } from 'node:fs'
import { lstat, mkdir, open, rename, rm, stat as fsStat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { writeAll } from './batch-writer.ts'

/** Runs `op`; if it fails because `dir` is missing (swept or deleted behind our back), creates it and tries once more. */
export async function retryAfterMkdir<T>(dir: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op()
  } catch (err) {
    if (!isNotFound(err)) throw err
    await mkdir(dir, { recursive: true })
    return await op()
  }
}

export async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** Makes the rename itself durable; some platforms cannot fsync a folder, which is fine. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {}
}

export async function statFile(path: string): Promise<{ size: number } | undefined>
export async function statFile(path: string, options: { bigint: true }): Promise<BigIntStats | undefined>
export async function statFile(path: string, options?: { bigint: true }): Promise<{ size: number } | BigIntStats | undefined> {
  try {
    return options === undefined ? await fsStat(path) : await fsStat(path, options)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** The path's own stat (a symlink is not followed), undefined when missing. */
export async function lstatFile(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true })
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'ENOENT'
}

/**
 * Writes a stream to `path` through a temp file in the same folder, renamed
 * only once the source finished without error: readers never see a partial
 * or unverified file.
 */
export async function writeFileFrom(path: string, source: AsyncIterable<Uint8Array>): Promise<void> {
  await writeFileVia(path, async (tmp) => {
    const fh = await open(tmp, 'wx', 0o644)
    try {
      for await (const chunk of source) await writeAll(fh, chunk)
      await fh.sync()
    } finally {
      await fh.close()
    }
  })
}

/** `fill` creates and fsyncs the temp file; it is then renamed to `path`, or removed if anything failed. */
export async function writeFileVia(path: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await fill(tmp)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
