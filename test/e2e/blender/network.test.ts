// A real .blend job across the local testnet: Blender workers render it, a
// Blender-capable checker samples it, and the frames the creator hands back
// equal a bare command-line Blender render of the same scene.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../../node/api/client.ts'
import { downloadFrames, prepareJob, submitJob, waitForJob } from '../../../node/cli/job-client.ts'
import { Testnet } from '../../../testnet/launcher.ts'
import { cliRender, findBlenderForTests, pixels, runScript, TEST_SETTINGS } from './helpers.ts'

const blender = await findBlenderForTests()
let dir: string
let testnet: Testnet | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-blend-net-'))
})
afterAll(async () => {
  await testnet?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe.skipIf(blender === undefined)('a .blend job on the testnet', () => {
  it('renders across Blender workers and matches a direct Blender render', async () => {
    await runScript(blender!.path, 'make_test_scene.py', join(dir, 'scenes'))
    const scene = join(dir, 'scenes', 'packed.blend')
    testnet = new Testnet({ workers: 2, checkers: 1, logLevel: 'warn', extraArgs: { worker: ['--renderer', 'blender', '--threads', '1'], checker: ['--threads', '1'] } })
    await testnet.start()
    await testnet.waitReady()
    const client = await ApiClient.fromDataDir(testnet.node('creator').dataDir)
    const spec = await prepareJob(scene, { renderer: 'blender', frameStart: 1, frameEnd: 3, framesPerTask: 1, ...TEST_SETTINGS, maxPrice: 100_000, engine: 'CYCLES', device: 'CPU' })
    const job = await submitJob(client, scene, spec)
    const done = await waitForJob(client, job.id, () => {})
    expect(done.status).toBe('completed')
    const paths = await downloadFrames(client, done, join(dir, 'network'))
    expect(paths).toHaveLength(3)
    await cliRender(blender!.path, scene, join(dir, 'cli', 'f'), [1, 2, 3])
    for (const [i, path] of paths.entries()) {
      const reference = await pixels(join(dir, 'cli', `f00000${i + 1}.png`))
      const got = await pixels(path)
      expect(got.width).toBe(TEST_SETTINGS.width)
      expect(got.data.equals(reference.data), `frame ${i + 1}`).toBe(true)
    }
    expect((await readFile(paths[0])).includes(Buffer.from(dir))).toBe(false)
  })
})
