// The creator SIGKILLed again and again while tasks go through fast: a job
// of many one-frame tasks at a tiny size on the crash testnet (two workers,
// a checker, a devchain; testnet/crash-rounds.ts), the creator killed
// whenever a few more commitments were acknowledged, at a seeded random
// moment, and restarted. Every commitment a worker had acknowledged before a
// kill is still the task's result once the job completes (the task kept
// that lease: it was never leased again), every frame is there, and no task
// is paid twice, on the ledger or in the creator's books.
import { join } from 'node:path'
import { Level } from 'level'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../../node/api/client.ts'
import type { NodeDb } from '../../../node/node.ts'
import { JobStore } from '../../../node/roles/creator/job-store.ts'
import type { TaskSnapshot } from '../../../node/roles/worker/task-log.ts'
import { taskCost } from '../../../protocol/index.ts'
import { crashJob, crashTestnet, waitUp } from '../../../testnet/crash-rounds.ts'
import { intactFrames, submitTestnetJob, watchJob } from '../../../testnet/job-watch.ts'
import type { Testnet } from '../../../testnet/launcher.ts'
import { auditJob } from '../../../testnet/ledger-audit.ts'
import { randomInt, seededRandom } from '../../../testnet/seeded-random.ts'

const FRAMES = 40
const KILLS = 3
/** Commitments acknowledged since the last restart before the next kill. */
const ACKS_PER_ROUND = 3

let testnet: Testnet

beforeAll(async () => {
  testnet = crashTestnet()
  await testnet.start()
  await testnet.waitReady()
})

afterAll(async () => {
  await testnet?.stop()
})

interface Ack {
  worker: string
  taskIndex: number
  leaseId: string
}

/** The job's commitments the workers have had acknowledged so far, by lease id. */
async function acknowledged(jobId: string): Promise<Map<string, Ack>> {
  const acks = new Map<string, Ack>()
  for (const node of testnet.nodes.filter((n) => n.role === 'worker')) {
    const client = await ApiClient.fromDataDir(node.dataDir)
    const tasks = await client.request<TaskSnapshot>('GET', '/api/worker/tasks')
    for (const t of tasks.recent) if (t.jobId === jobId && t.status === 'committed') acks.set(t.leaseId, { worker: node.name, taskIndex: t.taskIndex, leaseId: t.leaseId })
  }
  return acks
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function untilAcked(jobId: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while ((await acknowledged(jobId)).size < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} commitments acknowledged within ${timeoutMs} ms`)
    await pause(50)
  }
}

describe('crashes at a high task rate', () => {
  it('keeps every acknowledged commitment and pays nothing twice across repeated creator kills', { timeout: 420_000 }, async () => {
    const random = seededRandom(11)
    const jobId = await submitTestnetJob(testnet, { ...crashJob(11, FRAMES), width: 16, height: 9, samples: 1 })
    const ackedBeforeKills = new Map<string, Ack>()
    for (let kill = 1; kill <= KILLS; kill++) {
      await untilAcked(jobId, ackedBeforeKills.size + ACKS_PER_ROUND, 60_000)
      await pause(randomInt(random, 300))
      await testnet.kill('creator', 'SIGKILL')
      // The creator is down: no acknowledgement can come now, so these all came before the kill.
      for (const [lease, ack] of await acknowledged(jobId)) ackedBeforeKills.set(lease, ack)
      await pause(randomInt(random, 300))
      testnet.restart('creator')
      await waitUp(testnet, 'creator')
    }
    // A commitment taken just before a kill but never answered is acknowledged when the worker sends it again; a worker that
    // gave up on it first leaves the creator waiting out its 60 s chain draw before the task is checked without one.
    const done = await watchJob(testnet, jobId, Date.now() + 180_000, (v) => v.status !== 'active')
    expect(done?.status, done?.frames.filter((f) => f.status !== 'succeeded').map((f) => `${f.frame}: ${f.status}`).join(', ')).toBe('completed')
    expect(await intactFrames(testnet, done!)).toBe(FRAMES)
    const settled = await watchJob(testnet, jobId, Date.now() + 90_000, (v) => v.ledger?.settlement?.state !== 'pending')
    const audit = await auditJob(await testnet.ledger(), jobId)
    expect(audit.paidTwice).toEqual([])
    expect(audit.closings, settled?.ledger?.settlement?.reason).toBe(1)
    expect(audit.paidOut).toBe(audit.escrow)

    // The creator's own record, read from its database once it has stopped.
    await testnet.kill('creator', 'SIGTERM')
    const db: NodeDb = new Level(join(testnet.node('creator').dataDir, 'db'), { valueEncoding: 'json' })
    await db.open()
    try {
      const store = new JobStore(db)
      await store.load()
      const job = store.get(jobId)!
      expect(ackedBeforeKills.size).toBeGreaterThanOrEqual(KILLS * ACKS_PER_ROUND)
      for (const ack of ackedBeforeKills.values()) {
        const task = job.tasks[ack.taskIndex]
        expect({ task: ack.taskIndex, status: task.status, leaseId: task.leaseId }).toEqual({ task: ack.taskIndex, status: 'verified', leaseId: ack.leaseId })
      }
      // Paid once per verified task, at the admitted price.
      const owed: Record<string, bigint> = {}
      for (const t of job.tasks) owed[t.worker!] = (owed[t.worker!] ?? 0n) + taskCost(job.admitted[t.worker!]!.price, job.spec, t.frameEnd - t.frameStart + 1)
      expect(job.paid).toEqual(Object.fromEntries(Object.entries(owed).map(([w, n]) => [w, n.toString()])))
      await store.close()
    } finally {
      await db.close()
    }
  })
})
