// The render pool's thread lifetime: no thread before the first render, the
// idle timer armed when the last band is done and disarmed by new work, and
// idle threads terminated when it fires (timers injected, fired by hand).
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../../../../node/log.ts'
import { parseScene, renderFramePixels } from '../../../../../node/renderers/builtin/index.ts'
import { type PoolTimers, RenderPool } from '../../../../../node/renderers/builtin/pool.ts'
import { SMALL, TINY_PATH } from './helpers.ts'

const tiny = parseScene(readFileSync(TINY_PATH))
const FULL = { x: 0, y: 0, width: SMALL.width, height: SMALL.height }

/** Timers that only fire when the test says so. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>()
  let next = 1
  const timers: PoolTimers = {
    setTimeout(fn, ms) {
      pending.set(next, { fn, ms })
      return next++
    },
    clearTimeout(handle) {
      pending.delete(handle as number)
    }
  }
  const fireAll = () => {
    const due = [...pending.values()]
    pending.clear()
    for (const t of due) t.fn()
  }
  return { timers, pending, fireAll }
}

describe('RenderPool thread lifetime', () => {
  let pool: RenderPool | undefined
  afterEach(async () => {
    await pool?.close()
    pool = undefined
  })

  it('starts no thread before the first render', () => {
    const { timers, pending } = manualTimers()
    pool = new RenderPool({ threads: 2, logger: silentLogger, timers })
    expect(pool.workerCount).toBe(0)
    expect(pending.size).toBe(0)
  })

  it('arms the idle timer when the render is done, and terminates every thread when it fires', async () => {
    const { timers, pending, fireAll } = manualTimers()
    pool = new RenderPool({ threads: 2, logger: silentLogger, idleMs: 1234, timers })
    const pixels = await pool.render(tiny, 1, SMALL, FULL)
    expect(Buffer.compare(pixels, renderFramePixels(tiny, 1, SMALL))).toBe(0)
    expect(pool.workerCount).toBe(2)
    expect([...pending.values()].map((t) => t.ms)).toEqual([1234])
    fireAll()
    await vi.waitFor(() => expect(pool?.workerCount).toBe(0), { timeout: 10_000 })
    // The next render starts fresh threads and gets the same pixels.
    const again = await pool.render(tiny, 1, SMALL, FULL)
    expect(Buffer.compare(again, pixels)).toBe(0)
    expect(pool.workerCount).toBe(2)
  })

  it('keeps the threads while work keeps coming: new work disarms the timer', async () => {
    const { timers, pending } = manualTimers()
    pool = new RenderPool({ threads: 2, logger: silentLogger, timers })
    await pool.render(tiny, 1, SMALL, FULL)
    expect(pending.size).toBe(1)
    const rendering = pool.render(tiny, 2, SMALL, FULL)
    expect(pending.size).toBe(0)
    await rendering
    expect(pending.size).toBe(1)
    expect(pool.workerCount).toBe(2)
  })

  it('trimIdle terminates idle threads now; close clears the timer', async () => {
    const { timers, pending } = manualTimers()
    pool = new RenderPool({ threads: 3, logger: silentLogger, timers })
    await pool.render(tiny, 1, SMALL, FULL)
    await pool.trimIdle()
    expect(pool.workerCount).toBe(0)
    expect(pending.size).toBe(0)
    await pool.render(tiny, 1, SMALL, FULL)
    expect(pending.size).toBe(1)
    await pool.close()
    expect(pending.size).toBe(0)
    expect(pool.workerCount).toBe(0)
  })
})
