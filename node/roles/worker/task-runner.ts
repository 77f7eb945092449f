// One leased task from start to commitment: fetch the scene, render the
// lease's frames in one renderFrames call (heartbeats running beside it),
// store every frame file (in the job's format) as a blob and hash its
// decoded pixels, a few frames at once, and commit the Merkle root to the
// creator. The creator later fetches the frames from our blob store, so the
// blobs stay; only the task's scratch folder is removed. `onRendered` tells
// the claim loop when the renderer is free, so the slot's next task can
// render while this one is stored and committed.
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
import type { Clock } from '../../clock.ts'
import { mkdirSync } from 'node:fs'
import { rm, rmdir } from 'node:fs/promises'
import { join, relative, isAbsolute } from 'node:path'
import { type FrameResult, fromHex, type JobAnnouncement, type Lease, merkleRoot, type ReplyCodeName, toHex } from '../../../protocol/index.ts'
import { readWholeFile } from '../../blobs/file-ops.ts'
import { remoteCopyOf } from '../../blobs/index.ts'
import type { BlobPutOptions, BlobStat, RemoteRef } from '../../blobs/types.ts'
import { decodeFrame, formatOf, pixelHash } from '../../images/index.ts'
import type { Logger } from '../../log.ts'
import { type RenderedFrame, type Renderer, renderSettingsOf } from '../../renderers/index.ts'
import { WorkerError } from './errors.ts'
import type { FrameTamper } from './frame-tamper.ts'
import type { CreatorRef } from './job-table.ts'
import { LeaseKeeper } from './lease-keeper.ts'
import type { SceneCache } from './scene-cache.ts'
import type { TaskClient } from './task-client.ts'
import { mapLimit } from '../../map-limit.ts'

export interface TaskRunnerDeps {
  client: TaskClient
  renderer: Renderer
  blobs: {
    put(bytes: Uint8Array, options?: BlobPutOptions): Promise<BlobStat>
    /** Stores the frames on the remote backend (Walrus) too; undefined when there is none. */
    publish?(ids: string[], options?: { signal?: AbortSignal }): Promise<Map<string, RemoteRef> | undefined>
  }
  scenes: Pick<SceneCache, 'acquire'>
  /** Scratch root; each task renders into its own folder below it. */
  workDir: string
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  logger: Logger
  /** Overrides the renewal period (tests). */
  renewEveryMs?: number
  /** Research seam (frame-tamper.ts), never set by production config: fakes pixels; the commitment stays true to them. */
  tamper?: FrameTamper
  /** On a ledger: records the accepted commitment on chain (the creator assigned the task there first). */
  commitOnChain?(jobId: string, taskIndex: number, merkleRoot: string): Promise<void>
}

export type TaskPhase = 'scene' | 'rendering' | 'storing' | 'committing'

export interface TaskOutcome {
  /**
   * committed: accepted for verification; rejected: the creator refused the
   * commitment; lost: the lease went elsewhere; stopped: the worker is
   * shutting down; timedOut: the render ran into the job's deadline.
   */
  status: 'committed' | 'rejected' | 'lost' | 'failed' | 'stopped' | 'timedOut'
  code?: ReplyCodeName
  reason: string
  framesDone: number
  merkleRoot?: string
  frames?: FrameResult[]
  /** failed: the creator could not be reached to commit (restarting?); says nothing about the job or this worker. */
  creatorUnreachable?: boolean
}

export interface RunTaskOptions {
  /** The worker's lifetime: aborted on stop. */
  signal: AbortSignal
  onProgress?(update: { phase: TaskPhase; framesDone: number }): void
  /** The render is over and its frames are on disk; storing and committing follow. Not called when the render fails. */
  onRendered?(): void
  /** Already renewing this lease (one fetched while the slot's previous task rendered): taken over, and stopped at the end. */
  keeper?: LeaseKeeper
}

/** Commit attempts on network errors: the render is the expensive part, a lost reply should not waste it. */
const COMMIT_ATTEMPTS = 3
/** The longest pause between two commit attempts. */
const COMMIT_RETRY_MAX_MS = 2_000
/** Frames decoded, hashed and stored at once: enough to overlap file I/O with decoding, few enough to bound memory (one decoded frame each). */
export const STORE_CONCURRENCY = 4
/** setTimeout's ceiling (about 24.8 days); a deadline further off than that needs no timer (timeout_stop_s is at most 7 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Aborts at the job's deadline (SPEC R53 step 7): past it the creator grants
 * no new lease, so the job is over and a render still running then is not
 * worth finishing. Undefined when there is no deadline to keep.
 */
export function renderCap(deadlineMs: number | undefined, nowMs: number): AbortSignal | undefined {
  if (deadlineMs === undefined || deadlineMs - nowMs > MAX_TIMER_MS) return undefined
  return AbortSignal.timeout(Math.max(0, deadlineMs - nowMs))
}

