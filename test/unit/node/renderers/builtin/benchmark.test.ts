// The benchmark runs in a child process: the score comes back, and the
// calling process is left without a render thread (threads' memory is not
// returned to the system when they end; a child's is when it exits).
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../../../../node/log.ts'
import { createBuiltinRenderer } from '../../../../../node/renderers/builtin/index.ts'
import { benchSecondsInChild } from '../../../../../node/renderers/builtin/benchmark.ts'

describe('builtin benchmark', () => {
  it('scores in a child process and leaves this process no render thread', async () => {
    const renderer = createBuiltinRenderer({ threads: 2, logger: silentLogger })
    try {
      const score = await renderer.benchmark()
      expect(Number.isInteger(score)).toBe(true)
      expect(score).toBeGreaterThan(0)
      expect(renderer.workerCount).toBe(0)
    } finally {
      await renderer.close()
    }
  })

  it('stops the child on abort and rejects with the reason', async () => {
    const controller = new AbortController()
    const reason = new Error('stopping')
    const measuring = benchSecondsInChild(1, controller.signal)
    controller.abort(reason)
    await expect(measuring).rejects.toBe(reason)
  })

  it('refuses a closed renderer', async () => {
    const renderer = createBuiltinRenderer({ threads: 1, logger: silentLogger })
    await renderer.close()
    await expect(renderer.benchmark()).rejects.toMatchObject({ code: 'RENDERER_CLOSED' })
  })
})
