import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { Level } from 'level'
import { afterEach, describe, expect, it } from 'vitest'
import type { NodeDb } from '../../../../../node/node.ts'
import { JobStoreError } from '../../../../../node/roles/creator/errors.ts'
import { headerKey, headerOf, taskKey } from '../../../../../node/roles/creator/job-layout.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import { JobStore } from '../../../../../node/roles/creator/job-store.ts'
import { withAdmitted } from '../../../../../node/roles/creator/admission.ts'
import { claimTask, isRefusal } from '../../../../../node/roles/creator/scheduler.ts'
import { applyOp, jobOp, WORKERS } from './job-changes.ts'
import { newJob, W1, W2, withVerifiedTask } from './fixtures.ts'

const dirs: string[] = []
async function openDb(dir?: string): Promise<{ db: NodeDb; dir: string }> {
  const path = dir ?? (await mkdtemp(join(tmpdir(), 'pictor-jobs-')))
  if (dir === undefined) dirs.push(path)
  const db: NodeDb = new Level(path, { valueEncoding: 'json' })
  await db.open()
  return { db, dir: path }
}

/** Closes the store and its database, opens both again and loads. */
async function reopen(store: JobStore, db: NodeDb, dir: string): Promise<{ store: JobStore; db: NodeDb }> {
  await store.close()
  await db.close()
  const again = await openDb(dir)
  const loaded = new JobStore(again.db)
  await loaded.load()
  return { store: loaded, db: again.db }
}

/** Counts the batches the store writes; `hold` keeps each one in flight until `release`. */
function watchBatches(db: NodeDb) {
  const batches: number[] = []
  const original = db.batch.bind(db) as (ops: unknown[]) => Promise<void>
  let gate: Promise<void> | undefined
  let open = () => {}
  const spy = {
    batches,
    fail: 0,
    hold() {
      gate = new Promise((resolve) => (open = resolve))
    },
    release() {
      gate = undefined
      open()
    }
  }
  ;(db as unknown as { batch: (ops: unknown[]) => Promise<void> }).batch = async (ops: unknown[]) => {
    batches.push(ops.length)
    if (gate !== undefined) await gate
    if (spy.fail > 0) {
      spy.fail--
      throw new Error('disk full')
    }
    return original(ops)
  }
  return spy
}

