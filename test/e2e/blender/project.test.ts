// A Blender project (a .blend whose texture lives in a subfolder, referenced
// as //textures/wood.png) across the local testnet: submitted as a folder
// with `pictor job submit` and as a .zip through the job client, rendered by
// a Blender worker, checked by a Blender checker, and every frame equal to a
// bare command-line Blender render of the same folder, pixel for pixel.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../../node/api/client.ts'
import { downloadFrames, prepareJob, prepareScene, submitJob, waitForJob } from '../../../node/cli/job-client.ts'
import type { JobView } from '../../../node/roles/creator/index.ts'
import { Testnet } from '../../../testnet/launcher.ts'
import { buildZip, type FixtureEntry } from '../../unit/node/cli/zip-fixture.ts'
import { pictor } from '../helpers/cli.ts'
import { cliRender, findBlenderForTests, pixels, runScript, TEST_SETTINGS } from './helpers.ts'

const blender = await findBlenderForTests()
let dir: string
let testnet: Testnet | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-blend-project-'))
})
afterAll(async () => {
  await testnet?.stop()
  await rm(dir, { recursive: true, force: true })
})

/** Every file below `root` as a zip entry under `prefix`. */
async function zipEntries(root: string, prefix: string): Promise<FixtureEntry[]> {
  const entries: FixtureEntry[] = []
  for (const name of (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())) {
    const path = join(name.parentPath, name.name)
    entries.push({ name: `${prefix}${relative(root, path)}`, data: await readFile(path), deflate: true })
  }
  return entries
}

async function expectBareFrames(job: JobView, client: ApiClient, out: string, bare: string): Promise<void> {
  expect(job.status).toBe('completed')
  // Every frame went through the Blender checker, which re-rendered it from its own copy of the tree.
  expect(job.frames.every((f) => f.status === 'succeeded' && (f.checkedBy?.length ?? 0) > 0 && f.unchecked !== true), JSON.stringify(job.frames)).toBe(true)
  const paths = await downloadFrames(client, job, out)
  expect(paths).toHaveLength(2)
  for (const [i, path] of paths.entries()) {
    const got = await pixels(path)
    expect(got.width).toBe(TEST_SETTINGS.width)
    expect(got.data.equals((await pixels(join(bare, `f00000${i + 1}.png`))).data), `frame ${i + 1}`).toBe(true)
  }
}

describe.skipIf(blender === undefined)('a Blender project on the testnet', () => {
  it('renders a folder and a zip of it like a bare Blender renders the folder', async () => {
    const project = join(dir, 'project')
    await runScript(blender!.path, 'make_project_scene.py', project)
    await cliRender(blender!.path, join(project, 'shot.blend'), join(dir, 'bare', 'f'), [1, 2])
    // The texture matters: the .blend alone renders differently.
    await mkdir(join(dir, 'alone'))
    await copyFile(join(project, 'shot.blend'), join(dir, 'alone', 'shot.blend'))
    await cliRender(blender!.path, join(dir, 'alone', 'shot.blend'), join(dir, 'alone', 'f'), [1])
    expect((await pixels(join(dir, 'alone', 'f000001.png'))).data.equals((await pixels(join(dir, 'bare', 'f000001.png'))).data)).toBe(false)

    testnet = new Testnet({ workers: 1, checkers: 1, logLevel: 'warn', extraArgs: { worker: ['--renderer', 'blender', '--threads', '1'], checker: ['--threads', '1'] } })
    await testnet.start()
    await testnet.waitReady()
    const creatorDir = testnet.node('creator').dataDir
    const client = await ApiClient.fromDataDir(creatorDir)
    const flags = ['--frames', '1-2', '--frames-per-task', '1', '--resolution', `${TEST_SETTINGS.width}x${TEST_SETTINGS.height}`, '--samples', '8', '--seed', '42', '--max-price', '100000', '--engine', 'CYCLES', '--device', 'CPU', '--data-dir', creatorDir]

    // A link in the folder is refused with one line, before anything is uploaded.
    const linked = join(dir, 'linked')
    await mkdir(linked)
    await copyFile(join(project, 'shot.blend'), join(linked, 'shot.blend'))
    await symlink('/etc/passwd', join(linked, 'passwd.png'))
    const refused = await pictor(['job', 'submit', linked, ...flags])
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/^pictor: .*passwd.png is a symbolic link: pictor does not follow links in a project, copy the file in instead\n$/) })

    const submitted = await pictor(['job', 'submit', project, ...flags])
    expect(submitted.code, submitted.stderr).toBe(0)
    const folderJob = await waitForJob(client, submitted.stdout.match(/^[0-9a-f]{64}$/m)![0], () => {})
    expect(folderJob.spec.sceneProject).toBe(true)
    await expectBareFrames(folderJob, client, join(dir, 'from-folder'), join(dir, 'bare'))

    // The same tree one folder down in a zip: the main .blend is named, and its // paths resolve beside it.
    const zip = join(dir, 'project.zip')
    await writeFile(zip, buildZip(await zipEntries(project, 'proj/')))
    const scene = await prepareScene(zip, { main: 'proj/shot.blend' })
    const spec = await prepareJob(scene, { renderer: 'blender', frameStart: 1, frameEnd: 2, framesPerTask: 1, ...TEST_SETTINGS, maxPrice: 100_000, engine: 'CYCLES', device: 'CPU' })
    const zipJob = await waitForJob(client, (await submitJob(client, scene, spec)).id, () => {})
    expect(zipJob.spec.sceneBlob).not.toBe(folderJob.spec.sceneBlob)
    await expectBareFrames(zipJob, client, join(dir, 'from-zip'), join(dir, 'bare'))
  })
})
