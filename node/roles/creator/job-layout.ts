// How a JobRecord lies in the node's LevelDB (job-store.ts does the writing):
// split so that a change to one task costs a write the size of that task,
// not of the job. Per job:
//   <id>/h            header: every job-level field (spec, disputes, ledger
//                     terms…) but the per-worker ones, and the task count
//   <id>/w/<worker>   one worker's admitted bid and what it is owed, so that
//                     a job with thousands of bidders costs one small write
//                     per bid or payment, not a header naming all of them
//   <id>/t/<index>    one task's hot state: its TaskState, its attempt
//                     timings and the frame records of its frames
//   <id>/e/<index>    one task's signed results (pending and verified
//                     commitments, the bulk of a job's bytes); absent when
//                     the task has none
// Frames go with the task whose range holds them: compileJob partitions the
// job's frames into contiguous task ranges, so each frame has one task.
// Pure: records in, plain JSON parts out, and back.
import type { TaskState } from '../../../protocol/index.ts'
import type { PendingResult } from './committed-result.ts'
import { JobStoreError } from './errors.ts'
import type { AdmittedWorker, FrameRecord, JobRecord } from './job-record.ts'
import type { TaskAttempt } from './timing.ts'

/** The per-task maps of a JobRecord: they live in the task and envelope parts, not the header. */
type TaskMaps = 'tasks' | 'frames' | 'pending' | 'verified' | 'timings'
/** The per-worker maps: they live in the worker parts. */
type WorkerMaps = 'admitted' | 'paid'

export interface JobHeader {
  /** Headers written before the worker parts also hold the per-worker maps. */
  job: Omit<JobRecord, TaskMaps | WorkerMaps> & Partial<Pick<JobRecord, WorkerMaps>>
  taskCount: number
  /** Whether the record has these optional maps at all (absent and empty read back as they were). */
  maps: { verified: boolean; timings: boolean }
}

export interface TaskPart {
  task: TaskState
  /** The accepted frames of this task's range, by frame number; omitted when none. */
  frames?: Record<string, FrameRecord>
  timings?: TaskAttempt[]
}

export interface EnvelopePart {
  pending?: PendingResult
  verified?: PendingResult
}

/** `paid` absent: owed nothing yet. */
export interface WorkerPart {
  admitted?: AdmittedWorker
  paid?: string
}

/** Task indexes are zero-padded so a job's parts list in task order. */
const INDEX_DIGITS = 8

export const headerKey = (id: string): string => `${id}/h`
export const taskKey = (id: string, index: number): string => `${id}/t/${String(index).padStart(INDEX_DIGITS, '0')}`
export const envelopeKey = (id: string, index: number): string => `${id}/e/${String(index).padStart(INDEX_DIGITS, '0')}`
export const workerKey = (id: string, worker: string): string => `${id}/w/${worker}`

/** What a stored key names: a job's header, a task's part (index) or a worker's part (worker, a hex key); undefined for a key this layout never writes. */
export type PartName = { id: string; kind: 'h' } | { id: string; kind: 't' | 'e'; index: number } | { id: string; kind: 'w'; worker: string }

export function parseKey(key: string): PartName | undefined {
  const [id, kind, at, ...rest] = key.split('/')
  if (id === undefined || id === '' || rest.length > 0) return undefined
  if (kind === 'h' && at === undefined) return { id, kind }
  if ((kind === 't' || kind === 'e') && at !== undefined && /^\d{1,15}$/.test(at)) return { id, kind, index: Number(at) }
  if (kind === 'w' && at !== undefined && /^[0-9a-f]{2,128}$/.test(at)) return { id, kind, worker: at }
  return undefined
}

export function headerOf(job: JobRecord): JobHeader {
  const { tasks, frames: _f, pending: _p, verified, timings, admitted: _a, paid: _paid, ...rest } = job
  return { job: rest, taskCount: tasks.length, maps: { verified: verified !== undefined, timings: timings !== undefined } }
}

/** Undefined when the job neither admitted the worker nor owes it anything. */
export function workerPartOf(job: JobRecord, worker: string): WorkerPart | undefined {
  const admitted = job.admitted[worker]
  const paid = job.paid[worker]
  if (admitted === undefined && paid === undefined) return undefined
  return { ...(admitted === undefined ? {} : { admitted }), ...(paid === undefined ? {} : { paid }) }
}

/** Every worker the job has a part for. */
export const workersOf = (job: Pick<JobRecord, WorkerMaps>): Set<string> => new Set([...Object.keys(job.admitted), ...Object.keys(job.paid)])

export function taskPartOf(job: JobRecord, index: number): TaskPart {
  const task = job.tasks[index]
  let frames: Record<string, FrameRecord> | undefined
  for (let f = task.frameStart; f <= task.frameEnd; f++) {
    const frame = job.frames[f]
    if (frame === undefined) continue
    frames ??= {}
    frames[f] = frame
  }
  const timings = job.timings?.[index]
  return { task, ...(frames === undefined ? {} : { frames }), ...(timings === undefined ? {} : { timings }) }
}

/** Undefined when the task has no signed result to keep. */
export function envelopePartOf(job: JobRecord, index: number): EnvelopePart | undefined {
  const pending = job.pending[index]
  const verified = job.verified?.[index]
  if (pending === undefined && verified === undefined) return undefined
  return { ...(pending === undefined ? {} : { pending }), ...(verified === undefined ? {} : { verified }) }
}

/** The stored parts of one job. */
export interface JobParts {
  header?: JobHeader
  tasks: Map<number, TaskPart>
  envelopes: Map<number, EnvelopePart>
  workers: Map<string, WorkerPart>
}

export const noParts = (): JobParts => ({ tasks: new Map(), envelopes: new Map(), workers: new Map() })

/**
 * The record the parts were split from. Parts are written in atomic
 * batches, so a missing one means the database was damaged: that is said
 * in one line rather than resumed with tasks missing.
 */
export function assembleJob(id: string, parts: JobParts): JobRecord {
  const header = parts.header
  if (header === undefined) throw new JobStoreError(`job ${id} has task entries but no header in the node's database`)
  const tasks: TaskState[] = []
  const frames: Record<string, FrameRecord> = {}
  const pending: Record<string, PendingResult> = {}
  const verified: Record<string, PendingResult> = {}
  const timings: Record<string, TaskAttempt[]> = {}
  for (let i = 0; i < header.taskCount; i++) {
    const part = parts.tasks.get(i)
    if (part === undefined) throw new JobStoreError(`job ${id} is missing task ${i} of ${header.taskCount} in the node's database`)
    tasks.push(part.task)
    Object.assign(frames, part.frames)
    if (part.timings !== undefined) timings[i] = part.timings
    const envelopes = parts.envelopes.get(i)
    if (envelopes?.pending !== undefined) pending[i] = envelopes.pending
    if (envelopes?.verified !== undefined) verified[i] = envelopes.verified
  }
  // A header of the earlier layout holds these maps itself (and there are no worker parts yet).
  const admitted: Record<string, AdmittedWorker> = { ...header.job.admitted }
  const paid: Record<string, string> = { ...header.job.paid }
  for (const [worker, part] of parts.workers) {
    if (part.admitted !== undefined) admitted[worker] = part.admitted
    if (part.paid !== undefined) paid[worker] = part.paid
  }
  return {
    ...header.job,
    admitted,
    paid,
    tasks,
    frames,
    pending,
    ...(header.maps.verified ? { verified } : {}),
    ...(header.maps.timings ? { timings } : {})
  }
}
