import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IllegalTransitionError } from '../../../../protocol/errors.ts'
import { isFinal, newTaskState, type TaskEvent, type TaskState, transition } from '../../../../protocol/task/state-machine.ts'

const fresh = () => newTaskState({ index: 0, frameStart: 1, frameEnd: 5 })
const lease = (worker = 'w1', leaseId = 'l1', expiresMs = 100): TaskEvent => ({ type: 'lease', worker, leaseId, expiresMs })

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze)
    Object.freeze(value)
  }
  return value
}

function run(events: TaskEvent[], state = fresh()): TaskState {
  return events.reduce(transition, state)
}

describe('task state machine', () => {
  it('walks the happy path', () => {
    const s = run([lease(), { type: 'rendered', leaseId: 'l1' }, { type: 'commit', leaseId: 'l1', root: 'aa' }, { type: 'verify', accepted: true }])
    expect(s).toMatchObject({ status: 'verified', worker: 'w1', merkleRoot: 'aa', attempts: 1 })
    expect(isFinal(s)).toBe(true)
  })

  it('renews only for the current lease, before expiry, never shortening it', () => {
    const s = run([lease()])
    expect(transition(s, { type: 'renew', leaseId: 'l1', nowMs: 50, expiresMs: 150 }).expiresMs).toBe(150)
    expect(() => transition(s, { type: 'renew', leaseId: 'other', nowMs: 50, expiresMs: 150 })).toThrow(IllegalTransitionError)
    expect(() => transition(s, { type: 'renew', leaseId: 'l1', nowMs: 100, expiresMs: 200 })).toThrow(/expired/)
    expect(() => transition(s, { type: 'renew', leaseId: 'l1', nowMs: 50, expiresMs: 90 })).toThrow(/shorten/)
  })

  it('expiry requeues the task without excluding the silent worker', () => {
    const s = run([lease()])
    expect(() => transition(s, { type: 'expire', nowMs: 99 })).toThrow(IllegalTransitionError)
    const back = transition(s, { type: 'expire', nowMs: 100 })
    expect(back).toEqual({ ...fresh(), attempts: 1 })
    expect(transition(back, lease('w1', 'l2')).attempts).toBe(2)
  })

  it('only the lessee commits', () => {
    const s = run([lease()])
    expect(() => transition(s, { type: 'commit', leaseId: 'l2', root: 'aa' })).toThrow(/lease id/)
  })

  it('a rejected verdict fails the task and excludes the worker', () => {
    const s = run([lease(), { type: 'commit', leaseId: 'l1', root: 'aa' }, { type: 'verify', accepted: false, reason: 'psnr 20 dB' }])
    expect(s).toMatchObject({ status: 'failed', excluded: ['w1'], lastFailure: 'psnr 20 dB' })
    expect(s.worker).toBeUndefined()
    const again = transition(s, { type: 'requeue' })
    expect(again.status).toBe('enqueued')
    expect(() => transition(again, lease('w1', 'l2'))).toThrow(/excluded/)
    expect(transition(again, lease('w2', 'l2'))).toMatchObject({ status: 'leased', worker: 'w2', attempts: 2 })
  })

  it('cancels anything but a finished task', () => {
    expect(transition(run([lease()]), { type: 'cancel' }).status).toBe('cancelled')
    expect(() => transition(transition(fresh(), { type: 'cancel' }), { type: 'cancel' })).toThrow(IllegalTransitionError)
    const verified = run([lease(), { type: 'commit', leaseId: 'l1', root: 'aa' }, { type: 'verify', accepted: true }])
    expect(() => transition(verified, { type: 'cancel' })).toThrow(IllegalTransitionError)
  })

  it('never mutates its input', () => {
    const s = deepFreeze(run([lease()]))
    const copy = structuredClone(s)
    transition(s, { type: 'rendered', leaseId: 'l1' })
    transition(s, { type: 'fail', reason: 'x' })
    expect(s).toEqual(copy)
  })

  it('random event sequences keep the invariants', () => {
    const worker = fc.constantFrom('w1', 'w2', 'w3')
    const leaseId = fc.constantFrom('l1', 'l2')
    const time = fc.integer({ min: 0, max: 200 })
    const event: fc.Arbitrary<TaskEvent> = fc.oneof(
      fc.record({ type: fc.constant('lease' as const), worker, leaseId, expiresMs: time }),
      fc.record({ type: fc.constant('renew' as const), leaseId, nowMs: time, expiresMs: time }),
      fc.record({ type: fc.constant('expire' as const), nowMs: time }),
      fc.record({ type: fc.constant('rendered' as const), leaseId }),
      fc.record({ type: fc.constant('commit' as const), leaseId, root: fc.constantFrom('r1', 'r2') }),
      fc.record({ type: fc.constant('verify' as const), accepted: fc.boolean() }),
      fc.record({ type: fc.constant('fail' as const), reason: fc.constant('boom') }),
      fc.constant({ type: 'requeue' as const }),
      fc.constant({ type: 'cancel' as const }),
      fc.constant({ type: 'revoke' as const, reason: 'caught cheating' })
    )
    const reached = new Set<string>()
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let state = deepFreeze(fresh())
        let wasVerified = false
        for (const e of events) {
          const before = state
          try {
            state = deepFreeze(transition(state, e))
            reached.add(`${before.status}-${e.type}->${state.status}`)
          } catch (err) {
            expect(err).toBeInstanceOf(IllegalTransitionError)
            expect(state).toBe(before)
            continue
          }
          // Attempts only grow, and only a lease grows them.
          expect(state.attempts).toBe(before.attempts + (e.type === 'lease' ? 1 : 0))
          // Exclusions are never lifted.
          for (const w of before.excluded) expect(state.excluded).toContain(w)
          if (state.status === 'leased' || state.status === 'rendered') {
            expect(state.worker).toBeTruthy()
            expect(state.leaseId).toBeTruthy()
            expect(state.expiresMs).toBeTypeOf('number')
            expect(state.excluded).not.toContain(state.worker)
          }
          if (state.status === 'committed' || state.status === 'verified') {
            expect(state.worker).toBeTruthy()
            expect(state.merkleRoot).toBeTruthy()
          }
          if (state.status === 'enqueued' || state.status === 'failed' || state.status === 'cancelled') {
            expect(state.worker).toBeUndefined()
            expect(state.leaseId).toBeUndefined()
          }
          // A verified task stays verified unless revoked, and a revoke excludes its worker.
          if (wasVerified && e.type !== 'revoke') expect(state.status).toBe('verified')
          if (wasVerified && e.type === 'revoke') expect(state.excluded).toContain(before.worker)
          wasVerified = state.status === 'verified'
          expect([state.index, state.frameStart, state.frameEnd]).toEqual([0, 1, 5])
        }
      }),
      // A fixed seed: the edge-coverage check below must not depend on luck.
      { numRuns: 2000, seed: 20261122 }
    )
    // The generator must actually exercise the machine, not just bounce off it.
    for (const edge of ['enqueued-lease->leased', 'leased-renew->leased', 'leased-expire->enqueued', 'rendered-commit->committed', 'committed-verify->verified', 'committed-verify->failed', 'failed-requeue->enqueued', 'leased-cancel->cancelled', 'verified-revoke->failed']) {
      expect(reached).toContain(edge)
    }
  })
})
