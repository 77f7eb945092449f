// How a JobRecord lies in the node's LevelDB (job-store.ts does the writing):
// split so that a change to one task costs a write the size of that task,
// not of the job. Per job:
//   <id>/h            header: every job-level field (spec, admitted workers,
//                     payments, disputes, ledger terms…) and the task count
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
import type { FrameRecord, JobRecord } from './job-record.ts'
import type { TaskAttempt } from './timing.ts'

/** The per-task maps of a JobRecord: they live in the task and envelope parts, not the header. */
type TaskMaps = 'tasks' | 'frames' | 'pending' | 'verified' | 'timings'

export interface JobHeader {
  job: Omit<JobRecord, TaskMaps>
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

export type PartKind = 'h' | 't' | 'e'

/** Task indexes are zero-padded so a job's parts list in task order. */
const INDEX_DIGITS = 8

export const headerKey = (id: string): string => `${id}/h`
export const taskKey = (id: string, index: number): string => `${id}/t/${String(index).padStart(INDEX_DIGITS, '0')}`
export const envelopeKey = (id: string, index: number): string => `${id}/e/${String(index).padStart(INDEX_DIGITS, '0')}`

/** The job, kind and task index a stored key names; undefined for a key this layout never writes. */
export function parseKey(key: string): { id: string; kind: PartKind; index: number } | undefined {
  const [id, kind, index, ...rest] = key.split('/')
  if (id === undefined || id === '' || rest.length > 0) return undefined
  if (kind === 'h' && index === undefined) return { id, kind, index: -1 }
  if ((kind === 't' || kind === 'e') && index !== undefined && /^\d{1,15}$/.test(index)) return { id, kind, index: Number(index) }
  return undefined
}

export function headerOf(job: JobRecord): JobHeader {
  const { tasks, frames: _f, pending: _p, verified, timings, ...rest } = job
  return { job: rest, taskCount: tasks.length, maps: { verified: verified !== undefined, timings: timings !== undefined } }
}

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
}

export const noParts = (): JobParts => ({ tasks: new Map(), envelopes: new Map() })

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
  return {
    ...header.job,
    tasks,
    frames,
    pending,
    ...(header.maps.verified ? { verified } : {}),
    ...(header.maps.timings ? { timings } : {})
  }
}
