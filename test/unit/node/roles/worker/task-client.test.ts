import { describe, expect, it } from 'vitest'
import { encode, LIMITS, openEnvelope, REPLY_CODES, type TaskClaim } from '../../../../../protocol/index.ts'
import { TaskClient } from '../../../../../node/roles/worker/task-client.ts'
import { ed, FakeCreator, leaseFor, seedOf } from './fakes.ts'

const WORKER_SEED = seedOf(0x11)
const WORKER_KEY = ed.publicKey(WORKER_SEED)
const JOB = new Uint8Array(32).fill(7)

function client(rpc: FakeCreator['rpc'], now = Date.now) {
  return new TaskClient({ ed, seed: WORKER_SEED, publicKey: WORKER_KEY, rpc, now })
}

describe('TaskClient', () => {
  it('returns a verified lease on ok', async () => {
    const creator = new FakeCreator()
    creator.onClaim = () => ({ code: 'ok', lease: leaseFor(WORKER_KEY) })
    const answer = await client(creator.rpc).claim(creator.ref, JOB)
    expect(answer.code).toBe('ok')
    expect(answer.lease?.frameEnd).toBe(2)
  })

  it.each([
    ['signed by another key', (c: FakeCreator) => (c.signLease = (l) => new FakeCreator(0xd0).signLease(l)), leaseFor(WORKER_KEY)],
    ['for another worker', () => {}, leaseFor(ed.publicKey(seedOf(0x12)))],
    ['for another job', () => {}, leaseFor(WORKER_KEY, { jobId: new Uint8Array(32).fill(8) })],
    ['lasting too long', () => {}, leaseFor(WORKER_KEY, { expiresMs: Date.now() + 3_600_000 })]
  ])('refuses a lease %s', async (_name, tweak, lease) => {
    const creator = new FakeCreator()
    tweak(creator)
    creator.onClaim = () => ({ code: 'ok', lease })
    await expect(client(creator.rpc).claim(creator.ref, JOB)).rejects.toMatchObject({ code: 'BAD_LEASE' })
  })

  it('passes refusals through and maps an unknown code to invalid', async () => {
    const creator = new FakeCreator()
    creator.onClaim = () => 'noTask'
    expect(await client(creator.rpc).claim(creator.ref, JOB)).toEqual({ code: 'noTask', reason: 'fake noTask', retryAfterMs: 0 })
    // A creator's wait is passed on, and one past the protocol's cap is read as the cap.
    creator.onClaim = () => ({ code: 'noTask', retryAfterMs: 2_500 })
    expect((await client(creator.rpc).claim(creator.ref, JOB)).retryAfterMs).toBe(2_500)
    creator.onClaim = () => ({ code: 'busy', retryAfterMs: 10 * LIMITS.maxRetryAfterMs })
    expect((await client(creator.rpc).claim(creator.ref, JOB)).retryAfterMs).toBe(LIMITS.maxRetryAfterMs)
    const odd = async () => encode('TaskReply', { code: 99, reason: 'new' })
    expect((await client(odd).claim(creator.ref, JOB)).code).toBe('invalid')
    await expect(client(async () => new Uint8Array([0xff, 0xff])).claim(creator.ref, JOB)).rejects.toMatchObject({ code: 'BAD_REPLY' })
  })

  it('never signs two identical claims, even within one millisecond', async () => {
    const seen: number[] = []
    const rpc = async (_p: unknown, req: Uint8Array) => {
      seen.push((openEnvelope(ed, req, 'TaskClaim').payload as TaskClaim).timestampMs)
      return encode('TaskReply', { code: REPLY_CODES.noTask })
    }
    const c = client(rpc, () => 5000)
    const creator = new FakeCreator()
    await Promise.all([c.claim(creator.ref, JOB), c.claim(creator.ref, JOB), c.claim(creator.ref, JOB)])
    expect(new Set(seen).size).toBe(3)
  })
})
