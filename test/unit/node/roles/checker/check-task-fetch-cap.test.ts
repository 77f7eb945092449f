// The checker fetches each committed frame capped at what a frame of the
// job can be (maxFrameBytes), not at the 512 MiB blob cap.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maxFrameBytes } from '../../../../../node/images/index.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { checkTask } from '../../../../../node/roles/checker/check-task.ts'
import { createBuiltinRenderer } from '../../../../../node/renderers/builtin/index.ts'
import type { Renderer } from '../../../../../node/renderers/types.ts'
import { toHex } from '../../../../../protocol/index.ts'
import { Files, jobFor, opened, requestBytes, workerRenders } from './fixtures.ts'

let renderer: Renderer
let root: string

beforeAll(async () => {
  renderer = createBuiltinRenderer({ threads: 1 })
  root = await mkdtemp(join(tmpdir(), 'pictor-check-cap-'))
})
afterAll(async () => {
  await renderer.close()
  await rm(root, { recursive: true, force: true })
})

describe('checkTask fetch cap', () => {
  it('asks for every frame with maxBytes = the largest honest frame of the job', async () => {
    const files = new Files()
    const job = await jobFor(files, { frames: 2, framesPerTask: 2 })
    const committed = await workerRenders(renderer, files, job.announcement, 0, join(root, 'worker'))
    const caps = new Map<string, number | undefined>()
    const inner = files.fetcher()
    const fetcher = {
      fetch: (id: string, signal: AbortSignal, remote?: Parameters<typeof inner.fetch>[2], maxBytes?: number) => {
        caps.set(id, maxBytes)
        return inner.fetch(id, signal, remote, maxBytes)
      }
    }
    const outcome = await checkTask({ fetcher, rendererFor: () => renderer, workDir: join(root, 'check'), logger: silentLogger }, opened(requestBytes(job, committed)), AbortSignal.timeout(60_000))
    expect(outcome, outcome.reason).toMatchObject({ accepted: true })
    for (const f of committed.commitment.frames) expect(caps.get(toHex(f.blobId))).toBe(maxFrameBytes('PNG', 64, 36))
  })
})
