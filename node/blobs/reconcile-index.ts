// At start, the blob index is made to agree with the files, which are the
// truth: a complete file without an entry (a crash between rename and index
// write) gets one, and an entry without its file (deleted behind the
// store's back) goes.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobIndex } from './blob-index.ts'
import { statFile } from './file-ops.ts'
import { isBlobId } from './ids.ts'
import type { BlobId } from './types.ts'

/** Blobs live under `<root>/<first 2 hex>/<id>`. Returns how many entries were written or removed. */
export async function reconcileIndex(index: BlobIndex, root: string, pathOf: (id: BlobId) => string): Promise<number> {
  let repaired = 0
  for (const shard of await readdir(root)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue
    for (const name of await readdir(join(root, shard))) {
      if (!isBlobId(name) || name.slice(0, 2) !== shard) continue
      if (await index.has(name)) continue
      const st = await stat(join(root, shard, name))
      await index.ensure(name, st.size)
      repaired++
    }
  }
  for await (const id of index.keys()) {
    if (!isBlobId(id) || (await statFile(pathOf(id))) === undefined) {
      await index.del(id)
      repaired++
    }
  }
  return repaired
}
