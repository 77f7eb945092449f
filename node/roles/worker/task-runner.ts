// One leased task from start to commitment: the task's frames are produced
// (a FrameProducer: on a node, disk-frames.ts fetches the scene, renders and
// stores every frame as a blob) with heartbeats running beside it, and the
// Merkle root over them is committed to the creator. `onRendered` tells the
// claim loop when the renderer is free, so the slot's next task can render
// while this one is stored and committed.
import { type Clock, systemClock } from '../../clock.ts'
import { type FrameResult, type JobAnnouncement, type Lease, merkleRoot, type ReplyCodeName, toHex } from '../../../protocol/index.ts'
import type { Logger } from '../../log.ts'
import { type DiskFrameDeps, diskFrames, type FrameProducer, frameList } from './disk-frames.ts'
import { WorkerError } from './errors.ts'
import type { CreatorRef } from './job-table.ts'
import { LeaseKeeper } from './lease-keeper.ts'
import type { TaskClient } from './task-client.ts'

export { frameList } from './disk-frames.ts'

interface TaskRunnerCore {
  client: TaskClient
  now(): number
  /** Timers; the system clock when absent. */
  clock?: Clock
  logger: Logger
  /** Overrides the renewal period (tests). */
  renewEveryMs?: number
  /** On a ledger: records the accepted commitment on chain (the creator assigned the task there first). */
  commitOnChain?(jobId: string, taskIndex: number, merkleRoot: string): Promise<void>
}

/** Where the frames come from: a FrameProducer, or the disk's parts (renderer, blob store, scene cache, scratch folder) for diskFrames. */
export type TaskRunnerDeps = TaskRunnerCore & ({ frames: FrameProducer } | (DiskFrameDeps & { frames?: undefined }))

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
/** setTimeout's ceiling (about 24.8 days); a deadline further off than that needs no timer (timeout_stop_s is at most 7 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Aborts at the job's deadline (SPEC R53 step 7): past it the creator grants
 * no new lease, so the job is over and a render still running then is not
 * worth finishing. Undefined when there is no deadline to keep.
 */
export function renderCap(deadlineMs: number | undefined, nowMs: number, clock: Clock = systemClock): AbortSignal | undefined {
  if (deadlineMs === undefined || deadlineMs - nowMs > MAX_TIMER_MS) return undefined
  return clock.timeoutSignal(Math.max(0, deadlineMs - nowMs))
}

export async function runTask(deps: TaskRunnerDeps, job: { creator: CreatorRef; announcement: JobAnnouncement; deadlineMs?: number }, lease: Lease, opts: RunTaskOptions): Promise<TaskOutcome> {
  const a = job.announcement
  const log = deps.logger
  const producer = deps.frames ?? diskFrames(deps)
  const keeper = opts.keeper ?? new LeaseKeeper({ client: deps.client, creator: job.creator, lease, now: deps.now, clock: deps.clock, logger: log, renewEveryMs: deps.renewEveryMs })
  const signal = AbortSignal.any([opts.signal, keeper.signal])
  // Only fetching and rendering are capped: frames already rendered are still stored and committed.
  const cap = renderCap(job.deadlineMs, deps.now(), deps.clock)
  const renderSignal = cap === undefined ? signal : AbortSignal.any([signal, cap])
  const frames = frameList(lease)
  const progress = (phase: TaskPhase) => opts.onProgress?.({ phase, framesDone: keeper.framesDone })
  if (opts.keeper === undefined) keeper.start()
  try {
    const results = await producer.produce(job, lease, {
      renderSignal,
      signal,
      onPhase: progress,
      onFramesDone: (done) => {
        keeper.framesDone = Math.max(keeper.framesDone, done)
        progress('rendering')
      },
      onRendered: () => opts.onRendered?.()
    })
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
      await (deps.clock ?? systemClock).sleep(pauseMs)
    }
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
