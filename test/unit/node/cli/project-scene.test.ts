import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeProjectManifest, parseProjectManifest } from '../../../../protocol/index.ts'
import { UserError } from '../../../../node/errors.ts'
import { prepareJob, prepareScene, submitJob } from '../../../../node/cli/job-client.ts'
import { type ProjectLimits, walkProjectFolder } from '../../../../node/cli/project-folder.ts'
import { chooseMain, readProject, uploadProject } from '../../../../node/cli/project-scene.ts'
import { buildZip } from './zip-fixture.ts'
import { type ProjectNode, startProjectNode } from './project-node.ts'

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')
const BLEND = Buffer.from('BLENDER-v304 not a real scene')
const WOOD = Buffer.alloc(5000, 3)

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-project-cli-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A folder holding `files` (path -> bytes); returns its path. */
async function folder(name: string, files: Record<string, Buffer | string>): Promise<string> {
  const root = join(dir, name)
  for (const [path, data] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), data)
  }
  await mkdir(root, { recursive: true })
  return root
}

async function usageLine(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(UserError)
  expect((err as Error).message).not.toContain('\n')
  return (err as Error).message
}

describe('project folders', () => {
  it('walks every file below the folder, by sorted relative path', async () => {
    const root = await folder('walk', { 'shot.blend': BLEND, 'textures/wood.png': WOOD, 'textures/deep/er/x.bin': 'x', 'a.txt': '' })
    const files = await walkProjectFolder(root)
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['a.txt', 0],
      ['shot.blend', BLEND.length],
      ['textures/deep/er/x.bin', 1],
      ['textures/wood.png', 5000]
    ])
  })

  it('refuses links, bad names and oversize trees with one line, while walking', async () => {
    const linked = await folder('linked', { 'shot.blend': BLEND, 'textures/wood.png': WOOD })
    await symlink('/etc/passwd', join(linked, 'textures', 'passwd.png'))
    expect(await usageLine(walkProjectFolder(linked))).toMatch(/textures\/passwd.png is a symbolic link: pictor does not follow links/)
    const linkedDir = await folder('linked-dir', { 'shot.blend': BLEND })
    await symlink('/etc', join(linkedDir, 'etc'))
    expect(await usageLine(walkProjectFolder(linkedDir))).toMatch(/etc is a symbolic link/)
    expect(await usageLine(walkProjectFolder(await folder('backslash', { 'shot.blend': BLEND, 'tex\\wood.png': WOOD })))).toMatch(/contains a backslash/)
    expect(await usageLine(walkProjectFolder(await folder('colon', { 'shot.blend': BLEND, 'ab:c.png': WOOD })))).toMatch(/contains ':'/)
    const small: ProjectLimits = { maxFiles: 2, maxFileBytes: 4000, maxTotalBytes: 4500 }
    expect(await usageLine(walkProjectFolder(await folder('many', { 'a.blend': 'a', 'b.png': 'b', 'c.png': 'c' }), small))).toMatch(/holds more than 2 files/)
    expect(await usageLine(walkProjectFolder(await folder('fat', { 'a.blend': 'a', 'wood.png': WOOD }), small))).toMatch(/wood.png is 5000 bytes, over the limit of 4000 for one file/)
    expect(await usageLine(walkProjectFolder(await folder('heavy', { 'a.blend': Buffer.alloc(3000), 'b.png': Buffer.alloc(3000) }), small))).toMatch(/holds more than 4500 bytes/)
  })

  it('picks the only top-level .blend, or --main, and says why it cannot', () => {
    expect(chooseMain(['shot.blend', 'libs/lib.blend', 'tex.png'], undefined, 'p')).toBe('shot.blend')
    expect(chooseMain(['a.blend', 'b.blend'], 'b.blend', 'p')).toBe('b.blend')
    expect(chooseMain(['libs/lib.blend', 'scenes/s.blend'], 'scenes/s.blend', 'p')).toBe('scenes/s.blend')
    const line = (fn: () => unknown) => {
      try {
        fn()
      } catch (err) {
        expect(err).toBeInstanceOf(UserError)
        return (err as Error).message
      }
      throw new Error('accepted')
    }
    expect(line(() => chooseMain(['a.blend', 'b.blend'], undefined, 'p'))).toBe('p has 2 .blend files at its top level (a.blend, b.blend): choose one with --main')
    expect(line(() => chooseMain(['scenes/s.blend', 'tex.png'], undefined, 'p'))).toBe('p has no .blend at its top level (it has scenes/s.blend): name the main one with --main path/to/shot.blend')
    expect(line(() => chooseMain(['a.blend'], 'b.blend', 'p'))).toBe('--main b.blend is not in p')
    expect(line(() => chooseMain(['a.png'], 'a.png', 'p'))).toBe('--main a.png is not a .blend file')
    expect(line(() => chooseMain(['a.blend'], '../a.blend', 'p'))).toMatch(/--main: path "..\/a.blend" has a '..' segment/)
  })

  it('reads a folder and the same files zipped into one manifest, and refuses case-only twins', async () => {
    const root = await folder('same', { 'shot.blend': BLEND, 'textures/wood.png': WOOD })
    const fromFolder = await readProject(root)
    const zip = join(dir, 'same.zip')
    await writeFile(zip, buildZip([{ name: 'shot.blend', data: BLEND }, { name: 'textures/', external: (0o040755 << 16) >>> 0 }, { name: 'textures/wood.png', data: WOOD, deflate: true }]))
    const fromZip = await readProject(zip)
    const expected = encodeProjectManifest({ main: 'shot.blend', files: [{ path: 'shot.blend', sha256: sha256(BLEND), size: BLEND.length }, { path: 'textures/wood.png', sha256: sha256(WOOD), size: WOOD.length }] })
    expect(fromFolder.manifest).toEqual({ id: sha256(expected), size: expected.length })
    expect(fromZip.manifest).toEqual(fromFolder.manifest)
    const twins = await folder('twins', { 'shot.blend': BLEND, 'Tex.png': 'a', 'tex.png': 'b' })
    expect(await usageLine(readProject(twins))).toMatch(/"Tex.png" and "tex.png" differ only in case/)
    expect(await usageLine(prepareScene(join(dir, 'single.blend'), { main: 'x.blend' }))).toBe('--main is for a project scene (a folder or a .zip)')
    expect(await usageLine(readProject(join(dir, 'nothing-here')))).toBe(`scene ${join(dir, 'nothing-here')} not found`)
    expect(await usageLine(prepareScene(join(dir, 'missing.zip')))).toBe(`scene ${join(dir, 'missing.zip')} not found`)
    const twice = join(dir, 'twice.zip')
    await writeFile(twice, buildZip([{ name: 'shot.blend', data: BLEND }, { name: 'tex.png', data: WOOD }, { name: 'tex.png', data: BLEND }]))
    expect(await usageLine(readProject(twice))).toBe(`${twice}: "tex.png" is listed twice`)
  })
})

