// Property tests of the dev ledger's state machine: random sequences of
// operations from 3-6 random actors with random roles. Most intents are
// steered to the party entitled to make them (so jobs really progress);
// the rest come from a random actor, with random amounts including u64
// boundaries. After every step the invariants of LEDGER-API.md must hold.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Call } from '../../../../../node/ledger/dev/calls.ts'
import { LedgerError } from '../../../../../node/ledger/errors.ts'
import { type LedgerState, taskOf } from '../../../../../node/ledger/dev/state.ts'
import { type LedgerEventBody, U64_MAX } from '../../../../../node/ledger/types.ts'
import { Harness, addr, expectConserved, jobIdOf, rootOf, serialise } from './helpers.ts'

const amount = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt(0n, 3_000_000n) },
  { weight: 1, arbitrary: fc.constantFrom(U64_MAX, U64_MAX - 1n, 1n << 63n, 10n ** 9n) }
)
const who = fc.nat(5)
const job = fc.nat(4)
const task = fc.nat(4)
/** true: the entitled party sends it; false: a random actor does. */
const honest = fc.nat(9).map((n) => n < 7)

const intent = fc.oneof(
  fc.record({ op: fc.constant('mint' as const), who, amount }),
  fc.record({ op: fc.constant('register' as const), who, role: fc.integer({ min: 0, max: 4 }), stake: amount }),
  fc.record({ op: fc.constant('add_stake' as const), who, amount }),
  fc.record({ op: fc.constant('request_withdraw' as const), who }),
  fc.record({ op: fc.constant('withdraw' as const), who, wait: fc.boolean() }),
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('create_job' as const),
      who,
      job,
      taskCount: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 4 }) }, fc.constant(0)),
      moreFrames: fc.oneof({ weight: 9, arbitrary: fc.nat(4) }, fc.constant(-1)),
      maxFrameCost: fc.oneof({ weight: 5, arbitrary: fc.bigInt(0n, 1000n) }, amount),
      checkerFee: fc.bigInt(0n, 1000n),
      extra: amount
    })
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('assign' as const), who, job, task, worker: who, frames: fc.integer({ min: 0, max: 3 }), frameCost: fc.oneof({ weight: 5, arbitrary: fc.bigInt(0n, 1000n) }, amount), honest }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('commit' as const), who, job, task, honest }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('verdict' as const), who, job, task, accepted: fc.nat(3).map((n) => n > 0), honest }) },
  fc.record({ op: fc.constant('cancel' as const), who, job, honest }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('close' as const), who, job, honest }) },
  fc.record({ op: fc.constant('bad_nonce' as const), who, delta: fc.constantFrom(-1, 1, 4) })
)
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never

