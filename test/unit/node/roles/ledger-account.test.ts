// The ledger account's registration: an unfunded node keeps retrying with a
// capped backoff until it is funded, says why meanwhile, and leaves no timer
// behind when it stops. The ledger and the timers are fakes, fired by hand.
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../../../node/ledger/errors.ts'
import { type ChainNode, DEFAULT_LEDGER_PARAMS, type LedgerRole, ROLE } from '../../../../node/ledger/types.ts'
import { silentLogger } from '../../../../node/log.ts'
import type { LedgerRegistration } from '../../../../node/node-status.ts'
import { LedgerAccount, retryDelayMs } from '../../../../node/roles/ledger-account.ts'
import { fakeTimers } from './fake-timers.ts'

const ADDRESS = `0x${'ab'.repeat(32)}`

/** A ledger where registering needs a balance: `fund()` provides it. */
function fakeLedger(registered?: ChainNode) {
  let funded = false
  let node = registered
  const calls: { role: LedgerRole; stake: bigint }[] = []
  let gate: Promise<void> | undefined
  return {
    calls,
    fund: () => {
      funded = true
    },
    /** Holds the next node() read until the returned function is called. */
    hold: () => {
      let release!: () => void
      gate = new Promise((resolve) => {
        release = resolve
      })
      return release
    },
    ledger: {
      address: ADDRESS,
      async node() {
        if (gate !== undefined) await gate
        gate = undefined
        return node
      },
      async register(role: LedgerRole, stake: bigint) {
        calls.push({ role, stake })
        if (!funded) throw new LedgerError('EInsufficientBalance', `stake: balance 0 < ${stake}`)
        node = { address: ADDRESS, role, stake, verified: 0, rejected: 0, withdrawAt: 0, openTasks: 0 }
        return { digest: 'd', events: [] }
      }
    }
  }
}

function account(role: 'worker' | 'checker' | 'creator', fake: ReturnType<typeof fakeLedger>, clock: ReturnType<typeof fakeTimers>) {
  const registration: LedgerRegistration = { state: 'not registered: not tried yet' }
  return { registration, account: new LedgerAccount({ ledger: fake.ledger, role, registration, logger: silentLogger, timers: clock.timers }) }
}

describe('ledger account registration', () => {
  it('retries an unfunded worker 1 s doubling to 30 s, and registers it once it is funded', async () => {
    const fake = fakeLedger()
    const clock = fakeTimers()
    const { account: a, registration } = account('worker', fake, clock)
    await a.start()
    expect(registration.state).toMatch(/^not registered: EInsufficientBalance: .*pictor wallet fund/)
    const waits: number[] = []
    for (let i = 0; i < 7; i++) {
      waits.push(...clock.delays())
      await clock.fire()
    }
    waits.push(...clock.delays())
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000])
    fake.fund()
    await clock.fire()
    expect(registration.state).toBe('registered')
    expect(clock.pending.size).toBe(0)
    expect(fake.calls).toHaveLength(9)
    expect(fake.calls.at(-1)).toEqual({ role: ROLE.worker, stake: DEFAULT_LEDGER_PARAMS.minStake })
    await a.stop()
  })

  it('stops with no timer left, and a stop during an attempt schedules no other', async () => {
    const fake = fakeLedger()
    const clock = fakeTimers()
    const { account: a } = account('checker', fake, clock)
    await a.start()
    expect(clock.pending.size).toBe(1)
    await a.stop()
    expect(clock.pending.size).toBe(0)

    const b = account('checker', fake, clock).account
    await b.start()
    const release = fake.hold()
    const firing = clock.fire()
    const stopping = b.stop()
    release()
    await Promise.all([firing, stopping])
    expect(clock.pending.size).toBe(0)
  })

  it('registers at once when funded, and does not register an account twice', async () => {
    const fake = fakeLedger()
    fake.fund()
    const clock = fakeTimers()
    const { account: a, registration } = account('creator', fake, clock)
    await a.start()
    expect(registration.state).toBe('registered')
    expect(fake.calls).toEqual([{ role: ROLE.creator, stake: 0n }])
    await a.stop()
    const again = account('creator', fake, clock)
    await again.account.start()
    expect(again.registration.state).toBe('registered')
    expect(fake.calls).toHaveLength(1)
    expect(clock.pending.size).toBe(0)
  })

  it('gives up, saying why, when the key is registered in another role', async () => {
    const fake = fakeLedger({ address: ADDRESS, role: ROLE.creator, stake: 0n, verified: 0, rejected: 0, withdrawAt: 0, openTasks: 0 })
    const clock = fakeTimers()
    const { account: a, registration } = account('worker', fake, clock)
    await a.start()
    expect(registration.state).toBe('not registered: this key is registered on the ledger as a creator, not a worker')
    expect(clock.pending.size).toBe(0)
    expect(fake.calls).toEqual([])
  })

  it('retries while the ledger cannot be reached', async () => {
    const clock = fakeTimers()
    const registration: LedgerRegistration = { state: '' }
    let up = false
    const ledger = {
      address: ADDRESS,
      async node() {
        if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:1')
        return undefined
      },
      async register() {
        return { digest: 'd', events: [] }
      }
    }
    const a = new LedgerAccount({ ledger, role: 'worker', registration, logger: silentLogger, timers: clock.timers })
    await a.start()
    expect(registration.state).toBe('not registered: connect ECONNREFUSED 127.0.0.1:1')
    up = true
    await clock.fire()
    expect(registration.state).toBe('registered')
  })

  it('caps the backoff however long it has failed', () => {
    expect(retryDelayMs(1)).toBe(1_000)
    expect(retryDelayMs(5)).toBe(16_000)
    expect(retryDelayMs(6)).toBe(30_000)
    expect(retryDelayMs(10_000)).toBe(30_000)
  })
})
