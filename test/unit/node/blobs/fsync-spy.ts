// Counts the fsyncs blob-store writes ask for: every one goes through
// syncFd (node/blobs/file-ops.ts), which calls node:fs fsync. vi.mock is
// hoisted above imports, so a test file that counts them declares
//   vi.mock('node:fs', async (original) => (await import('./fsync-spy.ts')).withCountedFsync(await original()))
// and reads the count from `vi.mocked(fsync)`.
import { vi } from 'vitest'

export function withCountedFsync<T extends { fsync: (...args: never[]) => unknown }>(fs: T): T {
  return { ...fs, fsync: vi.fn(fs.fsync) }
}