/** Turns an intent into (sender, call[, nonce]) against the current state. */
function resolve(s: LedgerState, actors: string[], i: Intent): { sender: string; call?: Call; mint?: bigint; nonceDelta?: number } {
  const random = actors[i.who % actors.length]
  if (i.op === 'mint') return { sender: random, mint: i.amount }
  if (i.op === 'register') return { sender: random, call: { call: 'register', role: i.role, stake: i.stake } }
  if (i.op === 'add_stake') return { sender: random, call: { call: 'add_stake', amount: i.amount } }
  if (i.op === 'request_withdraw' || i.op === 'withdraw') return { sender: random, call: { call: i.op } }
  if (i.op === 'bad_nonce') return { sender: random, call: { call: 'request_withdraw' }, nonceDelta: i.delta }
  // Steered intents act on a live job, and on a task in the state their call needs, when there is one.
  const want = i.op === 'assign' ? 'open' : i.op === 'commit' ? 'assigned' : 'committed'
  const live = [...s.jobs.values()].filter((x) => x.status === 'open' || (x.status === 'cancelled' && i.op !== 'assign'))
  const fitting = live.flatMap((x) => Array.from({ length: x.taskCount }, (_, k) => [x.jobId, k] as const).filter(([, k]) => taskOf(s, x.jobId, k).state === want))
  // The target is steered whoever sends (so wrong senders hit live tasks too),
  // except for job 4, which names a raw id: unknown and closed jobs get hit as well.
  const steer = i.op !== 'create_job' && i.job !== 4
  const pick = (n: number) => (steer && fitting.length > 0 ? fitting[n % fitting.length] : undefined)
  const chosen = pick(i.job * 5 + ('task' in i ? i.task : 0))
  const jobId = chosen?.[0] ?? (steer && live.length > 0 ? live[i.job % live.length].jobId : jobIdOf(i.job))
  const taskIndex = chosen?.[1] ?? ('task' in i ? i.task : 0)
  const j = s.jobs.get(jobId)
  if (i.op === 'create_job') {
    const frameCount = i.taskCount + i.moreFrames
    const escrow = BigInt(frameCount) * i.maxFrameCost + BigInt(i.taskCount) * i.checkerFee + (i.extra % 1000n) - 1n
    return { sender: random, call: { call: 'create_job', jobId, taskCount: i.taskCount, frameCount, maxFrameCost: i.maxFrameCost, checkerFee: i.checkerFee, escrow } }
  }
  const creator = i.honest && j ? j.creator : random
  if (i.op === 'assign') {
    const frameCost = i.honest && j && i.frameCost > j.maxFrameCost ? j.maxFrameCost : i.frameCost
    const workers = actors.filter((a) => s.nodes.get(a)?.role === 2)
    const worker = i.honest && workers.length > 0 ? workers[i.worker % workers.length] : actors[i.worker % actors.length]
    return { sender: creator, call: { call: 'assign_task', jobId, taskIndex, worker, frames: i.frames, frameCost } }
  }
  if (i.op === 'cancel' || i.op === 'close') return { sender: creator, call: { call: i.op === 'cancel' ? 'cancel_job' : 'close_job', jobId } }
  const t = j && taskIndex < j.taskCount ? taskOf(s, jobId, taskIndex) : undefined
  if (i.op === 'commit') {
    const sender = i.honest && t && t.state !== 'open' ? t.worker : random
    return { sender, call: { call: 'commit_result', jobId, taskIndex, merkleRoot: rootOf(taskIndex) } }
  }
  const sender = i.honest && t && (t.state === 'committed' || t.state === 'verified') ? t.checker : random
  return { sender, call: { call: 'submit_verdict', jobId, taskIndex, accepted: i.accepted } }
}

const coverage = { verified: 0, rejected: 0, closed: 0, cancelled: 0, refused: 0 }

/** Checks one successful step: its events against the state before and after. */
function checkStep(before: LedgerState, after: LedgerState, sender: string, events: LedgerEventBody[], book: Map<string, { paid: number; refunded: bigint; spent: bigint }>) {
  for (const e of events) {
    if (e.type === 'Minted' || !('jobId' in e)) continue
    const acct = book.get(e.jobId) ?? { paid: 0, refunded: 0n, spent: 0n }
    book.set(e.jobId, acct)
    if (e.type === 'JobCreated') acct.spent = 0n
    if (e.type === 'WorkerPaid' || e.type === 'CheckerPaid') acct.spent += e.amount
    if (e.type === 'Refunded') acct.refunded += e.amount
    if (e.type === 'WorkerPaid') {
      // No task paid twice: it was Committed, and is now Verified for good.
      expect(taskOf(before, e.jobId, e.taskIndex).state).toBe('committed')
      expect(taskOf(after, e.jobId, e.taskIndex).state).toBe('verified')
      acct.paid++
      coverage.verified++
    }
    if (e.type === 'ResultCommitted') {
      // Once per assignment, by the assigned worker; the checker is fixed from then on.
      const t = taskOf(before, e.jobId, e.taskIndex)
      expect(t.state === 'assigned' && t.worker).toBe(sender)
    }
    if (e.type === 'VerdictSubmitted') {
      // Only the checker the beacon assigned at commit time.
      const t = taskOf(before, e.jobId, e.taskIndex)
      expect(t.state).toBe('committed')
      expect(t.state === 'committed' && t.checker).toBe(sender)
      expect(e.checker).toBe(sender)
      if (!e.accepted) coverage.rejected++
    }
    if (e.type === 'JobCancelled') {
      const j = before.jobs.get(e.jobId)!
      expect(e.refunded).toBe(j.escrow - j.reserved)
      coverage.cancelled++
    }
    if (e.type === 'JobClosed') {
      const j = before.jobs.get(e.jobId)!
      for (let k = 0; k < j.taskCount; k++) {
        const state = taskOf(before, e.jobId, k).state
        // Every task verified, or (after a cancel) none still assigned or committed.
        if (j.status === 'open') expect(state).toBe('verified')
        else expect(state === 'assigned' || state === 'committed').toBe(false)
      }
      coverage.closed++
    }
  }
  expect(after.accounts.get(sender)?.nonce).toBe((before.accounts.get(sender)?.nonce ?? 0) + 1)
}

