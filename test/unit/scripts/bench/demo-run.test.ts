// The demo-overhead bench renders what `npm start` renders: demoSettings()
// reads testnet/demo.ts's declarations (a change there fails here first).
import { access } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { demoSettings } from '../../../../scripts/bench/lib/demo-run.ts'

describe('demoSettings', () => {
  it("reads the demo's job, scene and worker threads from testnet/demo.ts", async () => {
    const demo = await demoSettings()
    await access(demo.scene)
    expect(demo.frameEnd).toBeGreaterThanOrEqual(demo.frameStart)
    for (const n of [demo.width, demo.height, demo.samples, demo.workers, demo.threadsPerWorker]) expect(Number.isInteger(n) && n > 0).toBe(true)
    expect(Number.isInteger(demo.seed)).toBe(true)
  })
})
