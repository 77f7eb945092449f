// The attack suite's `crashes` scenario in small (scripts/attack/crashes.ts):
// on a testnet of real processes with a devchain, the creator and then the
// devchain are SIGKILLed during a job and restarted. The acknowledged job is
// still there and completes with every frame; the job closes once on the
// ledger with payouts + refund = escrow and no task paid twice; no devchain
// transaction acknowledged before the kill is lost.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditCrashRound, crashRound, crashTestnet } from '../../../testnet/crash-rounds.ts'
import { jobView } from '../../../testnet/job-watch.ts'
import type { Testnet } from '../../../testnet/launcher.ts'
import { AckedTxProbe } from '../../../testnet/ledger-audit.ts'
import { seededRandom } from '../../../testnet/seeded-random.ts'

let testnet: Testnet

beforeAll(async () => {
  testnet = crashTestnet()
  await testnet.start()
  await testnet.waitReady()
})

afterAll(async () => {
  await testnet?.stop()
})

describe('crashes', () => {
  it('loses no acknowledged job, transaction or frame and pays nothing twice across a creator and a devchain kill', { timeout: 180_000 }, async () => {
    const random = seededRandom(5)
    const probe = new AckedTxProbe(() => testnet.ledger(), `0x${randomBytes(32).toString('hex')}`)
    probe.start()
    const kills = []
    for (const [round, target] of (['creator', 'devchain'] as const).entries()) {
      kills.push(await crashRound(testnet, { round, target, random, frames: 3, killWindowMs: 800, maxDownMs: 500, settleMs: 10_000 }))
    }
    await probe.stop()
    expect(probe.acked.length).toBeGreaterThan(0)
    expect(await probe.lost()).toBe(0)
    const deadline = Date.now() + 90_000
    for (const kill of kills) {
      expect(await jobView(testnet, kill.jobId)).toBeDefined()
      const r = await auditCrashRound(testnet, kill, deadline)
      expect(r.status, r.unfinished.join(', ')).toBe('completed')
      expect(r.framesIntact).toBe(3)
      expect(r.closings, r.settlement).toBe(1)
      expect(r.paidOut).toBe(r.escrow)
      expect(r.paidTwice).toEqual([])
    }
  })
})
