// What the worker is doing and has just done, for GET /api/worker/tasks and
// for the free-slot count in offers. In memory only: after a restart the
// creator's records, not ours, say which tasks were done.
import { type Lease, toHex } from '../../../protocol/index.ts'
import type { TaskOutcome, TaskPhase } from './task-runner.ts'

export interface TaskRecord {
  jobId: string
  taskIndex: number
  leaseId: string
  frameStart: number
  frameEnd: number
  /** Micro-PIC per reference frame, as leased. */
  price: number
  status: TaskPhase | TaskOutcome['status']
  framesDone: number
  startedMs: number
  finishedMs?: number
  code?: string
  reason?: string
  merkleRoot?: string
}

export class TaskLog {
  private readonly running = new Set<TaskRecord>()
  private readonly done: TaskRecord[] = []
  private readonly keep: number
  private readonly totals = { committed: 0, failed: 0, lost: 0 }

  constructor(keep = 100) {
    this.keep = keep
  }

  begin(lease: Lease, now: number): TaskRecord {
    const record: TaskRecord = {
      jobId: toHex(lease.jobId),
      taskIndex: lease.taskIndex,
      leaseId: toHex(lease.leaseId),
      frameStart: lease.frameStart,
      frameEnd: lease.frameEnd,
      price: lease.price,
      status: 'scene',
      framesDone: 0,
      startedMs: now
    }
    this.running.add(record)
    return record
  }

  finish(record: TaskRecord, outcome: TaskOutcome, now: number): void {
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
    if (this.done.length > this.keep) this.done.length = this.keep
  }

  get runningCount(): number {
    return this.running.size
  }

  snapshot(): { current: TaskRecord[]; recent: TaskRecord[]; totals: { committed: number; failed: number; lost: number } } {
    return { current: [...this.running].map((r) => ({ ...r })), recent: this.done.map((r) => ({ ...r })), totals: { ...this.totals } }
  }
}
