// Counts the fsyncs blob-store writes ask for: every FileHandle shares one
// prototype, so a spy on its `sync` sees them all.
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { vi } from 'vitest'

export async function spyOnFileSync() {
  const probe = await open(tmpdir(), 'r')
  const spy = vi.spyOn(Object.getPrototypeOf(probe), 'sync')
  await probe.close()
  return spy
}
