// The second half of a put with `adopt` (local-store.ts): the file the
// caller read its bytes from is moved to the blob's path instead of a copy
// being written, once the rename shows it is still the file that was read.
import type { BigIntStats } from 'node:fs'
import { renameSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Logger } from '../log.ts'
import { lstatFile, retryAfterMkdir, syncDir, syncFile } from './file-ops.ts'
import type { BlobAdoptFile, BlobId, BlobPutOptions, BlobStat } from './types.ts'

/** What the move needs from its store. */
export interface AdoptionStore {
  pathOf(id: BlobId): string
  /** Stores the bytes as a copy: for a file that cannot be moved, or is not the one read. */
  writeBytes(id: BlobId, bytes: Uint8Array, options: BlobPutOptions): Promise<BlobStat>
  /** Remembers the moved file as verified and indexes it. */
  settle(id: BlobId, size: number, st: BigIntStats): Promise<void>
  log: Logger
}

/**
 * One rename instead of a temp file's open, write, close and rename. The
 * rename keeps the inode, size and mtime, so a file that is still the one
 * the caller read (its `read` stat) holds the bytes that were hashed. One
 * that is not (replaced, written to, linked elsewhere, a symlink), or
 * cannot be moved (another file system), is replaced or skipped by a copy
 * of the bytes. Until then the moved file is neither indexed nor
 * remembered as verified, so a reader that gets to it first hashes it.
 */
export async function moveIntoPlace(store: AdoptionStore, id: BlobId, bytes: Uint8Array, adopt: BlobAdoptFile, options: BlobPutOptions): Promise<BlobStat> {
  options.signal?.throwIfAborted()
  const durable = options.durable ?? true
  const final = store.pathOf(id)
  try {
    if (durable) await syncFile(adopt.path)
    await retryAfterMkdir(dirname(final), async () => renameSync(adopt.path, final))
  } catch (err) {
    store.log.debug('cannot move the file into the store, writing a copy', { path: adopt.path, err })
    return store.writeBytes(id, bytes, options)
  }
  const st = await lstatFile(final)
  if (st === undefined || !isFileAsRead(st, adopt.read, bytes.byteLength)) {
    store.log.warn('the file moved into the store is not the one that was read; storing the bytes that were read instead', { id, path: adopt.path })
    // The copy's rename replaces what was moved; a folder it cannot replace goes first.
    if (st?.isDirectory()) await rm(final, { recursive: true, force: true })
    return store.writeBytes(id, bytes, options)
  }
  if (durable) await syncDir(dirname(final))
  await store.settle(id, bytes.byteLength, st)
  options.onProgress?.({ bytes: bytes.byteLength, total: bytes.byteLength })
  return { id, size: bytes.byteLength }
}

/** The file the caller read: same inode, size and mtime (a rename changes none of them), a plain file with no other name. */
function isFileAsRead(st: BigIntStats, read: BlobAdoptFile['read'], size: number): boolean {
  return st.isFile() && st.nlink === 1n && st.dev === read.dev && st.ino === read.ino && st.size === read.size && st.size === BigInt(size) && st.mtimeNs === read.mtimeNs
}
