// Small file-system steps of the blob store: fsync of a file or folder,
// stats that say "missing" as undefined, one retry after recreating a
// folder swept behind the store's back, a file written whole or not at all,
// and a whole small file read through one descriptor.
//
// Stat, rename, close and reads and writes of small files are synchronous:
// each takes microseconds, while the same call through the thread pool
// costs ~60 µs of CPU on its own (hand-off, wake-ups) and was the largest
// single cost per blob in the task-cpu profile. What can take long stays
// in the thread pool, off the event loop: fsync, large reads and writes, and
// creating a file or folder (a file system without a journal may look
// through many recently freed inodes first: up to ~1 ms each here, 30% of
// the event loop of a 51-node bench when it was synchronous).
import { randomBytes } from 'node:crypto'
import { type BigIntStats, closeSync, fstatSync, fsync, lstatSync, open as openCallback, openSync, read, readSync, renameSync, statSync, writeSync } from 'node:fs'
import { type FileHandle, mkdir, open, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { writeAll } from './batch-writer.ts'

/** Files up to this size are read and written with synchronous calls (a few µs per 64 KiB through the page cache). */
export const SYNC_IO_BYTES = 256 * 1024

const readFd = promisify(read)

/** Opens (and with 'wx' creates) a file in the thread pool; the descriptor is then used with synchronous calls. */
export const openFd: (path: string, flags: string, mode?: number) => Promise<number> = promisify(openCallback)

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

/** fsync through the thread pool: on a real disk it can take milliseconds. Every fsync of the blob store goes through here. */
export function syncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err === null ? resolve() : reject(err))))
}

export async function syncFile(path: string): Promise<void> {
  const fd = openSync(path, 'r+')
  try {
    await syncFd(fd)
  } finally {
    closeSync(fd)
  }
}

/** Makes the rename itself durable; some platforms cannot fsync a folder, which is fine. */
export async function syncDir(dir: string): Promise<void> {
  let fd: number
  try {
    fd = openSync(dir, 'r')
  } catch {
    return
  }
  await syncFd(fd).catch(() => {})
  closeSync(fd)
}

export async function statFile(path: string): Promise<{ size: number } | undefined>
export async function statFile(path: string, options: { bigint: true }): Promise<BigIntStats | undefined>
export async function statFile(path: string, options?: { bigint: true }): Promise<{ size: number } | BigIntStats | undefined> {
  return options === undefined ? statSync(path, { throwIfNoEntry: false }) : statSync(path, { bigint: true, throwIfNoEntry: false })
}

/** The path's own stat (a symlink is not followed), undefined when missing. */
export async function lstatFile(path: string): Promise<BigIntStats | undefined> {
  return lstatSync(path, { bigint: true, throwIfNoEntry: false })
}

/**
 * A whole file's bytes and its stat, taken through one descriptor before the
 * bytes were read. A small file is read with synchronous calls, a larger one
 * through the thread pool. A file cut short since its stat yields what was there.
 */
export async function readWholeFile(path: string): Promise<{ bytes: Uint8Array; st: BigIntStats }> {
  const fd = openSync(path, 'r')
  try {
    const st = fstatSync(fd, { bigint: true })
    const size = Number(st.size)
    return { bytes: size <= SYNC_IO_BYTES ? readAllSync(fd, size) : await readAllAsync(fd, size), st }
  } finally {
    closeSync(fd)
  }
}

/** Up to `size` bytes from the start of an open file; fewer if it ends sooner. */
export function readAllSync(fd: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  let at = 0
  while (at < size) {
    const n = readSync(fd, bytes, at, size - at, at)
    if (n === 0) break
    at += n
  }
  return at === size ? bytes : bytes.subarray(0, at)
}

/** All of `bytes`, from the start of an open file (a write may take less than asked). */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let offset = 0
  while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset, offset)
}

async function readAllAsync(fd: number, size: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(size)
  let at = 0
  while (at < size) {
    const { bytesRead } = await readFd(fd, bytes, at, size - at, at)
    if (bytesRead === 0) break
    at += bytesRead
  }
  return at === size ? bytes : bytes.subarray(0, at)
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
      await syncFd(fh.fd)
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
    renameSync(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/**
 * Reads the next chunk at `position`: what the file should still hold, at
 * most `chunkBytes`; at the expected end a 1-byte probe for EOF; past it
 * (the file grew) full chunks again. A fresh buffer each time: the consumer
 * may keep it.
 */
export async function readChunk(fh: FileHandle, position: number, total: number, chunkBytes: number): Promise<Uint8Array> {
  const size = position === total ? 1 : Math.min(chunkBytes, position < total ? total - position : chunkBytes)
  const buf = Buffer.allocUnsafe(size)
  const { bytesRead } = await fh.read(buf, 0, size, position)
  return buf.subarray(0, bytesRead)
}
