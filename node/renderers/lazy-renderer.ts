// A renderer whose module loads on first use. The Blender renderer's code
// (execa, sharp and its libvips) is ~40 files and several MiB of resident
// memory that a node rendering with the built-in renderer never needs.
import type { Renderer } from './types.ts'

/** Delegates every call to the renderer `load` builds, loading it once, on the first call; close() before any call loads nothing. */
export function lazyRenderer(load: () => Promise<Renderer>): Renderer {
  let loaded: Promise<Renderer> | undefined
  const renderer = () => {
    loaded ??= load()
    return loaded
  }
  return {
    capabilities: async () => (await renderer()).capabilities(),
    benchmark: async (signal) => (await renderer()).benchmark(signal),
    renderFrames: async (request) => (await renderer()).renderFrames(request),
    renderCrop: async (request) => (await renderer()).renderCrop(request),
    close: async () => {
      // A renderer that never loaded has nothing to close.
      await loaded?.then((r) => r.close(), () => {})
    }
  }
}
