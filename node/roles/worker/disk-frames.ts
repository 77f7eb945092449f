// How a node produces a leased task's frames: fetch the scene, render the
// lease's frames in one renderFrames call into a folder of their own, store
// every frame file (in the job's format) as a blob and hash its decoded
// pixels, a few frames at once. The creator later fetches the frames from
// our blob store, so the blobs stay; only the task's scratch folder is
// removed.
//
// Frames are stored without fsync (`durable: false`): a frame can be
// rendered again, and the commitment goes out only once every frame is
// stored and readable, so a crash before it loses at most the lease.
//
// Each frame file is read once; the blob store then moves that file into
// place (`adopt`) rather than writing a copy of the bytes. This relies on
// the renderer being done with the folder when renderFrames resolves
// (nothing writes to a frame file after that), and the store checks the
// file is still the one read (inode, size, mtime), copying the bytes if not.
// The task folder is then empty, and removing it takes one rmdir.
import { mkdirSync } from 'node:fs'
import { rm, rmdir } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { type FrameResult, fromHex, type JobAnnouncement, type Lease, toHex } from '../../../protocol/index.ts'
import { readWholeFile } from '../../blobs/file-ops.ts'
import { remoteCopyOf } from '../../blobs/index.ts'
import type { BlobPutOptions, BlobStat, RemoteRef } from '../../blobs/types.ts'
import { decodeFrame, formatOf, pixelHash } from '../../images/index.ts'
import type { Logger } from '../../log.ts'
import { mapLimit } from '../../map-limit.ts'
import { type RenderedFrame, type Renderer, renderSettingsOf } from '../../renderers/index.ts'
import { WorkerError } from './errors.ts'
import type { FrameTamper } from './frame-tamper.ts'
import type { CreatorRef } from './job-table.ts'
import type { SceneCache } from './scene-cache.ts'

/** Frames decoded, hashed and stored at once: enough to overlap file I/O with decoding, few enough to bound memory (one decoded frame each). */
export const STORE_CONCURRENCY = 4

/** What producing a task's frames is told while it runs. */
export interface FrameRun {
  /** Fetching and rendering stop on this (the lease lost, the worker stopping, the job's deadline). */
  renderSignal: AbortSignal
  /** Storing stops on this only: frames already rendered are still stored. */
  signal: AbortSignal
  onPhase(phase: 'scene' | 'rendering' | 'storing'): void
  /** Frames rendered so far. */
  onFramesDone(framesDone: number): void
  /** The renderer is done with the task; storing follows. */
  onRendered(): void
}

/** Turns a lease into stored frames, in frame order: on a node the disk (diskFrames), in the simulator a model. */
export interface FrameProducer {
  produce(job: { creator: CreatorRef; announcement: JobAnnouncement }, lease: Lease, run: FrameRun): Promise<FrameResult[]>
}

export interface DiskFrameDeps {
  renderer: Renderer
  blobs: {
    put(bytes: Uint8Array, options?: BlobPutOptions): Promise<BlobStat>
    /** Stores the frames on the remote backend (Walrus) too; undefined when there is none. */
    publish?(ids: string[], options?: { signal?: AbortSignal }): Promise<Map<string, RemoteRef> | undefined>
  }
  scenes: Pick<SceneCache, 'acquire'>
  /** Scratch root; each task renders into its own folder below it. */
  workDir: string
  logger: Logger
  /** Research seam (frame-tamper.ts), never set by production config: fakes pixels; the commitment stays true to them. */
  tamper?: FrameTamper
}