describe('project upload', () => {
  let node: ProjectNode
  beforeEach(async () => {
    node = await startProjectNode()
  })
  afterEach(() => node.stop())

  it('uploads the files the node lacks, then the project, which the node stores as the manifest', async () => {
    const root = await folder('upload', { 'shot.blend': BLEND, 'textures/wood.png': WOOD, 'textures/copy.png': WOOD, 'empty.txt': '' })
    await node.store.put(BLEND)
    const project = await readProject(root)
    const stored = await uploadProject(node.client, project)
    expect(stored).toEqual(project.manifest)
    // shot.blend was stored already; the second copy of the texture is found after the first upload.
    expect(node.requests.filter((r) => r === 'POST /api/blobs')).toHaveLength(2)
    expect(node.requests.filter((r) => r.startsWith('GET /api/blobs/'))).toHaveLength(4)
    expect(node.requests.at(-1)).toBe('POST /api/projects')
    const manifest = parseProjectManifest(await readFile(node.store.pathOf(stored.id)))
    expect(manifest.files.map((f) => f.path)).toEqual(['empty.txt', 'shot.blend', 'textures/copy.png', 'textures/wood.png'])
    for (const f of manifest.files) expect(await node.store.stat(f.sha256)).toEqual({ id: f.sha256, size: f.size })
  })

  it('sends nothing at all for a hostile zip or a bad main .blend', async () => {
    const hostile = join(dir, 'hostile.zip')
    await writeFile(hostile, buildZip([{ name: 'shot.blend', data: BLEND }, { name: '../../.ssh/authorized_keys', data: Buffer.from('ssh-ed25519 AAAA') }]))
    const spec = { renderer: 'blender', frameStart: 1, frameEnd: 1, maxPrice: 1, width: 64, height: 36 }
    expect(await usageLine(submitJob(node.client, hostile, spec as never))).toMatch(/hostile.zip: entry "..\/..\/.ssh\/authorized_keys": path .* has a '..' segment/)
    const notBlend = await folder('not-blend', { 'shot.blend': 'just text', 'tex.png': WOOD })
    expect(await usageLine(prepareJob(notBlend, spec))).toMatch(/shot.blend: /)
    expect(await usageLine(prepareJob(await folder('builtin', { 'shot.blend': BLEND }), { ...spec, renderer: 'builtin' }))).toMatch(/is a Blender project: it needs --renderer blender, not builtin/)
    expect(node.requests).toEqual([])
  })
})