export async function runTask(deps: TaskRunnerDeps, job: { creator: CreatorRef; announcement: JobAnnouncement; deadlineMs?: number }, lease: Lease, opts: RunTaskOptions): Promise<TaskOutcome> {
  const a = job.announcement
  const log = deps.logger
  const keeper = opts.keeper ?? new LeaseKeeper({ client: deps.client, creator: job.creator, lease, now: deps.now, clock: deps.clock, logger: log, renewEveryMs: deps.renewEveryMs })
  const signal = AbortSignal.any([opts.signal, keeper.signal])
  // Only fetching and rendering are capped: frames already rendered are still stored and committed.
  const cap = renderCap(job.deadlineMs, deps.now())
  const renderSignal = cap === undefined ? signal : AbortSignal.any([signal, cap])
  const frames = frameList(lease)
  const dir = join(deps.workDir, `${toHex(lease.jobId).slice(0, 16)}-${lease.taskIndex}-${toHex(lease.leaseId)}`)
  const progress = (phase: TaskPhase) => opts.onProgress?.({ phase, framesDone: keeper.framesDone })
  if (opts.keeper === undefined) keeper.start()
  try {
    // Named after the lease id, fresh for every lease: nothing earlier can be
    // in it. Made synchronously: the slot's previous task may be storing its
    // frames right now, and an async mkdir would queue behind that work in
    // the thread pool while the renderer waits.
    mkdirSync(dir, { recursive: true })
    progress('scene')
    const scene = await deps.scenes.acquire({ id: toHex(a.sceneBlob), project: a.sceneProject, remote: remoteCopyOf(a.sceneWalrus, a.sceneSize) }, job.creator.peerId, renderSignal)
    let rendered: RenderedFrame[]
    try {
      progress('rendering')
      rendered = await deps.renderer.renderFrames({
        scenePath: scene.path,
        jobDir: scene.jobDir,
        frames,
        settings: deps.tamper?.renderSettings(renderSettingsOf(a)) ?? renderSettingsOf(a),
        outDir: dir,
        signal: renderSignal,
        onProgress: (p) => {
          keeper.framesDone = Math.max(keeper.framesDone, Math.min(p.framesDone, frames.length))
          progress('rendering')
        }
      })
    } finally {
      scene.release()
    }
    signal.throwIfAborted()
    keeper.framesDone = frames.length
    const outputs = orderedOutputs(rendered, frames, dir)
    opts.onRendered?.()
    progress('storing')
    await deps.tamper?.apply(outputs, { jobId: a.jobId, width: a.width, height: a.height })
    const results = await storeFrames(deps, outputs, a, signal)
    const root = merkleRoot(results)
    signal.throwIfAborted()
    progress('committing')
    const answer = await commit(deps, job.creator, keeper, results, root, signal)
    if (answer.code === 'ok' && deps.commitOnChain !== undefined) {
      await deps.commitOnChain(toHex(lease.jobId), lease.taskIndex, toHex(root)).catch((err) => log.warn('on-chain commitment failed', { taskIndex: lease.taskIndex, err }))
    }
    const outcome: TaskOutcome = { status: answer.code === 'ok' ? 'committed' : 'rejected', reason: answer.reason, framesDone: frames.length, merkleRoot: toHex(root), frames: results }
    if (answer.code !== 'ok') outcome.code = answer.code
    log.info(answer.code === 'ok' ? 'task committed' : 'commitment refused', { taskIndex: lease.taskIndex, frames: frames.length, code: answer.code, reason: answer.reason })
    return outcome
  } catch (err) {
    if (keeper.lostCode !== undefined) return { status: 'lost', code: keeper.lostCode, reason: reasonOf(keeper.signal.reason), framesDone: keeper.framesDone }
    if (opts.signal.aborted) return { status: 'stopped', reason: 'worker stopping', framesDone: keeper.framesDone }
    if (cap?.aborted) {
      // jobDone: the claim loop forgets the job, as when the creator says so.
      const reason = `render stopped at the job's deadline, ${new Date(job.deadlineMs!).toISOString()} (timeout_stop ${a.timeoutStopS}s): the creator leases no more of it`
      log.warn('task timed out', { taskIndex: lease.taskIndex, reason })
      return { status: 'timedOut', code: 'jobDone', reason, framesDone: keeper.framesDone }
    }
    log.warn('task failed', { taskIndex: lease.taskIndex, err })
    const failed: TaskOutcome = { status: 'failed', reason: reasonOf(err), framesDone: keeper.framesDone }
    if (err instanceof CommitUnreachableError) failed.creatorUnreachable = true
    return failed
  } finally {
    await keeper.stop()
    await removeTaskDir(dir).catch((err) => log.warn('cannot remove task folder', { dir, err }))
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

async function storeFrames(deps: TaskRunnerDeps, outputs: RenderedFrame[], a: JobAnnouncement, signal: AbortSignal): Promise<FrameResult[]> {
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
async function withRemoteRefs(deps: TaskRunnerDeps, results: FrameResult[], signal: AbortSignal): Promise<FrameResult[]> {
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

/** The commitment could not be delivered before the lease ran out: the creator is down or unreachable. */
class CommitUnreachableError extends WorkerError {
  constructor(cause: unknown) {
    super('CREATOR_UNREACHABLE', `commitment not delivered before the lease ran out: ${reasonOf(cause)}`, { cause })
  }
}

/**
 * Sends the commitment, again on network errors (at least COMMIT_ATTEMPTS
 * times, and on while the lease lasts: a creator restart takes seconds, and
 * a creator acknowledges a commitment it already holds once more).
 */
async function commit(deps: TaskRunnerDeps, creator: CreatorRef, keeper: LeaseKeeper, results: FrameResult[], root: Uint8Array, signal: AbortSignal) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.client.commit(creator, keeper.lease, results, root)
    } catch (err) {
      const pauseMs = Math.min(COMMIT_RETRY_MAX_MS, 500 * attempt)
      if (signal.aborted) throw err
      if (attempt >= COMMIT_ATTEMPTS && deps.now() + pauseMs >= keeper.lease.expiresMs) throw new CommitUnreachableError(err)
      deps.logger.debug('commit failed, retrying', { attempt, err })
      await new Promise((resolve) => setTimeout(resolve, pauseMs))
    }
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
