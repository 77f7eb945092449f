// The creator's jobs: held in memory, persisted in the node's LevelDB as one
// JSON document per job (written whole or not at all). Writes of one job
// are serialised, so a slow write never lands after a newer one, and each
// writes the latest state.
import type { NodeDb } from '../../node.ts'
import type { JobRecord } from './job-record.ts'

export class JobStore {
  private readonly db
  private readonly jobs = new Map<string, JobRecord>()
  private readonly saving = new Map<string, Promise<void>>()
  private closed = false

  constructor(db: NodeDb) {
    this.db = db.sublevel<string, JobRecord>('jobs', { valueEncoding: 'json' })
  }

  /** Reads every stored job into memory (at start). */
  async load(): Promise<void> {
    for await (const job of this.db.values()) this.jobs.set(job.id, job)
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id)
  }

  /** Oldest first. */
  list(): JobRecord[] {
    return [...this.jobs.values()].sort((a, b) => a.createdMs - b.createdMs)
  }

  active(): JobRecord[] {
    return this.list().filter((job) => job.status === 'active')
  }

  /** The job's new state, effective at once in memory; resolves once it is on disk. */
  save(job: JobRecord): Promise<void> {
    // A verification that finishes after close() must not write to the closed database.
    if (this.closed) return Promise.resolve()
    this.jobs.set(job.id, job)
    const previous = this.saving.get(job.id) ?? Promise.resolve()
    const next = previous.then(() => this.db.put(job.id, this.jobs.get(job.id)!))
    // The queue goes on after a failed write (the caller sees the failure); the next write carries the latest state.
    const queued: Promise<void> = next
      .catch(() => {})
      .finally(() => {
        if (this.saving.get(job.id) === queued) this.saving.delete(job.id)
      })
    this.saving.set(job.id, queued)
    return next
  }

  /** Refuses further writes and waits for those under way. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.saving.values())
  }
}
