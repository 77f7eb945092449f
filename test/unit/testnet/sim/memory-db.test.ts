import { describe, expect, it } from 'vitest'
import { JobStore } from '../../../../node/roles/creator/job-store.ts'
import { memoryDb } from '../../../../testnet/sim/memory-db.ts'
import { newJob } from '../../node/roles/creator/fixtures.ts'

describe("the simulated creator's memory database", () => {
  it('keeps what a JobStore saves: a second store over it loads the same job', async () => {
    const db = memoryDb()
    const first = new JobStore(db)
    await first.load()
    const job = newJob(6, 2)
    await first.save(job)
    await first.save({ ...job, status: 'cancelled' }, { tasks: [] })
    const second = new JobStore(db)
    await second.load()
    expect(second.get(job.id)).toEqual({ ...job, status: 'cancelled' })
  })

  it('iterates a sublevel in key order and refuses a batch naming another database', async () => {
    const db = memoryDb()
    const parts = db.sublevel<string, string>('parts', { valueEncoding: 'utf8' })
    await db.batch([
      { type: 'put', sublevel: parts, key: 'b', value: '2' },
      { type: 'put', sublevel: parts, key: 'a', value: '1' },
      { type: 'put', sublevel: parts, key: 'c', value: '3' },
      { type: 'del', sublevel: parts, key: 'c' }
    ])
    const seen: [string, string][] = []
    for await (const entry of parts.iterator()) seen.push(entry)
    expect(seen).toEqual([['a', '1'], ['b', '2']])
    const stranger = memoryDb().sublevel<string, string>('parts', { valueEncoding: 'utf8' })
    await expect(db.batch([{ type: 'put', sublevel: stranger, key: 'x', value: 'y' }])).rejects.toThrow(/another database/)
  })
})
