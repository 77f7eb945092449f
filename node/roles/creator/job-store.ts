// Jobs persisted in the node's LevelDB: one JSON document per job.
import type { NodeDb } from '../../node.ts'
import type { JobRecord } from './job-record.ts'

export class JobStore {
  private readonly db

  constructor(db: NodeDb) {
    this.db = db.sublevel<string, JobRecord>('jobs', { valueEncoding: 'json' })
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.db.get(id)
  }

  put(job: JobRecord): Promise<void> {
    return this.db.put(job.id, job)
  }

  async list(): Promise<JobRecord[]> {
    const jobs: JobRecord[] = []
    for await (const value of this.db.values()) jobs.push(value)
    return jobs.sort((a, b) => a.createdMs - b.createdMs)
  }
}
