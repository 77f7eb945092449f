// The checker on a project scene: the tree is written into the check's own
// folder, every re-render opens the main file inside it with the tree as
// its job folder, and the folder is gone afterwards.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { announcementOf, encodeProjectManifest, signEnvelope, validateJobSpec } from '../../../../../protocol/index.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { createBuiltinRenderer } from '../../../../../node/renderers/builtin/index.ts'
import type { RenderCropRequest, Renderer } from '../../../../../node/renderers/types.ts'
import { checkTask } from '../../../../../node/roles/checker/check-task.ts'
import { CheckerError } from '../../../../../node/roles/checker/errors.ts'
import { creatorSeed, ed, Files, opened, requestBytes, SCENE, workerRenders } from './fixtures.ts'

let renderer: Renderer
let root: string
beforeAll(async () => {
  renderer = createBuiltinRenderer({ threads: 2 })
  root = await mkdtemp(join(tmpdir(), 'pictor-check-project-'))
})
afterAll(async () => {
  await renderer.close()
  await rm(root, { recursive: true, force: true })
})

/** A job whose scene is a project: the builtin test scene as its main file, plus a texture. */
async function projectJob(files: Files) {
  const wood = join(root, 'wood.png')
  await writeFile(wood, Buffer.alloc(777, 5))
  const mainId = await files.add(SCENE)
  const woodId = await files.add(wood)
  const manifest = encodeProjectManifest({ main: 'shots/main.blend', files: [{ path: 'shots/main.blend', sha256: mainId, size: (await stat(SCENE)).size }, { path: 'textures/wood.png', sha256: woodId, size: 777 }] })
  const manifestPath = join(root, 'manifest.json')
  await writeFile(manifestPath, manifest)
  const sceneBlob = await files.add(manifestPath)
  const spec = validateJobSpec({ renderer: 'builtin', sceneBlob, sceneSize: manifest.length, sceneProject: true, frameStart: 1, frameEnd: 4, framesPerTask: 4, width: 64, height: 36, samples: 4, seed: 9, maxPrice: 1000 })
  const announcement = announcementOf(spec, { creatorPublicKey: ed.publicKey(creatorSeed), nonce: new Uint8Array(16).fill(9), addrs: [], timestampMs: Date.now() })
  return { job: { announcement, envelope: signEnvelope(ed, creatorSeed, 'JobAnnouncement', announcement) }, woodId }
}

/** The builtin renderer, recording each crop request and what its job folder held at that moment. */
function recording(seen: { request: RenderCropRequest; wood: string }[]): Renderer {
  return {
    capabilities: () => renderer.capabilities(),
    benchmark: (signal) => renderer.benchmark(signal),
    renderFrames: (request) => renderer.renderFrames(request),
    renderCrop: async (request) => {
      seen.push({ request, wood: (await readFile(join(request.jobDir!, 'textures', 'wood.png'))).toString('hex', 0, 2) })
      return renderer.renderCrop(request)
    },
    close: async () => {}
  }
}

describe('checkTask on a project scene', () => {
  it('re-renders the main file inside the tree written in its work folder, then removes it', async () => {
    const files = new Files()
    const { job } = await projectJob(files)
    const committed = await workerRenders(renderer, files, job.announcement, 0, join(root, 'worker'))
    const seen: { request: RenderCropRequest; wood: string }[] = []
    const workDir = join(root, 'check')
    const outcome = await checkTask({ fetcher: files.fetcher(), rendererFor: () => recording(seen), workDir, logger: silentLogger }, opened(requestBytes(job, committed, { level: 'full' })), AbortSignal.timeout(60_000))
    expect(outcome, outcome.reason).toMatchObject({ accepted: true })
    expect(seen.length).toBeGreaterThan(0)
    for (const { request, wood } of seen) {
      expect(request.jobDir).toBe(join(workDir, 'scene'))
      expect(request.scenePath).toBe(join(workDir, 'scene', 'shots', 'main.blend'))
      expect(wood).toBe('0505')
    }
    await expect(stat(workDir)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('is unavailable, not a verdict, when a project file cannot be fetched', async () => {
    const files = new Files()
    const { job, woodId } = await projectJob(files)
    const committed = await workerRenders(renderer, files, job.announcement, 0, join(root, 'worker2'))
    files.paths.delete(woodId)
    const workDir = join(root, 'check2')
    const err = await checkTask({ fetcher: files.fetcher(), rendererFor: () => renderer, workDir, logger: silentLogger }, opened(requestBytes(job, committed, { level: 'full' })), AbortSignal.timeout(60_000)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CheckerError)
    expect(err).toMatchObject({ code: 'FETCH_FAILED', message: expect.stringMatching(/^cannot fetch the project scene: no provider for /) })
    await expect(stat(workDir)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
