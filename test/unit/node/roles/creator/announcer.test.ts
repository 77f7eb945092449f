// The announcer's cadence on virtual time: every tick while a job is young,
// then every ANNOUNCE_REFRESH_MS, and at the next tick after a peer joins.
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../../../../node/log.ts'
import { ANNOUNCE_FAST_WINDOW_MS, ANNOUNCE_REFRESH_MS, Announcer } from '../../../../../node/roles/creator/announcer.ts'
import { VirtualClock } from '../../../../../testnet/sim/virtual-clock.ts'
import { newJob } from './fixtures.ts'

describe('announcer', () => {
  it('announces a young job every tick, then every refresh period, and soon after a peer joins', async () => {
    const clock = new VirtualClock(1_700_000_000_000)
    const job = { ...newJob(), createdMs: clock.now(), spec: { ...newJob().spec, timeoutStopS: 86_400 } }
    const at: number[] = []
    let join: () => void = () => {}
    const announcer = new Announcer(
      {
        identity: { publicKey: new Uint8Array(32).fill(7), seed: new Uint8Array(32).fill(7) },
        libp2p: { getMultiaddrs: () => [] },
        gossip: {
          on: () => {},
          publish: async () => at.push(clock.now() - job.createdMs)
        },
        now: () => clock.now(),
        clock,
        logger: silentLogger,
        jobs: () => [job],
        onJoin: (listener) => {
          join = listener
        }
      },
      3_000
    )
    announcer.start()
    await clock.run({ untilMs: job.createdMs + 100_000 })
    const fast = at.filter((t) => t < ANNOUNCE_FAST_WINDOW_MS)
    expect(fast).toEqual([0, 3_000, 6_000, 9_000, 12_000, 15_000, 18_000, 21_000, 24_000, 27_000])
    expect(at.filter((t) => t >= ANNOUNCE_FAST_WINDOW_MS)).toEqual([27_000 + ANNOUNCE_REFRESH_MS, 27_000 + 2 * ANNOUNCE_REFRESH_MS])
    join()
    const before = at.length
    await clock.run({ untilMs: clock.now() + 3_000 })
    expect(at.length).toBe(before + 1)
    announcer.stop()
  })
})
