import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeProjectManifest, fromHex } from '../../../../../protocol/index.ts'
import { SceneCache, type SceneBlobSource } from '../../../../../node/roles/worker/scene-cache.ts'
import { TaskClient } from '../../../../../node/roles/worker/task-client.ts'
import { runTask } from '../../../../../node/roles/worker/task-runner.ts'
import { announcement, creatorRef, ed, FakeCreator, FakeRenderer, leaseFor, logger, MapBlobs, seedOf } from './fakes.ts'

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')
const CREATOR = creatorRef(seedOf(0x22)).peerId
const FILES: Record<string, string> = { 'shot.blend': 'BLEND', 'textures/wood.png': 'WOOD', 'caches/fluid/f001.vdb': 'VDB' }

/** Blobs by id, as the creator serves them; records what was fetched. */
class ProjectBlobs extends MapBlobs implements SceneBlobSource {
  readonly served = new Map<string, string | Uint8Array>()
  readonly asked: string[] = []

  override async getFile(id: string, path: string) {
    this.asked.push(id)
    const data = this.served.get(id)
    if (data === undefined) throw new Error(`blob ${id} not found`)
    await writeFile(path, data, { flag: 'wx' })
  }

  /** Serves the project's files and manifest; returns the manifest id. */
  project(files: Record<string, string>, main = 'shot.blend'): string {
    for (const data of Object.values(files)) this.served.set(sha256(data), data)
    const manifest = encodeProjectManifest({ main, files: Object.entries(files).map(([path, data]) => ({ path, sha256: sha256(data), size: data.length })) })
    this.served.set(sha256(manifest), manifest)
    return sha256(manifest)
  }
}

describe('scene cache: project scenes', () => {
  let dir: string
  let blobs: ProjectBlobs
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-scenes-'))
    blobs = new ProjectBlobs()
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('writes the tree once, leases its main .blend with the tree as job folder, and evicts the whole tree', async () => {
    const cache = new SceneCache({ blobs, dir: join(dir, 'scenes'), logger, maxIdleScenes: 0 })
    const id = blobs.project(FILES)
    const [a, b] = await Promise.all([cache.acquire({ id, project: true }, CREATOR), cache.acquire({ id, project: true }, CREATOR)])
    expect(a.path).toBe(join(a.jobDir!, 'shot.blend'))
    expect(b.jobDir).toBe(a.jobDir)
    expect(await readFile(join(a.jobDir!, 'textures', 'wood.png'), 'utf8')).toBe('WOOD')
    expect(await readFile(join(a.jobDir!, 'caches', 'fluid', 'f001.vdb'), 'utf8')).toBe('VDB')
    expect(blobs.asked.filter((x) => x === id)).toHaveLength(1)
    // Only the tree is left: the manifest copy is gone.
    expect(await readdir(join(dir, 'scenes'))).toHaveLength(1)
    a.release()
    b.release()
    // Eviction removes the tree in the background.
    for (let i = 0; i < 200 && (await readdir(join(dir, 'scenes'))).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await readdir(join(dir, 'scenes'))).toEqual([])
    await cache.stop()
  })

  it('leaves nothing of a project it could not fetch, and tries again on the next acquire', async () => {
    const cache = new SceneCache({ blobs, dir: join(dir, 'scenes'), logger })
    const id = blobs.project(FILES)
    const wood = sha256('WOOD')
    blobs.served.delete(wood)
    await expect(cache.acquire({ id, project: true }, CREATOR)).rejects.toThrow(`blob ${wood} not found`)
    expect(await readdir(join(dir, 'scenes'))).toEqual([])
    blobs.served.set(wood, 'WOOD')
    const lease = await cache.acquire({ id, project: true }, CREATOR)
    expect((await stat(lease.path)).size).toBe(5)
    // The same blob as a plain scene is another entry, a plain file with no job folder.
    const plain = await cache.acquire({ id, project: false }, CREATOR)
    expect(plain.jobDir).toBeUndefined()
    expect((await stat(plain.path)).isFile()).toBe(true)
    await cache.stop()
  })

  it('makes the task runner render the main .blend inside its tree', async () => {
    const id = blobs.project(FILES, 'shot.blend')
    const creator = new FakeCreator()
    const renderer = new FakeRenderer()
    const seed = seedOf(0x11)
    const client = new TaskClient({ ed, seed, publicKey: ed.publicKey(seed), rpc: creator.rpc, now: Date.now })
    const scenes = new SceneCache({ blobs, dir: join(dir, 'scenes'), logger })
    const lease = leaseFor(ed.publicKey(seed))
    creator.current = lease
    const a = announcement({ sceneBlob: Uint8Array.from(fromHex(id)), sceneProject: true, sceneSize: 10 })
    const outcome = await runTask({ client, renderer, blobs, scenes, workDir: join(dir, 'tasks'), now: Date.now, logger }, { creator: creator.ref, announcement: a }, lease, { signal: new AbortController().signal })
    expect(outcome.status).toBe('committed')
    const request = renderer.requests[0]!
    expect(request.jobDir).toBeDefined()
    expect(request.scenePath).toBe(join(request.jobDir!, 'shot.blend'))
    await scenes.stop()
  })
})
