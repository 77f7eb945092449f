import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { afterEach, describe, expect, it } from 'vitest'
import { JobStore } from '../../../../../node/roles/creator/job-store.ts'
import type { NodeDb } from '../../../../../node/node.ts'
import { newJob } from './fixtures.ts'

const dirs: string[] = []
async function openDb(dir?: string): Promise<{ db: NodeDb; dir: string }> {
  const path = dir ?? (await mkdtemp(join(tmpdir(), 'pictor-jobs-')))
  if (dir === undefined) dirs.push(path)
  const db: NodeDb = new Level(path, { valueEncoding: 'json' })
  await db.open()
  return { db, dir: path }
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('creator job store (LevelDB)', () => {
  it('keeps the latest state of each job across a reopen, whatever order the writes finish in', async () => {
    const { db, dir } = await openDb()
    const store = new JobStore(db)
    const job = newJob()
    const writes = []
    for (let i = 1; i <= 20; i++) writes.push(store.save({ ...job, createdMs: i }))
    await store.save({ ...newJob(), id: '33'.repeat(32), createdMs: 0 })
    await Promise.all(writes)
    expect(store.get(job.id)!.createdMs).toBe(20)
    await store.close()
    await db.close()

    const reopened = await openDb(dir)
    const again = new JobStore(reopened.db)
    await again.load()
    expect(again.get(job.id)!.createdMs).toBe(20)
    expect(again.list().map((j) => j.createdMs)).toEqual([0, 20])
    await again.close()
    await reopened.db.close()
  })

  it('writes nothing once closed', async () => {
    const { db } = await openDb()
    const store = new JobStore(db)
    await store.close()
    await store.save(newJob())
    expect(store.get(newJob().id)).toBeUndefined()
    await db.close()
  })
})