export function diskFrames(deps: DiskFrameDeps): FrameProducer {
  return {
    async produce(job, lease, run) {
      const a = job.announcement
      const frames = frameList(lease)
      const dir = join(deps.workDir, `${toHex(lease.jobId).slice(0, 16)}-${lease.taskIndex}-${toHex(lease.leaseId)}`)
      try {
        // Named after the lease id, fresh for every lease: nothing earlier can be
        // in it. Made synchronously: the slot's previous task may be storing its
        // frames right now, and an async mkdir would queue behind that work in
        // the thread pool while the renderer waits.
        mkdirSync(dir, { recursive: true })
        run.onPhase('scene')
        const scene = await deps.scenes.acquire({ id: toHex(a.sceneBlob), project: a.sceneProject, remote: remoteCopyOf(a.sceneWalrus, a.sceneSize) }, job.creator.peerId, run.renderSignal)
        let rendered: RenderedFrame[]
        try {
          run.onPhase('rendering')
          rendered = await deps.renderer.renderFrames({
            scenePath: scene.path,
            jobDir: scene.jobDir,
            frames,
            settings: deps.tamper?.renderSettings(renderSettingsOf(a)) ?? renderSettingsOf(a),
            outDir: dir,
            signal: run.renderSignal,
            onProgress: (p) => run.onFramesDone(Math.min(p.framesDone, frames.length))
          })
        } finally {
          scene.release()
        }
        run.signal.throwIfAborted()
        run.onFramesDone(frames.length)
        const outputs = orderedOutputs(rendered, frames, dir)
        run.onRendered()
        run.onPhase('storing')
        await deps.tamper?.apply(outputs, { jobId: a.jobId, width: a.width, height: a.height })
        return await storeFrames(deps, outputs, a, run.signal)
      } finally {
        await removeTaskDir(dir).catch((err) => deps.logger.warn('cannot remove task folder', { dir, err }))
      }
    }
  }
}

/** Empty once every frame was moved into the blob store: one rmdir. Whatever is left (a failed task's frames) goes with it. */
async function removeTaskDir(dir: string): Promise<void> {
  try {
    await rmdir(dir)
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return
    await rm(dir, { recursive: true, force: true })
  }
}

export function frameList(lease: Pick<Lease, 'frameStart' | 'frameEnd'>): number[] {
  const frames: number[] = []
  for (let f = lease.frameStart; f <= lease.frameEnd; f++) frames.push(f)
  return frames
}

/** The renderer's outputs in frame order; exactly the leased frames, each inside the task folder. */
function orderedOutputs(rendered: RenderedFrame[], frames: number[], dir: string): RenderedFrame[] {
  const byFrame = new Map<number, RenderedFrame>()
  for (const out of rendered) {
    const rel = relative(dir, out.path)
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new WorkerError('BAD_RENDER', `frame ${out.frame} was written outside the task folder`)
    if (byFrame.has(out.frame)) throw new WorkerError('BAD_RENDER', `frame ${out.frame} was rendered twice`)
    byFrame.set(out.frame, out)
  }
  return frames.map((frame) => {
    const out = byFrame.get(frame)
    if (out === undefined) throw new WorkerError('BAD_RENDER', `renderer produced no output for frame ${frame}`)
    return out
  })
}

async function storeFrames(deps: DiskFrameDeps, outputs: RenderedFrame[], a: JobAnnouncement, signal: AbortSignal): Promise<FrameResult[]> {
  const format = formatOf(a)
  const results = await mapLimit(outputs, STORE_CONCURRENCY, async (out): Promise<FrameResult> => {
    signal.throwIfAborted()
    // Read once: the bytes are decoded and hashed from memory (a frame is bounded by the job's size).
    const { bytes, st: read } = await readWholeFile(out.path)
    const [decoded, stat] = await Promise.all([
      // The checker hashes decoded pixels too, so a frame that does not decode
      // in the job's format at its exact size is our failure to find now, not theirs later.
      decodeFrame(bytes, format, { width: a.width, height: a.height }),
      // The creator and checkers fetch frames from this worker by name: no DHT announcement needed.
      // The file is ours and the renderer is done with it: the store may move it instead of copying.
      deps.blobs.put(bytes, { signal, announce: false, durable: false, adopt: { path: out.path, read } })
    ])
    return { frame: out.frame, blobId: fromHex(stat.id) as Uint8Array<ArrayBuffer>, pixelHash: pixelHash(decoded) as Uint8Array<ArrayBuffer>, size: stat.size }
  })
  return await withRemoteRefs(deps, results, signal)
}

/**
 * Publishes the task's frames to the remote backend (one Walrus object for
 * the task) and names where each lives. A failed publish is not a failed
 * task: the frames are still served by this worker, so the commitment goes
 * out without refs.
 */
async function withRemoteRefs(deps: DiskFrameDeps, results: FrameResult[], signal: AbortSignal): Promise<FrameResult[]> {
  if (deps.blobs.publish === undefined) return results
  try {
    const refs = await deps.blobs.publish(results.map((r) => toHex(r.blobId)), { signal })
    if (refs === undefined) return results
    return results.map((r) => {
      const ref = refs.get(toHex(r.blobId))
      return ref === undefined ? r : { ...r, walrus: ref }
    })
  } catch (err) {
    signal.throwIfAborted()
    deps.logger.warn('frames not published remotely; peers still fetch them from this worker', { err })
    return results
  }
}
