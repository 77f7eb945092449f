import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../../../../node/ledger/errors.ts'
import { silentLogger } from '../../../../../node/log.ts'
import { CHAIN_COMMIT_GIVE_UP_MS, ChainCommits } from '../../../../../node/roles/worker/chain-commits.ts'
import { fakeTimers } from '../fake-timers.ts'

function harness(failures: unknown[]) {
  const clock = fakeTimers()
  const calls: string[] = []
  let now = 0
  const commits = new ChainCommits({
    commit: async (jobId, taskIndex) => {
      calls.push(`${jobId}/${taskIndex}`)
      const err = failures.shift()
      if (err !== undefined) throw err
    },
    logger: silentLogger,
    timers: clock.timers,
    now: () => now
  })
  return { commits, clock, calls, advance: (ms: number) => (now += ms) }
}

describe('on-chain commitments', () => {
  it('retries a commitment refused for want of a checker until one registers', async () => {
    const h = harness([new LedgerError('ENoChecker', 'no checker'), new LedgerError('ENoChecker', 'no checker')])
    expect(await h.commits.commit('j', 3, 'ff')).toBe(false)
    expect(h.clock.delays()).toEqual([1_000])
    await h.clock.fire()
    expect(h.clock.delays()).toEqual([2_000])
    await h.clock.fire()
    expect(h.calls).toEqual(['j/3', 'j/3', 'j/3'])
    expect(h.clock.pending.size).toBe(0)
  })

  it('does not retry a refusal that cannot heal', async () => {
    const h = harness([new LedgerError('ETaskState', 'task reassigned')])
    expect(await h.commits.commit('j', 1, 'ff')).toBe(false)
    expect(h.clock.pending.size).toBe(0)
  })

  it('gives up after its time, and stops retrying when the worker stops', async () => {
    const h = harness([new Error('socket hang up'), new Error('socket hang up')])
    await h.commits.commit('j', 1, 'ff')
    h.advance(CHAIN_COMMIT_GIVE_UP_MS)
    await h.clock.fire()
    expect(h.clock.pending.size).toBe(0)

    const s = harness([new Error('down')])
    await s.commits.commit('j', 2, 'ff')
    s.commits.stop()
    expect(s.clock.pending.size).toBe(0)
  })
})
