// Small file-system steps of the blob store: fsync of a file or folder, a
// stat that says "missing" as undefined, and one retry after recreating a
// folder swept behind the store's back.
import type { BigIntStats } from 'node:fs'
import { mkdir, open, stat as fsStat } from 'node:fs/promises'

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

export function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'ENOENT'
}