/** Every task of a verified-task job with its parts distinct enough to see a mix-up. */
function busyJob(): JobRecord {
  let job = newJob(12, 3)
  job = withVerifiedTask(job, W1)
  job = withVerifiedTask(job, W2, 'ee'.repeat(32))
  const leased = claimTask(job, W1, 'lease-x', 5_000, 30)
  if (isRefusal(leased)) throw new Error(leased.reason)
  return { ...leased.job, timeoutAlertS: 60, disputes: [] }
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

    const again = await reopen(store, db, dir)
    expect(again.store.get(job.id)!.createdMs).toBe(20)
    expect(again.store.list().map((j) => j.createdMs)).toEqual([0, 20])
    await again.store.close()
    await again.db.close()
  })

  it('writes nothing once closed', async () => {
    const { db } = await openDb()
    const store = new JobStore(db)
    await store.close()
    await store.save(newJob())
    expect(store.get(newJob().id)).toBeUndefined()
    await db.close()
  })

  it('loads every job as it was saved, after any sequence of task changes, saves and reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ op: jobOp, wait: fc.boolean() }), { minLength: 5, maxLength: 80, size: 'large' }), async (steps) => {
        let { db, dir } = await openDb()
        let store = new JobStore(db)
        let job: JobRecord = { ...newJob(16, 2), admitted: { [WORKERS[0]]: { peerId: 'p0', price: 5, admittedMs: 0 }, [WORKERS[1]]: { peerId: 'p1', price: 7, admittedMs: 0 } } }
        const other = { ...newJob(4, 1), id: '44'.repeat(32), createdMs: 1 }
        await store.save(job)
        void store.save(other)
        let unsettled: Promise<void>[] = []
        for (const [n, { op, wait }] of steps.entries()) {
          if (op.kind === 'reopen') {
            await Promise.all(unsettled)
            unsettled = []
            ;({ store, db } = await reopen(store, db, dir))
            expect(store.get(job.id)).toEqual(job)
            continue
          }
          const next = applyOp(job, op, 100 + n)
          if (next === undefined) continue
          job = next.job
          const saved = store.save(job, next.changed)
          if (wait) await saved
          else unsettled.push(saved)
        }
        await Promise.all(unsettled)
        const again = await reopen(store, db, dir)
        expect(again.store.get(job.id)).toEqual(job)
        expect(again.store.get(other.id)).toEqual(other)
        await again.store.close()
        await again.db.close()
        await rm(dir, { recursive: true, force: true })
      }),
      { numRuns: 60 }
    )
  }, 60_000)

  it('puts the saves of one tick, and those made while a write is in flight, into one batch each', async () => {
    const { db } = await openDb()
    const store = new JobStore(db)
    let job = newJob(12, 1)
    await store.save(job)
    const spy = watchBatches(db)
    const leaseAll = (from: number, to: number) => {
      const saves = []
      for (let i = from; i < to; i++) {
        const claimed = claimTask(job, W1, `lease-${i}`, 10_000, 0)
        if (isRefusal(claimed)) throw new Error(claimed.reason)
        job = claimed.job
        saves.push(store.save(job, { tasks: [claimed.task.index] }))
      }
      return saves
    }
    await Promise.all(leaseAll(0, 4))
    // Four tasks and the header (the job's first attempt timings), in one batch.
    expect(spy.batches).toEqual([5])

    spy.hold()
    let done = false
    const first = Promise.all(leaseAll(4, 6)).then(() => (done = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(spy.batches).toEqual([5, 2])
    // Three ticks while the write is in flight: they wait for it, then go out together.
    const later = []
    for (let i = 6; i < 9; i++) {
      later.push(...leaseAll(i, i + 1))
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(spy.batches).toEqual([5, 2])
    expect(done).toBe(false)
    spy.release()
    await first
    await Promise.all(later)
    expect(spy.batches).toEqual([5, 2, 3])
    await store.close()
    await db.close()
  })

  it('writes a change to one task without the rest of the job, and only changed results', async () => {
    const { db } = await openDb()
    const store = new JobStore(db)
    const job = busyJob()
    await store.save(job)
    const spy = watchBatches(db)
    const renewed = { ...job, tasks: job.tasks.map((t) => (t.index === 2 ? { ...t, expiresMs: 9_000 } : t)) }
    await store.save(renewed, { tasks: [2] })
    // The task's entry alone: the header and the results of other tasks are unchanged.
    expect(spy.batches).toEqual([1])
    // A worker's pay: its own part, not the header.
    renewed.paid[W1] = '1'
    await store.save({ ...renewed }, { tasks: [], workers: [W1] })
    expect(spy.batches).toEqual([1, 1])
    // A bid: the bidder's part alone, however many workers the job admitted.
    let many = renewed
    for (let i = 0; i < 200; i++) many = withAdmitted(many, i.toString(16).padStart(64, '0'), `p${i}`, 10, 1)
    await store.save(many, { tasks: [], workers: ['c7'.padStart(64, '0')] })
    expect(spy.batches).toEqual([1, 1, 1])
    // A save naming no task writes every task and each worker not yet written.
    await store.save(many)
    expect(spy.batches).toEqual([1, 1, 1, many.tasks.length + 199])
    await store.close()
    await db.close()
  })

  it('rejects the callers of a failed batch and writes their changes with the next save: nothing is half-written', async () => {
    const { db, dir } = await openDb()
    const store = new JobStore(db)
    let job = newJob(6, 1)
    await store.save(job)
    const spy = watchBatches(db)
    spy.fail = 1
    const claimed = claimTask(job, W1, 'lease-a', 10_000, 0)
    if (isRefusal(claimed)) throw new Error(claimed.reason)
    job = claimed.job
    await expect(store.save(job, { tasks: [0] })).rejects.toThrow('disk full')
    const second = claimTask(job, W2, 'lease-b', 10_000, 0)
    if (isRefusal(second)) throw new Error(second.reason)
    job = second.job
    await store.save(job, { tasks: [1] })
    const again = await reopen(store, db, dir)
    expect(again.store.get(job.id)).toEqual(job)
    expect(again.store.get(job.id)!.tasks.slice(0, 2).map((t) => t.leaseId)).toEqual(['lease-a', 'lease-b'])
    await again.store.close()
    await again.db.close()
  })

  it('loads jobs stored whole by the earlier layout, and rewrites each in parts on its first save', async () => {
    const { db, dir } = await openDb()
    const old = busyJob()
    const untouched = { ...newJob(4, 2), id: '55'.repeat(32), createdMs: 5 }
    const whole = db.sublevel<string, JobRecord>('jobs', { valueEncoding: 'json' })
    await whole.put(old.id, old)
    await whole.put(untouched.id, untouched)
    let store = new JobStore(db)
    await store.load()
    expect(store.get(old.id)).toEqual(old)
    expect(store.get(untouched.id)).toEqual(untouched)

    const claimed = claimTask(store.get(old.id)!, W2, 'lease-new', 9_000, 40)
    if (isRefusal(claimed)) throw new Error(claimed.reason)
    await store.save(claimed.job, { tasks: [claimed.task.index] })
    expect(await whole.get(old.id)).toBeUndefined()
    expect(await whole.get(untouched.id)).toEqual(untouched)
    let reopened = await reopen(store, db, dir)
    expect(reopened.store.get(old.id)).toEqual(claimed.job)
    expect(reopened.store.get(untouched.id)).toEqual(untouched)
    // Written in parts, and whole once more after the next reopen.
    store = reopened.store
    reopened = await reopen(store, reopened.db, dir)
    expect(reopened.store.get(old.id)).toEqual(claimed.job)
    await reopened.store.close()
    await reopened.db.close()
  })

  it('loads a header of the earlier layout, which held the admitted workers and their pay, and writes them in parts on its next save', async () => {
    const { db, dir } = await openDb()
    const job = busyJob()
    const parts = db.sublevel<string, string>('job-parts', { valueEncoding: 'utf8' })
    let store = new JobStore(db)
    await store.save(job)
    await store.close()
    // The header as it was written before worker parts, and no worker parts.
    for await (const key of parts.keys()) if (key.includes('/w/')) await parts.del(key)
    const header = headerOf(job)
    await parts.put(headerKey(job.id), JSON.stringify({ ...header, job: { ...header.job, admitted: job.admitted, paid: job.paid } }))
    let reopened = await reopen(store, db, dir)
    expect(reopened.store.get(job.id)).toEqual(job)
    // A save naming one task moves every worker out of the header.
    const renewed = { ...job, tasks: job.tasks.map((t) => (t.index === 1 ? { ...t, expiresMs: 9_000 } : t)) }
    await reopened.store.save(renewed, { tasks: [1] })
    store = reopened.store
    reopened = await reopen(store, reopened.db, dir)
    expect(reopened.store.get(job.id)).toEqual(renewed)
    const stored = JSON.parse((await reopened.db.sublevel<string, string>('job-parts', { valueEncoding: 'utf8' }).get(headerKey(job.id)))!)
    expect(stored.job.admitted).toBeUndefined()
    await reopened.store.close()
    await reopened.db.close()
  })

  it('refuses, in one line, to load a job whose stored parts are incomplete', async () => {
    const { db, dir } = await openDb()
    const store = new JobStore(db)
    const job = busyJob()
    await store.save(job)
    await store.close()
    await db.sublevel<string, string>('job-parts', { valueEncoding: 'utf8' }).del(taskKey(job.id, 3))
    await db.close()
    const again = await openDb(dir)
    const damaged = new JobStore(again.db)
    const loading = damaged.load()
    await expect(loading).rejects.toThrow(JobStoreError)
    await expect(loading).rejects.toThrow(`job ${job.id} is missing task 3 of 4 in the node's database`)
    await again.db.close()
  })
})
