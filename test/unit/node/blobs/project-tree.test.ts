import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeProjectManifest, type ProjectFile } from '../../../../protocol/index.ts'
import { materialiseProject, type ProjectFileWriter, ProjectTreeError } from '../../../../node/blobs/project-tree.ts'

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')
const REF = { blobId: 'M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk', parts: true, offset: 5 }

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-tree-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** A manifest on disk for `contents` (path -> bytes), and a writer serving those bytes by id. */
async function project(contents: Record<string, string>, main = 'shot.blend'): Promise<{ manifest: string; files: ProjectFile[]; write: ProjectFileWriter; calls: string[] }> {
  const files = Object.entries(contents).map(([path, data]) => ({ path, sha256: sha256(data), size: Buffer.byteLength(data), ...(data === '' ? {} : { walrus: REF }) }))
  const byId = new Map(Object.values(contents).map((d) => [sha256(d), d]))
  const manifest = join(dir, 'manifest.json')
  await writeFile(manifest, encodeProjectManifest({ main, files }))
  const calls: string[] = []
  const write: ProjectFileWriter = async (file, dest, remote) => {
    calls.push(file.path)
    expect(remote).toEqual({ ref: REF, size: file.size })
    await writeFile(dest, byId.get(file.sha256)!, { flag: 'wx' })
  }
  return { manifest, files, write, calls }
}

async function treeError(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(ProjectTreeError)
  expect((err as Error).message).not.toContain('\n')
  return (err as Error).message
}

describe('materialiseProject', () => {
  it('writes every file under a fresh folder and returns the main .blend inside it', async () => {
    const p = await project({ 'scenes/shot.blend': 'BLEND', 'textures/wood.png': 'WOOD', 'textures/deep/a.bin': 'A', 'empty.txt': '' }, 'scenes/shot.blend')
    const root = join(dir, 'trees', 'one')
    const main = await materialiseProject(p.manifest, root, p.write, { concurrency: 2 })
    expect(main).toBe(join(root, 'scenes', 'shot.blend'))
    expect(await readFile(join(root, 'textures', 'wood.png'), 'utf8')).toBe('WOOD')
    expect(await readFile(join(root, 'textures', 'deep', 'a.bin'), 'utf8')).toBe('A')
    expect((await stat(join(root, 'empty.txt'))).size).toBe(0)
    // Empty files are written here, not fetched.
    expect(p.calls.sort()).toEqual(['scenes/shot.blend', 'textures/deep/a.bin', 'textures/wood.png'])
  })

  it('refuses a folder that exists, and a manifest that is not canonical or names a way out', async () => {
    const p = await project({ 'shot.blend': 'BLEND' })
    const root = join(dir, 'taken')
    await mkdir(root)
    await writeFile(join(root, 'keep'), 'x')
    await expect(materialiseProject(p.manifest, root, p.write)).rejects.toMatchObject({ code: 'EEXIST' })
    expect(await readdir(root)).toEqual(['keep'])
    const hostile = join(dir, 'hostile.json')
    await writeFile(hostile, `{"pictor":"project/1","main":"shot.blend","files":[{"path":"../escape.blend","sha256":"${'ab'.repeat(32)}","size":1},{"path":"shot.blend","sha256":"${'ab'.repeat(32)}","size":1}]}`)
    expect(await treeError(materialiseProject(hostile, join(dir, 'h'), p.write))).toMatch(/has a '..' segment/)
    await writeFile(hostile, ` ${await readFile(p.manifest, 'utf8')}`)
    expect(await treeError(materialiseProject(hostile, join(dir, 'h'), p.write))).toBe('project manifest is not in canonical form')
    expect(await readdir(dir)).not.toContain('h')
    expect(p.calls).toEqual([])
  })

  it('stops at a link planted inside the tree, writes nothing through it and removes the tree', async () => {
    const outside = join(dir, 'outside')
    await mkdir(outside)
    const p = await project({ 'a.png': 'A', 'shot.blend': 'BLEND', 'sub/x.png': 'X' })
    const root = join(dir, 'linked')
    const write: ProjectFileWriter = async (file, dest, remote) => {
      await p.write(file, dest, remote)
      if (file.path === 'a.png') await symlink(outside, join(root, 'sub'))
    }
    expect(await treeError(materialiseProject(p.manifest, root, write, { concurrency: 1 }))).toBe('project file "sub/x.png" would be written outside its folder')
    expect(await readdir(outside)).toEqual([])
    await expect(stat(root)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('refuses a file written twice or with the wrong size, and a failing fetch, removing the tree', async () => {
    const p = await project({ 'a.png': 'A', 'b.png': 'B', 'shot.blend': 'BLEND' })
    const clash: ProjectFileWriter = async (file, dest, remote) => {
      await p.write(file, dest, remote)
      if (file.path === 'a.png') await writeFile(join(dest, '..', 'b.png'), 'B')
    }
    expect(await treeError(materialiseProject(p.manifest, join(dir, 'clash'), clash, { concurrency: 1 }))).toBe('project file "b.png" collides with another file of the project')
    const short: ProjectFileWriter = async (_file, dest) => writeFile(dest, 'xx')
    // One at a time: with several files written at once, whichever finishes first is the one refused.
    expect(await treeError(materialiseProject(p.manifest, join(dir, 'short'), short, { concurrency: 1 }))).toMatch(/"a.png" was written with 2 bytes, the manifest says 1/)
    let after = 0
    const failing: ProjectFileWriter = async (file, dest, remote) => {
      if (file.path === 'a.png') throw new Error('no peer has it')
      after++
      await p.write(file, dest, remote)
    }
    await expect(materialiseProject(p.manifest, join(dir, 'failing'), failing, { concurrency: 1 })).rejects.toThrow('no peer has it')
    expect(after).toBe(0)
    expect((await readdir(dir)).sort()).toEqual(['manifest.json'])
  })

  it('stops when aborted', async () => {
    const p = await project({ 'shot.blend': 'BLEND' })
    const signal = AbortSignal.abort(new Error('task over'))
    await expect(materialiseProject(p.manifest, join(dir, 'aborted'), p.write, { signal })).rejects.toThrow('task over')
    await expect(stat(join(dir, 'aborted'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
