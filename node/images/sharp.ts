// sharp (libvips) is loaded on first use, not at start: it costs ~18 MiB of
// resident memory and a native library load that an idle node (a worker
// waiting for its first task, a creator before its first result) does not
// need. The module system keeps it once loaded.
import type sharpFn from 'sharp'

export type Sharp = typeof sharpFn

/** The sharp function, loading the module on the first call. */
export async function loadSharp(): Promise<Sharp> {
  return (await import('sharp')).default
}
