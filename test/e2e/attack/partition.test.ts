// The attack suite's `partition` scenario in small (scripts/attack/
// partition.ts): a testnet of partitionable nodes is split into halves for a
// few seconds while workers of both halves hold tasks, then healed. No
// connection crosses the split while it lasts, the halves connect again, and
// the job completes once: every frame, one closing on the ledger, payouts +
// refund = escrow, no task paid twice. (Whether every link comes back is a
// figure of the scenario, not asserted here: libp2p redials only some peers.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Testnet } from '../../../testnet/launcher.ts'
import { PARTITION_HALVES, partitionProblems, partitionTestnet, runPartitionJob } from '../../../testnet/partition-run.ts'

const JOB = { renderer: 'builtin', frameStart: 1, frameEnd: 24, framesPerTask: 2, width: 96, height: 54, samples: 16, seed: 4, maxPrice: 1000 }
let testnet: Testnet

beforeAll(async () => {
  testnet = partitionTestnet()
  await testnet.start()
  await testnet.waitReady()
})

afterAll(async () => {
  await testnet?.stop()
})

describe('network partition', () => {
  it('completes the job once, pays nothing twice, and heals', { timeout: 180_000 }, async () => {
    const r = await runPartitionJob(testnet, { halves: PARTITION_HALVES, partitionMs: 6000, job: JOB, timeoutMs: 90_000, healTimeoutMs: 15_000 })
    expect(r.farWorkersBusy).toBeGreaterThan(0)
    expect(r.crossLinksDuring).toBe(0)
    expect(r.crossLinksAfter).toBeGreaterThan(0)
    expect(partitionProblems(r)).toEqual([])
    expect(r.framesIntact).toBe(24)
  })
})
