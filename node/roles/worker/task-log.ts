// What the worker is doing and has done, for GET /api/worker/tasks,
// `pictor worker tasks` and the free-slot count in offers. Each task is
// written to the worker's kv when its lease starts and again when it ends,
// so the history survives a restart; a task the kv still has as running at
// start-up was cut off by a crash and shows as interrupted.
import { type Lease, type PricedFrames, taskCost, toHex } from '../../../protocol/index.ts'
import type { Logger } from '../../log.ts'
import { WorkerError } from './errors.ts'
import type { KvOp, WorkerKv } from './kv.ts'
import type { TaskOutcome, TaskPhase } from './task-runner.ts'

export interface TaskRecord {
  jobId: string
  taskIndex: number
  leaseId: string
  frameStart: number
  frameEnd: number
  /** Micro-PIC per reference frame, as leased. */
  price: number
  /** Micro-PIC the lease pays for all its frames once they are accepted (protocol taskCost at the lease price), decimal: it can pass 2^53. */
  reward: string
  /** interrupted: the node stopped without finishing it (a crash or a kill). */
  status: TaskPhase | TaskOutcome['status'] | 'interrupted'
  framesDone: number
  startedMs: number
  finishedMs?: number
  code?: string
  reason?: string
  merkleRoot?: string
}

export interface TaskTotals {
  committed: number
  failed: number
  lost: number
}

export interface TaskSnapshot {
  current: TaskRecord[]
  recent: TaskRecord[]
  totals: TaskTotals
}

/** Keys sort by start time (zero-padded ms), so the kv hands the history back in order. */
const PREFIX = 'task:'
const PREFIX_END = 'task;'
const TOTALS_KEY = 'task-totals'
export const TASK_HISTORY_KEEP = 1000

/** `?limit=` of GET /api/worker/tasks: how many finished tasks to list (default: all kept). */
export function parseTaskLimit(text: string | null): number | undefined {
  if (text === null) return undefined
  const n = Number(text)
  if (!/^\d{1,4}$/.test(text) || n < 1 || n > TASK_HISTORY_KEEP) throw new WorkerError('BAD_INPUT', `limit must be an integer from 1 to ${TASK_HISTORY_KEEP}, got "${text.slice(0, 20)}"`)
  return n
}

function keyOf(r: Pick<TaskRecord, 'startedMs' | 'leaseId'>): string {
  return `${PREFIX}${String(r.startedMs).padStart(15, '0')}:${r.leaseId}`
}

/** Our own writes, but a damaged or older database must not break the task list. */
function isTaskRecord(value: unknown): value is TaskRecord {
  const r = value as Partial<TaskRecord> | null
  return typeof r === 'object' && r !== null && typeof r.jobId === 'string' && typeof r.leaseId === 'string' && Number.isSafeInteger(r.startedMs) && typeof r.status === 'string'
}

export interface TaskLogInit {
  kv: WorkerKv
  logger: Logger
  /** Finished tasks kept, in memory and on disk; older ones are deleted. */
  keep?: number
}

export class TaskLog {
  private readonly kv: WorkerKv
  private readonly log: Logger
  private readonly keep: number
  private readonly running = new Set<TaskRecord>()
  /** Newest first. */
  private done: TaskRecord[] = []
  private totals: TaskTotals = { committed: 0, failed: 0, lost: 0 }

  constructor(init: TaskLogInit) {
    this.kv = init.kv
    this.log = init.logger
    this.keep = init.keep ?? TASK_HISTORY_KEEP
  }

  /** Reads the history back; call before the first task starts. */
  async load(): Promise<void> {
    const records: TaskRecord[] = []
    const excess: string[] = []
    for await (const [key, value] of this.kv.iterator({ gte: PREFIX, lt: PREFIX_END, reverse: true })) {
      if (!isTaskRecord(value) || records.length >= this.keep) excess.push(key)
      else records.push(value.finishedMs === undefined ? { ...value, status: 'interrupted', reason: 'the node stopped before the task finished' } : value)
    }
    for (const key of excess) await this.kv.del(key)
    const totals = (await this.kv.get(TOTALS_KEY)) as Partial<TaskTotals> | undefined
    this.totals = { committed: Number(totals?.committed) || 0, failed: Number(totals?.failed) || 0, lost: Number(totals?.lost) || 0 }
    this.done = records
    this.running.clear()
  }

  async begin(lease: Lease, job: PricedFrames, now: number): Promise<TaskRecord> {
    const record: TaskRecord = {
      jobId: toHex(lease.jobId),
      taskIndex: lease.taskIndex,
      leaseId: toHex(lease.leaseId),
      frameStart: lease.frameStart,
      frameEnd: lease.frameEnd,
      price: lease.price,
      reward: taskCost(lease.price, job, lease.frameEnd - lease.frameStart + 1).toString(),
      status: 'scene',
      framesDone: 0,
      startedMs: now
    }
    this.running.add(record)
    await this.write([putRecord(record)])
    return record
  }

  async finish(record: TaskRecord, outcome: TaskOutcome, now: number): Promise<void> {
    this.running.delete(record)
    record.status = outcome.status
    record.framesDone = outcome.framesDone
    record.finishedMs = now
    record.reason = outcome.reason
    if (outcome.code !== undefined) record.code = outcome.code
    if (outcome.merkleRoot !== undefined) record.merkleRoot = outcome.merkleRoot
    if (outcome.status === 'committed') this.totals.committed++
    else if (outcome.status === 'lost') this.totals.lost++
    else if (outcome.status !== 'stopped') this.totals.failed++
    this.done.unshift(record)
    const dropped = this.done.length > this.keep ? this.done.splice(this.keep) : []
    // One write: the record, the totals, and the records that fell out of the history.
    await this.write([
      putRecord(record),
      { type: 'put', key: TOTALS_KEY, value: { ...this.totals } },
      ...dropped.map((old): KvOp => ({ type: 'del', key: keyOf(old) }))
    ])
  }

  get runningCount(): number {
    return this.running.size
  }

  /** Running tasks, then the `limit` most recent finished ones. */
  snapshot(limit = this.keep): TaskSnapshot {
    return { current: [...this.running].map((r) => ({ ...r })), recent: this.done.slice(0, limit).map((r) => ({ ...r })), totals: { ...this.totals } }
  }

  /** A failed write costs history, never the task: the render and its commitment matter more. */
  private async write(ops: KvOp[]): Promise<void> {
    try {
      await this.kv.batch(ops)
    } catch (err) {
      this.log.warn('task history not saved', { key: ops[0]?.key, err })
    }
  }
}

/** A copy: progress updates mutate the live record, and an in-memory kv would keep the reference. */
function putRecord(record: TaskRecord): KvOp {
  return { type: 'put', key: keyOf(record), value: { ...record } }
}
