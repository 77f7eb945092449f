// The blobs a LocalBlobStore hashed since it started, so a read of an
// unchanged file need not hash it again (BlobVerify 'once').
import type { BigIntStats } from 'node:fs'
import { RecentMap } from '../net/recent-map.ts'
import type { BlobId } from './types.ts'

/**
 * Blobs this store hashed since it started, with what their file looked
 * like then. A write, truncate, replace or touch of the file changes its
 * inode, size or timestamps, and the entry no longer matches. Bounded: the
 * oldest entry goes first, and a forgotten file is simply hashed again.
 */
export class VerifiedFiles {
  private readonly files: RecentMap<BlobId, FileIdentity>

  constructor(max: number) {
    this.files = new RecentMap(max)
  }

  remember(id: BlobId, st: BigIntStats): void {
    this.files.update(id, () => identityOf(st))
  }

  matches(id: BlobId, st: BigIntStats): boolean {
    const known = this.files.get(id)
    if (known === undefined) return false
    const now = identityOf(st)
    return known.dev === now.dev && known.ino === now.ino && known.size === now.size && known.mtimeNs === now.mtimeNs && known.ctimeNs === now.ctimeNs
  }

  forget(id: BlobId): void {
    this.files.delete(id)
  }
}

interface FileIdentity {
  dev: bigint
  ino: bigint
  size: bigint
  mtimeNs: bigint
  ctimeNs: bigint
}

function identityOf(st: BigIntStats): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs }
}