function checkState(s: LedgerState, book: Map<string, { paid: number; refunded: bigint; spent: bigint }>, created: Map<string, bigint>) {
  expectConserved(s)
  for (const j of s.jobs.values()) {
    expect(j.escrow >= j.reserved && j.reserved >= 0n).toBe(true)
    let reserved = 0n
    let verified = 0
    let pending = 0
    for (let k = 0; k < j.taskCount; k++) {
      const t = taskOf(s, j.jobId, k)
      if (t.state === 'assigned' || t.state === 'committed') {
        reserved += BigInt(t.frames) * t.frameCost + j.checkerFee
        pending++
      }
      if (t.state === 'verified') verified++
    }
    expect({ reserved, verified, pending }).toEqual({ reserved: j.reserved, verified: j.verifiedTasks, pending: j.pendingTasks })
    // The escrow is what was locked, less what was paid out and refunded: nothing else leaks.
    const b = book.get(j.jobId)!
    expect(j.escrow).toBe(created.get(j.jobId)! - b.spent - b.refunded)
    if (j.status === 'closed') expect(b.refunded).toBe(created.get(j.jobId)! - b.spent)
    expect(b.paid).toBe(j.verifiedTasks)
  }
}

describe('dev ledger invariants (fast-check)', () => {
  it('hold over random operation sequences from random actors', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 6 }), fc.array(intent, { minLength: 30, maxLength: 100 }), (roles, intents) => {
        const h = new Harness()
        const actors = roles.map((_, i) => addr(i + 1))
        roles.forEach((role, i) => {
          h.mint(actors[i], 50_000_000n)
          h.call(actors[i], { call: 'register', role, stake: role === 1 ? 0n : 2_000_000n })
        })
        const book = new Map<string, { paid: number; refunded: bigint; spent: bigint }>()
        const created = new Map<string, bigint>()
        for (const i of intents) {
          const r = resolve(h.state, actors, i)
          const before = h.state
          const bytes = serialise(before)
          if (i.op === 'withdraw' && i.wait) h.now += 1000
          let events: LedgerEventBody[]
          try {
            if (r.mint !== undefined) events = h.mint(r.sender, r.mint)
            else events = h.call(r.sender, r.call!, r.nonceDelta === undefined ? undefined : h.nonceOf(r.sender) + 1 + r.nonceDelta)
          } catch (err) {
            // A refusal is typed and changes nothing, byte for byte.
            if (!(err instanceof LedgerError)) throw err
            if (r.nonceDelta !== undefined) expect(err.code).toBe('EBadNonce')
            expect(h.state).toBe(before)
            expect(serialise(h.state)).toBe(bytes)
            coverage.refused++
            continue
          }
          expect(r.nonceDelta).toBeUndefined()
          for (const e of events) if (e.type === 'JobCreated') created.set(e.jobId, e.escrow)
          if (r.mint === undefined) checkStep(before, h.state, r.sender, events, book)
          checkState(h.state, book, created)
        }
      }),
      { numRuns: 200 }
    )
    // The generator must reach the interesting paths, not just bounce off checks.
    // (Typical per 200 runs: ~60 verified, ~20 rejected, ~60 closed, ~190 cancelled.)
    expect(coverage.verified).toBeGreaterThan(20)
    expect(coverage.rejected).toBeGreaterThan(5)
    expect(coverage.closed).toBeGreaterThan(20)
    expect(coverage.cancelled).toBeGreaterThan(50)
    expect(coverage.refused).toBeGreaterThan(1000)
  }, 60_000)
})
