// Scenes on local disk for the renderer. Every task of a job renders the same
// scene, so it is fetched once (from the job's creator first: it always has
// it) and kept while tasks use it. The blob store verifies the content id,
// so a file here is exactly the announced scene. A project scene (a
// manifest) becomes a folder tree holding every file it lists; the lease
// names the main .blend inside it and the tree as the job folder.
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { raceAbort } from '../../abort.ts'
import { materialiseProject } from '../../blobs/project-tree.ts'
import { type AnnounceOptions, JOB_BLOB_ANNOUNCE } from '../../blobs/provider-announcements.ts'
import type { BlobGetOptions, RemoteCopy } from '../../blobs/types.ts'
import type { Logger } from '../../log.ts'

/** The part of the blob store the cache uses; NetworkedBlobStore takes `peers` to try before the DHT. */
export interface SceneBlobSource {
  getFile(id: string, path: string, options?: BlobGetOptions & { peers?: PeerId[]; remote?: RemoteCopy } & AnnounceOptions): Promise<void>
}

/** A fetched scene is announced only when large and its source was busy (provider-announcements.ts). */
const SCENE_ANNOUNCE = JOB_BLOB_ANNOUNCE

/** The scene a job announces: its blob, and where else that blob lives. */
export interface SceneRef {
  id: string
  /** The blob is a project manifest (a .blend plus the files it uses), not a scene file. */
  project: boolean
  remote?: RemoteCopy
}

export interface SceneLease {
  /** The scene file: for a project, its main .blend inside the tree. */
  path: string
  /** A project's tree: relative paths in the scene resolve here (RenderFramesRequest.jobDir). */
  jobDir?: string
  release(): void
}

interface Entry {
  /** The scene file, or the project's folder: removed whole on eviction. */
  base: string
  ready: Promise<string>
  users: number
}

export class SceneCache {
  private readonly entries = new Map<string, Entry>()
  private readonly blobs: SceneBlobSource
  private readonly dir: string
  private readonly logger: Logger
  private readonly maxIdle: number
  private lifetime = new AbortController()
  private generation = 0

  constructor(init: { blobs: SceneBlobSource; dir: string; logger: Logger; maxIdleScenes?: number }) {
    this.blobs = init.blobs
    this.dir = init.dir
    this.logger = init.logger
    // Idle scenes kept for jobs that may hand out more tasks; beyond this the least recently used go.
    this.maxIdle = init.maxIdleScenes ?? 8
  }

  /** Resolves with the scene's path; call release() once the render no longer reads it. */
  async acquire(scene: SceneRef, creator: PeerId, signal?: AbortSignal): Promise<SceneLease> {
    const { id: blobId } = scene
    // A blob read as a project and the same blob read as a file are different scenes.
    const id = scene.project ? `${blobId}.project` : blobId
    let entry = this.entries.get(id)
    if (entry === undefined) {
      // A fresh name per entry: an evicted copy being deleted can never remove the one a new task reads.
      const base = join(this.dir, `${id}.${++this.generation}`)
      // The transfer is shared by every task of the job, so it runs on the cache's lifetime, not one task's signal.
      const ready = this.fetch(scene, base, creator)
      entry = { base, ready, users: 0 }
      this.entries.set(id, entry)
      ready.catch(() => {
        if (this.entries.get(id) === entry) this.entries.delete(id)
      })
    }
    // Most recently used last.
    this.entries.delete(id)
    this.entries.set(id, entry)
    entry.users++
    const held = entry
    let released = false
    const release = () => {
      if (released) return
      released = true
      held.users--
      this.evict()
    }
    let path: string
    try {
      path = await raceAbort(held.ready, signal)
    } catch (err) {
      release()
      throw err
    }
    return scene.project ? { path, jobDir: held.base, release } : { path, release }
  }

  /** Clears copies an earlier run left behind (a crash skips stop()). */
  async start(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true })
  }

  /** Aborts transfers and deletes the copies; the blob store keeps the scenes themselves. */
  async stop(): Promise<void> {
    this.lifetime.abort(new Error('scene cache stopping'))
    this.lifetime = new AbortController()
    this.entries.clear()
    await rm(this.dir, { recursive: true, force: true })
  }

  /** Resolves with the scene file's path: `base` itself, or the main .blend of the tree written at `base`. */
  private async fetch(scene: SceneRef, base: string, creator: PeerId): Promise<string> {
    const { id } = scene
    await mkdir(this.dir, { recursive: true })
    const started = Date.now()
    const signal = this.lifetime.signal
    if (!scene.project) {
      await this.blobs.getFile(id, base, { peers: [creator], signal, remote: scene.remote, ...SCENE_ANNOUNCE })
      this.logger.debug('scene fetched', { id, ms: Date.now() - started })
      return base
    }
    const manifest = `${base}.manifest`
    try {
      const spread = { peers: [creator], signal, ...SCENE_ANNOUNCE }
      await this.blobs.getFile(id, manifest, { ...spread, remote: scene.remote })
      const main = await materialiseProject(manifest, base, (file, dest, remote) => this.blobs.getFile(file.sha256, dest, { ...spread, remote }), { signal })
      this.logger.debug('project scene fetched', { id, ms: Date.now() - started })
      return main
    } finally {
      await rm(manifest, { force: true })
    }
  }

  private evict(): void {
    const idle = [...this.entries].filter(([, e]) => e.users === 0)
    for (const [id, entry] of idle.slice(0, Math.max(0, idle.length - this.maxIdle))) {
      this.entries.delete(id)
      void entry.ready.then(() => rm(entry.base, { recursive: true, force: true })).catch(() => {})
    }
  }
}
