// Scenes on local disk for the renderer. Every task of a job renders the same
// scene, so it is fetched once (from the job's creator first: it always has
// it) and kept while tasks use it. The blob store verifies the content id,
// so a file here is exactly the announced scene.
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { raceAbort } from '../../abort.ts'
import type { BlobGetOptions, RemoteCopy } from '../../blobs/types.ts'
import type { Logger } from '../../log.ts'

/** The part of the blob store the cache uses; NetworkedBlobStore takes `peers` to try before the DHT. */
export interface SceneBlobSource {
  getFile(id: string, path: string, options?: BlobGetOptions & { peers?: PeerId[]; remote?: RemoteCopy }): Promise<void>
}

/** The scene a job announces: its blob, and where else that blob lives. */
export interface SceneRef {
  id: string
  /** The blob is a project manifest (a .blend plus the files it uses), not a scene file. */
  project: boolean
  remote?: RemoteCopy
}

export interface SceneLease {
  path: string
  release(): void
}

interface Entry {
  path: string
  ready: Promise<void>
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
    const { id } = scene
    let entry = this.entries.get(id)
    if (entry === undefined) {
      // A fresh name per entry: an evicted copy being deleted can never remove the one a new task reads.
      const path = join(this.dir, `${id}.${++this.generation}`)
      // The transfer is shared by every task of the job, so it runs on the cache's lifetime, not one task's signal.
      const ready = this.fetch(scene, path, creator)
      entry = { path, ready, users: 0 }
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
    try {
      await raceAbort(held.ready, signal)
    } catch (err) {
      release()
      throw err
    }
    return { path: held.path, release }
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

  private async fetch(scene: SceneRef, path: string, creator: PeerId): Promise<void> {
    const { id } = scene
    await mkdir(this.dir, { recursive: true })
    const started = Date.now()
    await this.blobs.getFile(id, path, { peers: [creator], signal: this.lifetime.signal, remote: scene.remote })
    this.logger.debug('scene fetched', { id, ms: Date.now() - started })
  }

  private evict(): void {
    const idle = [...this.entries].filter(([, e]) => e.users === 0)
    for (const [id, entry] of idle.slice(0, Math.max(0, idle.length - this.maxIdle))) {
      this.entries.delete(id)
      void entry.ready.then(() => rm(entry.path, { force: true })).catch(() => {})
    }
  }
}
