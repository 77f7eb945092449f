// The worker's task history on a real LevelDB (the worker's sublevel, as a
// node opens it): it survives closing and reopening the database.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { taskCost, toHex } from '../../../../../protocol/index.ts'
import type { WorkerKv } from '../../../../../node/roles/worker/kv.ts'
import { parseTaskLimit, TaskLog } from '../../../../../node/roles/worker/task-log.ts'
import type { TaskOutcome } from '../../../../../node/roles/worker/task-runner.ts'
import { leaseFor, logger, seedOf } from './fakes.ts'

const JOB = { width: 1920, height: 1080, samples: 256 }
const committed: TaskOutcome = { status: 'committed', reason: 'accepted for verification', framesDone: 2, merkleRoot: 'ab'.repeat(32) }
const lost: TaskOutcome = { status: 'lost', code: 'leaseExpired', reason: 'the lease went elsewhere', framesDone: 1 }

describe('TaskLog on LevelDB', () => {
  let dir: string
  let db: Level<string, unknown>
  const open = async () => {
    db = new Level<string, unknown>(join(dir, 'db'), { valueEncoding: 'json' })
    await db.open()
    return db.sublevel<string, unknown>('worker', { valueEncoding: 'json' }) satisfies WorkerKv
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pictor-task-log-'))
  })
  afterEach(async () => {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps reward, times and status across a restart, newest first', async () => {
    const log = new TaskLog({ kv: await open(), logger })
    await log.load()
    const a = await log.begin(leaseFor(seedOf(1), { taskIndex: 0, leaseId: new Uint8Array(16).fill(1), price: 1500 }), JOB, 10_000)
    await log.finish(a, committed, 14_000)
    const b = await log.begin(leaseFor(seedOf(1), { taskIndex: 1, leaseId: new Uint8Array(16).fill(2), frameStart: 3, frameEnd: 6 }), JOB, 20_000)
    await log.finish(b, lost, 21_500)
    await db.close()

    const again = new TaskLog({ kv: await open(), logger })
    await again.load()
    const { current, recent, totals } = again.snapshot()
    expect(current).toEqual([])
    expect(totals).toEqual({ committed: 1, failed: 0, lost: 1 })
    expect(recent.map((r) => [r.taskIndex, r.status, r.startedMs, r.finishedMs])).toEqual([
      [1, 'lost', 20_000, 21_500],
      [0, 'committed', 10_000, 14_000]
    ])
    // Twice the reference frame's samples: each frame costs twice the price; the lease covers frames 1-2.
    expect(recent[1]!.reward).toBe(taskCost(1500, JOB, 2).toString())
    expect(recent[1]!.reward).toBe('6000')
    expect(recent[0]!.reward).toBe('8000')
    expect(recent[1]).toMatchObject({ price: 1500, merkleRoot: 'ab'.repeat(32), framesDone: 2 })
  })

  it('shows a task cut off by a crash as interrupted', async () => {
    const log = new TaskLog({ kv: await open(), logger })
    await log.load()
    const record = await log.begin(leaseFor(seedOf(1)), JOB, 5_000)
    record.status = 'rendering'
    // No finish: the process died here.
    await db.close()

    const again = new TaskLog({ kv: await open(), logger })
    await again.load()
    expect(again.snapshot().recent).toMatchObject([{ status: 'interrupted', startedMs: 5_000, reason: 'the node stopped before the task finished' }])
    expect(again.snapshot().recent[0]!.finishedMs).toBeUndefined()
  })

  it('keeps only the newest records, on disk too, and lists a limited number', async () => {
    const kv = await open()
    const log = new TaskLog({ kv, logger, keep: 3 })
    await log.load()
    for (let i = 0; i < 5; i++) {
      const r = await log.begin(leaseFor(seedOf(1), { taskIndex: i, leaseId: new Uint8Array(16).fill(i + 1) }), JOB, 1_000 * (i + 1))
      await log.finish(r, committed, 1_000 * (i + 1) + 500)
    }
    expect(log.snapshot().recent.map((r) => r.taskIndex)).toEqual([4, 3, 2])
    expect(log.snapshot(2).recent.map((r) => r.taskIndex)).toEqual([4, 3])
    expect(log.snapshot().totals.committed).toBe(5)
    const stored = await kv.keys({ gte: 'task:', lt: 'task;' }).all()
    expect(stored).toHaveLength(3)

    // A smaller keep at the next start trims what is stored.
    const smaller = new TaskLog({ kv, logger, keep: 1 })
    await smaller.load()
    expect(smaller.snapshot().recent.map((r) => r.taskIndex)).toEqual([4])
    expect(await kv.keys({ gte: 'task:', lt: 'task;' }).all()).toHaveLength(1)
  })

  it('writes a finish in one batch; a failed write costs the history, never the task', async () => {
    const kv = await open()
    const log = new TaskLog({ kv, logger, keep: 1 })
    await log.load()
    const first = await log.begin(leaseFor(seedOf(1), { taskIndex: 0 }), JOB, 1_000)
    await log.finish(first, committed, 1_500)
    const batches: string[][] = []
    const counted: WorkerKv = { ...kv, get: (k) => kv.get(k), iterator: (r) => kv.iterator(r), put: (k, v) => kv.put(k, v), del: (k) => kv.del(k), batch: (ops) => {
      batches.push(ops.map((op) => op.type))
      return kv.batch(ops)
    } }
    const second = new TaskLog({ kv: counted, logger, keep: 1 })
    await second.load()
    const r = await second.begin(leaseFor(seedOf(1), { taskIndex: 1, leaseId: new Uint8Array(16).fill(2) }), JOB, 2_000)
    await second.finish(r, lost, 2_500)
    // begin; then the record, the totals and the record that fell out, together.
    expect(batches).toEqual([['put'], ['put', 'put', 'del']])

    const failing = new TaskLog({ kv: { ...counted, batch: async () => Promise.reject(new Error('disk full')) }, logger, keep: 1 })
    await failing.load()
    const t = await failing.begin(leaseFor(seedOf(1), { taskIndex: 2, leaseId: new Uint8Array(16).fill(3) }), JOB, 3_000)
    await expect(failing.finish(t, committed, 3_500)).resolves.toBeUndefined()
    // Counted in memory; on disk the history is as it was.
    expect(failing.snapshot().totals).toEqual({ committed: 2, failed: 0, lost: 1 })
    expect((await kv.keys({ gte: 'task:', lt: 'task;' }).all()).map((key) => key.endsWith(toHex(new Uint8Array(16).fill(2))))).toEqual([true])
  })

  it('skips a damaged record instead of failing the list', async () => {
    const kv = await open()
    await kv.put('task:000000000000001:ff', 'not a record')
    const log = new TaskLog({ kv, logger })
    await log.load()
    expect(log.snapshot().recent).toEqual([])
    expect(await kv.get('task:000000000000001:ff')).toBeUndefined()
  })
})

describe('parseTaskLimit', () => {
  it('takes 1 to the history size, and says what is wrong otherwise', () => {
    expect(parseTaskLimit(null)).toBeUndefined()
    expect(parseTaskLimit('20')).toBe(20)
    for (const bad of ['0', '-1', '1001', '2.5', 'abc', '', '1e3']) expect(() => parseTaskLimit(bad), bad).toThrow(/limit must be an integer from 1 to 1000/)
  })
})
