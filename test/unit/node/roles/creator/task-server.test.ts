// When the creator's task server replies against when its saves are durable:
// a claim or renewal at once, a commitment only once the committed task and
// its pending result are durable (one save); and a lease lost with a crash
// is refused, in one line, and leased again.
import type { Connection } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../../../node/identity/ed25519.ts'
import { IDLE_CLAIMS_PER_S } from '../../../../../node/roles/creator/claim-pacer.ts'
import type { CommittedResult } from '../../../../../node/roles/creator/committed-result.ts'
import type { JobRecord } from '../../../../../node/roles/creator/job-record.ts'
import type { JobChange } from '../../../../../node/roles/creator/job-store.ts'
import { createTaskHandler } from '../../../../../node/roles/creator/task-server.ts'
import { merkleRoot, REPLY_CODES, ReplayGuard, signEnvelope, TaskReply, toHex } from '../../../../../protocol/index.ts'
import { newJob } from './fixtures.ts'

const CREATOR_SEED = new Uint8Array(32).fill(7)
const WORKER_SEED = new Uint8Array(32).fill(9)
const WORKER = nodeEd25519.publicKey(WORKER_SEED)
const connection = { remotePeer: { publicKey: { raw: WORKER }, toString: () => 'peer-of-worker' } } as unknown as Connection

/** A task server over an in-memory job whose saves stay in flight until `land()`. */
function server(job: JobRecord) {
  const jobs = new Map([[job.id, job]])
  const saves: { job: JobRecord; changed: JobChange }[] = []
  const committed: CommittedResult[] = []
  let landing: (() => void)[] = []
  let clock = Date.now()
  const handle = createTaskHandler({
    identity: { seed: CREATOR_SEED, publicKey: nodeEd25519.publicKey(CREATOR_SEED) },
    now: () => clock,
    replay: new ReplayGuard(),
    leaseMs: 10_000,
    job: (id) => jobs.get(id),
    save: (next, changed) => {
      jobs.set(next.id, next)
      saves.push({ job: next, changed })
      return new Promise<void>((resolve) => landing.push(resolve))
    },
    onCommitted: (result) => committed.push(result)
  })
  return {
    jobs,
    saves,
    committed,
    /** Every save so far is now durable. */
    land() {
      for (const resolve of landing) resolve()
      landing = []
    },
    tick: () => clock++,
    async ask(request: Uint8Array) {
      const reply = TaskReply.decode(await handle(request, connection))
      return { code: Object.entries(REPLY_CODES).find(([, c]) => c === reply.code)![0], reason: reply.reason, lease: reply.lease, retryAfterMs: reply.retryAfterMs }
    },
    async askPending(request: Uint8Array) {
      let settled = false
      const answer = handle(request, connection).then((bytes) => {
        settled = true
        return TaskReply.decode(bytes)
      })
      return { answer, settled: () => settled }
    },
    now: () => clock
  }
}

const jobIdOf = (job: JobRecord) => Buffer.from(job.id, 'hex')
const sign = (type: 'TaskClaim' | 'LeaseRenewal' | 'ResultCommitment', payload: object) => signEnvelope(nodeEd25519, WORKER_SEED, type, payload as never)

function commitment(job: JobRecord, index: number, leaseId: string, now: number) {
  const task = job.tasks[index]
  const frames = []
  for (let f = task.frameStart; f <= task.frameEnd; f++) frames.push({ frame: f, blobId: new Uint8Array(32).fill(f), pixelHash: new Uint8Array(32).fill(f + 1) })
  return sign('ResultCommitment', { jobId: jobIdOf(job), taskIndex: index, leaseId: Buffer.from(leaseId, 'hex'), merkleRoot: merkleRoot(frames), frames, timestampMs: now })
}

function admittedJob(): JobRecord {
  const job = newJob(4, 2)
  // Created now: the job's deadline is ahead.
  return { ...job, createdMs: Date.now(), admitted: { [toHex(WORKER)]: { peerId: 'peer-of-worker', price: 50, admittedMs: 0 } } }
}

