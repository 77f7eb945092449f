// lazyRenderer: the wrapped renderer is built on the first call, once, and
// every call reaches it; closing one that was never used builds nothing.
import { describe, expect, it } from 'vitest'
import { lazyRenderer } from '../../../../node/renderers/lazy-renderer.ts'
import type { Renderer } from '../../../../node/renderers/types.ts'

function fakeRenderer(calls: string[]): Renderer {
  const called = <T>(name: string, value: T): T => {
    calls.push(name)
    return value
  }
  return {
    capabilities: async () => called('capabilities', { name: 'fake', version: '1', engines: [], devices: [], maxSamples: 1 }),
    benchmark: async () => called('benchmark', 42),
    renderFrames: async (r) => called('renderFrames', r.frames.map((frame) => ({ frame, path: `${r.outDir}/${frame}` }))),
    renderCrop: async (r) => called('renderCrop', { frame: r.frame, path: `${r.outDir}/crop` }),
    close: async () => called('close', undefined)
  }
}

const SETTINGS = { width: 4, height: 4, samples: 1, seed: 1 }

describe('lazyRenderer', () => {
  it('builds the renderer once, on the first call, and delegates every method', async () => {
    const calls: string[] = []
    let loads = 0
    const renderer = lazyRenderer(async () => {
      loads++
      return fakeRenderer(calls)
    })
    expect(loads).toBe(0)
    expect((await renderer.capabilities()).name).toBe('fake')
    expect(await renderer.benchmark()).toBe(42)
    expect(await renderer.renderFrames({ scenePath: 's', frames: [1, 2], settings: SETTINGS, outDir: 'o' })).toEqual([
      { frame: 1, path: 'o/1' },
      { frame: 2, path: 'o/2' }
    ])
    expect(await renderer.renderCrop({ scenePath: 's', frame: 3, crop: { x: 0, y: 0, width: 1, height: 1 }, settings: SETTINGS, outDir: 'o' })).toEqual({ frame: 3, path: 'o/crop' })
    await renderer.close()
    expect(loads).toBe(1)
    expect(calls).toEqual(['capabilities', 'benchmark', 'renderFrames', 'renderCrop', 'close'])
  })

  it('closes without building a renderer that was never used', async () => {
    let loads = 0
    const renderer = lazyRenderer(async () => {
      loads++
      return fakeRenderer([])
    })
    await renderer.close()
    expect(loads).toBe(0)
  })

  it('rejects every call with the load failure, and still closes', async () => {
    const renderer = lazyRenderer(async () => {
      throw new Error('no blender module')
    })
    await expect(renderer.capabilities()).rejects.toThrow('no blender module')
    await expect(renderer.benchmark()).rejects.toThrow('no blender module')
    await expect(renderer.close()).resolves.toBeUndefined()
  })
})