describe('creator task server and its saves', () => {
  it('answers a claim and a renewal without waiting for their saves, each naming its task', async () => {
    const s = server(admittedJob())
    const job = s.jobs.values().next().value!
    const claim = await s.ask(sign('TaskClaim', { jobId: jobIdOf(job), timestampMs: s.now() }))
    expect(claim.code).toBe('ok')
    expect(claim.lease).toBeDefined()
    expect(s.saves.map((x) => x.changed)).toEqual([{ tasks: [0] }])
    const leased = s.jobs.get(job.id)!.tasks[0]
    expect(leased.status).toBe('leased')
    s.tick()
    const renewal = await s.ask(sign('LeaseRenewal', { jobId: jobIdOf(job), taskIndex: 0, leaseId: Buffer.from(leased.leaseId!, 'hex'), framesDone: 1, timestampMs: s.now() }))
    expect(renewal.code).toBe('ok')
    expect(s.saves.map((x) => x.changed)).toEqual([{ tasks: [0] }, { tasks: [0] }])
  })

  it("asks a claimer told noTask to wait its share of the job's idle claims (SPEC R62)", async () => {
    const job = newJob(1, 2)
    const s = server({ ...job, createdMs: Date.now(), admitted: { [toHex(WORKER)]: { peerId: 'peer-of-worker', price: 50, admittedMs: 0 } } })
    expect((await s.ask(sign('TaskClaim', { jobId: jobIdOf(job), timestampMs: s.now() }))).code).toBe('ok')
    s.tick()
    const refused = await s.ask(sign('TaskClaim', { jobId: jobIdOf(job), timestampMs: s.now() }))
    expect({ code: refused.code, retryAfterMs: refused.retryAfterMs }).toEqual({ code: 'noTask', retryAfterMs: Math.round(1000 / IDLE_CLAIMS_PER_S) })
  })

  it('acknowledges a commitment only once the task and its pending result are durable, in one save', async () => {
    const s = server(admittedJob())
    const job = s.jobs.values().next().value!
    await s.ask(sign('TaskClaim', { jobId: jobIdOf(job), timestampMs: s.now() }))
    s.land()
    s.tick()
    const leaseId = s.jobs.get(job.id)!.tasks[0].leaseId!
    const request = commitment(job, 0, leaseId, s.now())
    const pending = await s.askPending(request)
    await new Promise((resolve) => setImmediate(resolve))
    expect(pending.settled()).toBe(false)
    expect(s.committed).toEqual([])
    const saved = s.saves.at(-1)!
    expect(saved.changed).toEqual({ tasks: [0] })
    expect(saved.job.tasks[0].status).toBe('committed')
    expect(saved.job.pending[0]).toMatchObject({ worker: toHex(WORKER), workerPeer: 'peer-of-worker', envelope: toHex(request) })
    expect(saved.job.pending[0].frames.map((f) => f.frame)).toEqual([1, 2])
    s.land()
    const reply = await pending.answer
    expect(reply.code).toBe(REPLY_CODES.ok)
    expect(s.committed.map((c) => c.taskIndex)).toEqual([0])
  })

  it('acknowledges a commitment sent again after its reply was lost, once durable, and has it checked once', async () => {
    const s = server(admittedJob())
    const job = s.jobs.values().next().value!
    await s.ask(sign('TaskClaim', { jobId: jobIdOf(job), timestampMs: s.now() }))
    const leaseId = s.jobs.get(job.id)!.tasks[0].leaseId!
    s.tick()
    const first = await s.askPending(commitment(job, 0, leaseId, s.now()))
    s.land()
    expect((await first.answer).code).toBe(REPLY_CODES.ok)
    // The creator restarts with the commitment on disk; the worker, never answered, sends it again.
    const restarted = server(s.jobs.get(job.id)!)
    const again = await restarted.askPending(commitment(job, 0, leaseId, restarted.now() + 1))
    await new Promise((resolve) => setImmediate(resolve))
    expect(again.settled()).toBe(false)
    restarted.land()
    expect((await again.answer).code).toBe(REPLY_CODES.ok)
    expect(restarted.committed).toEqual([])
    expect(restarted.jobs.get(job.id)!.tasks[0]).toMatchObject({ status: 'committed', leaseId })
    // Another root under the same lease is not the recorded result.
    const frames = [1, 2].map((f) => ({ frame: f, blobId: new Uint8Array(32).fill(f), pixelHash: new Uint8Array(32).fill(99) }))
    const other = sign('ResultCommitment', { jobId: jobIdOf(job), taskIndex: 0, leaseId: Buffer.from(leaseId, 'hex'), merkleRoot: merkleRoot(frames), frames, timestampMs: restarted.now() + 2 })
    expect(await restarted.ask(other)).toMatchObject({ code: 'notLeaseHolder' })
  })

  it('refuses, in one line, a commitment under a lease lost with a crash, and leases the task again', async () => {
    const s = server(admittedJob())
    const onDisk = s.jobs.values().next().value!
    await s.ask(sign('TaskClaim', { jobId: jobIdOf(onDisk), timestampMs: s.now() }))
    const lost = s.jobs.get(onDisk.id)!.tasks[0].leaseId!
    // The creator restarts before the claim's save landed: the job is as it was on disk.
    const restarted = server(onDisk)
    const refused = await restarted.ask(commitment(onDisk, 0, lost, restarted.now() + 1))
    expect(refused).toMatchObject({ code: 'notLeaseHolder', reason: 'this lease is not held by the sender' })
    expect(restarted.saves).toEqual([])
    restarted.tick()
    const again = await restarted.ask(sign('TaskClaim', { jobId: jobIdOf(onDisk), timestampMs: restarted.now() + 2 }))
    expect(again.code).toBe('ok')
    const task = restarted.jobs.get(onDisk.id)!.tasks[0]
    expect(task.status).toBe('leased')
    expect(task.leaseId).not.toBe(lost)
  })
})
